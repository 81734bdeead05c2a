""""My tasks" as a read model: who owes which step, written with each record's row, read by one query."""

from datetime import UTC, datetime, timedelta

from sqlalchemy import Engine
from sqlmodel import Session, select

from domain import tasks as owed_rules
from domain.transitions import allowed_actions
from models.actors import Actor
from models.enums import HazardLevel, HazardStatus, VerifyDecision
from models.hazard import HazardState, Verification
from models.tables import HazardRow, TaskRow
from registry.hazard import HAZARD
from store import tasks
from tests import factories as f
from tests.synthetic import Spec, insert, many, reference_data

NOW = datetime.now(UTC)


def _state(**changes: object) -> HazardState:
    state = HazardState(code="HZ-1", facts=f.facts(), reported_at=NOW, reported_by=f.INSPECTOR, policy=f.DEFAULT_POLICY,
                        status_since=NOW)
    return state.model_copy(update=changes)


def test_a_reported_hazard_is_owed_its_assessment_by_the_staff_of_every_jurisdiction_holding_it() -> None:
    owed = owed_rules.hazard_tasks(_state())
    assert {(o.action, o.role.value, o.jurisdiction_code) for o in owed} == {
        ("assess", role, code) for role in ("inspector", "supervisor") for code in ("370000", "371700", "371702")
    }
    assert not owed_rules.hazard_tasks(_state(status=HazardStatus.CLOSED))


def _expected(session: Session, actor: Actor) -> set[tuple[str, str]]:
    """What the tasks were before the read model: every open hazard's allowed task actions for `actor`."""
    rows = session.exec(select(HazardRow).where(HazardRow.status.not_in(("closed", "voided")))).all()  # type: ignore[attr-defined]
    found: set[tuple[str, str]] = set()
    for row in rows:
        state = HazardState.model_validate_json(row.state_json)
        found |= {(row.code, a.value) for a in allowed_actions(state, actor) if a.value in HAZARD.tasks}
    return found


def test_each_callers_task_page_is_what_the_rules_allow_most_urgent_first(engine: Engine) -> None:
    with Session(engine) as session:
        reference_data(session)
        insert(session, many(300, NOW))
        for actor in (f.CITY_SUPERVISOR, f.COUNTY_SUPERVISOR, f.INSPECTOR, f.ENTERPRISE_A, f.AUDITOR):
            expected = _expected(session, actor)
            first, total = tasks.page_for(session=session, actor=actor, page=1, page_size=500)
            assert total == len(first) == len(expected), actor.username
            assert {(t.hazard_code, t.action) for t in first} == expected, actor.username
            keys = [(not t.overdue, t.due_sort) for t in first]
            assert keys == sorted(keys)
            pages = [tasks.page_for(session=session, actor=actor, page=p, page_size=7)[0] for p in range(1, total // 7 + 2)]
            assert [t.id for page in pages for t in page] == [t.id for t in first]
        assert len(_expected(session, f.CITY_SUPERVISOR)) > 50


def test_four_eyes_keeps_the_verifier_of_a_major_hazard_off_its_close_out(engine: Engine) -> None:
    with Session(engine) as session:
        reference_data(session)
        insert(session, [Spec(1, HazardStatus.VERIFIED, NOW - timedelta(days=9), f.COUNTY, HazardLevel.MAJOR, listed=True,
                              deadline=NOW + timedelta(days=3))])
        row = session.exec(select(HazardRow)).one()
        state = HazardState.model_validate_json(row.state_json)
        verification = Verification(decision=VerifyDecision.PASS, comment=None, fake_rectification=False,
                                    new_deadline=None, at=NOW, by=f.CITY_SUPERVISOR)
        tasks.replace_for_hazard(session=session, state=state.model_copy(update={"verifications": (verification,)}))
        session.commit()
        closing = session.exec(select(TaskRow).where(TaskRow.action == "close")).all()
        assert {(t.role, t.jurisdiction_code, t.excluded_user_id) for t in closing} == {("supervisor", "371700", "u-city.supervisor")}
        assert tasks.page_for(session=session, actor=f.CITY_SUPERVISOR, page=1, page_size=10)[1] == 0
        other = f.CITY_SUPERVISOR.model_copy(update={"user_id": "u-another", "username": "another"})
        assert tasks.page_for(session=session, actor=other, page=1, page_size=10)[1] == 1
