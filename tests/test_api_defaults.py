"""What the policy and the supervisor say reaches the process: the default rectification period, the
reason of an interview started by hand, and intake answered by the workflow."""

from datetime import datetime

from models.base import china_date
from tests.api_helpers import Api
from tests.eventually import assert_eventually_async


async def test_a_general_hazard_ordered_to_rectify_without_a_date_gets_the_policys_working_days(api: Api) -> None:
    reported = await api.report()
    assert reported.status_code == 201 and reported.json()["status"] == "reported"  # answered by the workflow
    code = reported.json()["code"]
    reply = await api.act("county.supervisor", code, "assess", {"level": "general", "rectification": "deadline"})
    assert reply.status_code == 200, reply.text
    hazard = reply.json()
    assert hazard["status"] == "rectifying" and hazard["deadline"] is not None
    days = api.app.state.policies.latest("default").timers.general_rectification
    deadline = datetime.fromisoformat(hazard["deadline"])
    start = china_date(datetime.fromisoformat(hazard["timeline"][-1]["at"]))
    assert 0 < (china_date(deadline) - start).days <= days * 2 + 14  # N working days: at least N calendar days
    assert (china_date(deadline) - start).days >= days - 1


async def test_an_interview_started_by_a_supervisor_keeps_the_reason_they_gave(api: Api) -> None:
    code = (await api.report()).json()["code"]
    reason = "企业多次拒不整改，约谈主要负责人"
    reply = await api.act("county.supervisor", code, "interview", {"reason": reason})
    assert reply.status_code == 200, reply.text

    async def started() -> None:
        listed = await api.as_user("county.supervisor", "GET", "/interviews", params={"hazard_code": code})
        assert listed.status_code == 200 and listed.json(), listed.text
        one = await api.as_user("county.supervisor", "GET", f"/interviews/{listed.json()[0]['id']}")
        assert one.json()["reason"] == reason and one.json()["trigger"] == "manual"

    await assert_eventually_async(started)
