"""The inspection tour's pure rules (team, 回避, dates, documents) and its read model on SQLite and PostgreSQL."""

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import Engine
from sqlmodel import select

from core.db import session_scope
from domain import tour as rules
from domain import tour_steps as steps
from domain.refusals import Refusal
from models.tables import AuditEntry, Document, Notification, TaskRow, TourRow
from models.tour import (
    DeliverFeedbackBody,
    SubmitReportBody,
    TeamRole,
    TourAction,
    TourClock,
    TourRules,
    TourState,
    TourStatus,
)
from store import tours
from tests import factories as f
from tests.test_tour_workflow import COUNTY_TARGET, DEPARTMENT_TARGET, LEADER, TEAM, member, tour_start

NOW = datetime(2026, 12, 10, 2, 0, tzinfo=UTC)


SEED_RULES = TourRules()


def refusal(team: tuple, targets: tuple = (COUNTY_TARGET,), rules_: TourRules = SEED_RULES) -> Refusal:  # type: ignore[type-arg]
    with pytest.raises(Refusal) as caught:
        rules.check_team(team, targets, rules_)
    return caught.value


def test_a_team_has_its_size_one_leader_and_a_deputy() -> None:
    rules.check_team(TEAM, (COUNTY_TARGET,), TourRules())
    assert refusal(TEAM[:5]).code == "team_too_small"
    rules.check_team(TEAM[:5], (COUNTY_TARGET,), TourRules(min_team_size=5))  # the policy's number, not a constant
    two_leaders = (*TEAM[:5], member("x", TeamRole.LEADER))
    assert refusal(two_leaders).code == "team_needs_one_leader"
    no_deputy = (TEAM[0], member("y", TeamRole.MEMBER), *TEAM[2:])
    assert refusal(no_deputy).code == "team_needs_deputy"


def test_regional_avoidance_covers_the_target_and_posts_inside_it_not_the_level_above() -> None:
    county = member("c", TeamRole.MEMBER, where="371702", path="370000/371700/371702/")
    town = member("t", TeamRole.MEMBER, where="371702001", path="370000/371700/371702/371702001/")
    neighbour = member("n", TeamRole.MEMBER, where="371721", path="370000/371700/371721/")
    for person in (county, town):
        found = refusal((*TEAM[:5], person))
        assert found.code == "avoidance_region" and found.field == "team.5.username" and person.username in found.message_zh
    rules.check_team((*TEAM[:5], neighbour), (COUNTY_TARGET,), TourRules())  # the city team and a neighbour may
    rules.check_team(TEAM, (DEPARTMENT_TARGET,), TourRules())  # city staff may tour a city department...


def test_unit_avoidance_keeps_people_from_the_department_they_work_for() -> None:
    own = member("u", TeamRole.MEMBER, unit="菏泽市 住房和城乡建设局")
    found = refusal((*TEAM[:5], own), (DEPARTMENT_TARGET,))
    assert found.code == "avoidance_unit" and "任职回避" in found.message_zh and "u" in found.message_en
    assert [r["verdict"] for r in rules.avoidance_result((*TEAM[:5], own), (DEPARTMENT_TARGET,))] == ["ok"] * 5 + ["conflict"]


def test_the_rectification_deadline_is_two_calendar_months_after_feedback() -> None:
    assert steps.add_months(date(2026, 12, 10), 2) == date(2027, 2, 10)
    assert steps.add_months(date(2026, 12, 31), 2) == date(2027, 2, 28)  # no 31 February: the month's last day
    state = TourState(start=tour_start(date(2026, 12, 1), date(2026, 12, 5)), workflow_id="w", created_at=NOW, team=TEAM)
    assert steps.rectification_due(state, NOW) == datetime(2027, 2, 10, 16, 0, tzinfo=UTC)


def test_the_report_and_the_feedback_letters_are_documents_with_their_hash() -> None:
    state = TourState(start=tour_start(date(2026, 12, 1), date(2026, 12, 5)), workflow_id="w", created_at=NOW,
                      team=TEAM, status=TourStatus.REPORTING)
    item = steps.apply(TourAction.SUBMIT_REPORT, state, LEADER, SubmitReportBody(summary="总体", proposals="建议"), NOW)
    (report,) = item.documents
    import hashlib

    assert report.sha256 == hashlib.sha256(report.content.encode()).hexdigest() and "建议" in report.content
    approved = item.state.model_copy(update={"status": TourStatus.REPORT_APPROVED})
    clock = TourClock(due_at=NOW + timedelta(days=60))
    fed = steps.apply(TourAction.DELIVER_FEEDBACK, approved, f.CITY_SUPERVISOR, DeliverFeedbackBody(), NOW, clocks={"371702": clock})
    assert [d.kind for d in fed.documents] == ["tour_feedback"] and fed.state.progress[0].feedback_hash == fed.documents[0].sha256


def test_projecting_a_tour_step_twice_writes_once_with_its_documents_and_notices(engine: Engine) -> None:
    state = TourState(start=tour_start(date(2026, 12, 1), date(2026, 12, 5)), workflow_id="w", created_at=NOW,
                      team=TEAM, status=TourStatus.REPORTING)
    planned = steps.planned(state.model_copy(update={"status": TourStatus.PLANNED}))
    reported = steps.apply(TourAction.SUBMIT_REPORT, planned.state.model_copy(update={"status": TourStatus.REPORTING}),
                           LEADER, SubmitReportBody(summary="总体", proposals="建议"), NOW)
    for item in (planned, reported, reported, planned):
        with session_scope(engine) as session:
            tours.project_tour(session=session, item=item)
            session.commit()
    with session_scope(engine) as session:
        row = session.get(TourRow, state.id)
        assert row is not None and row.status == "report_submitted" and row.last_seq == 2
        assert [e.seq for e in session.exec(select(AuditEntry).where(AuditEntry.record_kind == "tour", AuditEntry.record_id == state.id))] == [1, 2]
        assert len(list(session.exec(select(Document).where(Document.record_id == state.id)))) == 1
        assert {n.target_code for n in session.exec(select(Notification).where(Notification.record_id == state.id))} == {"371702"}
        assert tours.next_number(session=session, organizer_code="371700", year=2026) >= 1
        owed = list(session.exec(select(TaskRow).where(TaskRow.record_id == state.id)))
        assert [(t.process, t.action, t.role, t.jurisdiction_code) for t in owed] == [("tour", "approve-report", "leader", "371700")]


def test_who_writes_the_report_neither_approves_nor_signs_it() -> None:
    from domain.tour import check_duties
    from models.tour import TourAction
    from tests.test_tour_workflow import COMMITTEE_LEADER

    state = TourState(start=tour_start(date(2026, 12, 1), date(2026, 12, 5)), workflow_id="w", created_at=NOW,
                      team=TEAM, status=TourStatus.REPORTING)
    state = steps.apply(TourAction.SUBMIT_REPORT, state, LEADER, SubmitReportBody(summary="总体", proposals="建议"), NOW).state
    for action in (TourAction.APPROVE_REPORT, TourAction.SIGN):
        with pytest.raises(Refusal) as refused:
            check_duties(action, state, LEADER)  # the team leader wrote it
        assert refused.value.code == "duties_not_separated"
    check_duties(TourAction.APPROVE_REPORT, state, COMMITTEE_LEADER)  # a committee leader off the team
    check_duties(TourAction.SIGN, state, COMMITTEE_LEADER)
