"""Pure rules: credit codes, deadline instants, action bodies and who may do what in which state."""

from datetime import UTC, date, datetime

import pytest
from pydantic import ValidationError

from domain import transitions
from domain.refusals import Refusal
from domain.uscc import check_character, uscc_problem
from models.actions import AssessBody, ReviewPlanBody, VerifyBody, VoidBody
from models.base import end_of_day
from models.enums import Action, HazardLevel, HazardStatus
from models.hazard import HazardState
from tests import factories as f

NOW = datetime(2026, 11, 2, 2, 0, tzinfo=UTC)


def fresh() -> HazardState:
    return transitions.reported(
        HazardState(code="HZ-1", facts=f.facts(), reported_at=NOW, reported_by=f.INSPECTOR, policy=f.DEFAULT_POLICY, status_since=NOW), f.INSPECTOR
    ).state


def test_demo_credit_codes_are_valid_and_a_changed_character_is_caught() -> None:
    assert uscc_problem(f.USCC_A) is None and uscc_problem(f.USCC_B) is None
    assert "check character" in (uscc_problem(f.USCC_A[:-1] + "8") or "")
    assert "18 characters" in (uscc_problem("9137") or "")
    assert uscc_problem(f.USCC_A.lower()) is not None
    assert check_character("91350100M000100Y4") == "3"  # a published example


def test_a_date_deadline_ends_at_midnight_after_that_day_in_shanghai() -> None:
    assert end_of_day(date(2026, 10, 15)) == datetime(2026, 10, 15, 16, 0, tzinfo=UTC)


def test_bodies_refuse_what_needs_no_state() -> None:
    with pytest.raises(ValidationError, match="basis"):
        AssessBody(level=HazardLevel.MAJOR)
    with pytest.raises(ValidationError, match="rectification"):
        AssessBody(level=HazardLevel.GENERAL)
    with pytest.raises(ValidationError, match="comment"):
        ReviewPlanBody(decision="return")
    with pytest.raises(ValidationError, match="new_deadline"):
        VerifyBody(decision="fail", comment="不合格")
    with pytest.raises(ValidationError, match="reason"):
        VoidBody(reason="   ")


@pytest.mark.parametrize(
    "who,expected",
    [
        (f.INSPECTOR, (Action.ASSESS,)),
        (f.COUNTY_SUPERVISOR, (Action.ASSESS, Action.VOID, Action.INTERVIEW)),
        (f.CITY_SUPERVISOR, (Action.ASSESS, Action.VOID, Action.INTERVIEW)),
        (f.COUNTY2_SUPERVISOR, ()),
        (f.ENTERPRISE_A, ()),
        (f.AUDITOR, ()),
    ],
)
def test_allowed_actions_on_a_reported_hazard(who, expected) -> None:  # type: ignore[no-untyped-def]
    assert transitions.allowed_actions(fresh(), who) == expected


def test_a_refusal_names_the_state_before_the_jurisdiction() -> None:
    with pytest.raises(Refusal) as refused:
        transitions.check(Action.CLOSE, fresh(), f.COUNTY_SUPERVISOR, VoidBody(reason="x"), NOW)  # type: ignore[arg-type]
    assert refused.value.code == "wrong_state" and refused.value.kind == "conflict"
    assert "登记" in refused.value.message_zh


def test_applying_an_immediate_general_assessment_records_two_steps() -> None:
    from models.enums import Rectification

    items = transitions.apply(
        Action.ASSESS, fresh(), f.INSPECTOR, AssessBody(level="general", rectification=Rectification.IMMEDIATE), NOW
    )
    assert [(i.transition.seq, i.transition.to_status) for i in items] == [
        (2, HazardStatus.ASSESSED),
        (3, HazardStatus.ACCEPTANCE_REQUESTED),
    ]
    assert items[0].state.status == HazardStatus.ASSESSED  # each step carries the state right after it


def test_a_date_more_than_a_year_away_is_refused_before_it_reaches_the_calendar() -> None:
    from models.actions import ListBody

    far = ListBody(authority_level="county", deadline=date(2199, 1, 1))
    with pytest.raises(Refusal) as refused:
        transitions.check_body(Action.LIST, fresh(), far, NOW)
    assert (refused.value.code, refused.value.field) == ("date_too_far", "deadline")
    within = ListBody(authority_level="county", deadline=date(2027, 10, 1))
    transitions.check_body(Action.LIST, fresh(), within, NOW)  # within the year: accepted


def test_a_title_is_kept_on_one_line() -> None:
    from services.schemas import HazardCreate

    body = HazardCreate.model_validate({
        "title": "配电室\n未设置\r\n挡鼠板\t ", "enterprise_uscc": "91371702MA3C4G0R29", "region_code": "371702",
        "industry": "危险化学品", "source": "inspection", "discovered_at": "2026-11-01",
    })
    assert body.title == "配电室 未设置 挡鼠板"
