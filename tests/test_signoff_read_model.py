"""A circular's sign-off in the read model (SQLite and PostgreSQL): the cadence drafts it and notifies
nobody; a reminder is written with its audit row; the leader's signature issues it (the signed PDF, the signer)
and only then is everyone it names notified; each step is written once."""

from datetime import UTC, datetime, timedelta

from sqlalchemy import Engine
from sqlmodel import Session, select

from activities.documents import DocumentActivities
from activities.reports import ReportActivities
from domain import signoff, signoff_steps
from models.clock import PlannedClock
from models.documents import RenderRequest
from models.enums import Role
from models.report import CadenceRun, ReportKind
from models.signoff import SignOffStart, SignOffState
from models.tables import AuditEntry, CircularRow, Notification
from services import signoffs as service
from store import signoffs
from tests import factories as f
from tests import report_dataset as data
from tests.factories import DEFAULT_POLICY

APRIL_FIRST = datetime(2026, 4, 1, 0, 0, tzinfo=UTC)
CITY_LEADER = f.actor("city.leader", Role.LEADER, f.CITY)


def drafted(engine: Engine) -> CircularRow:
    with Session(engine) as session:
        data.load(session)
    assert DEFAULT_POLICY.reports is not None
    profile = DEFAULT_POLICY.model_copy(update={"reports": DEFAULT_POLICY.reports.model_copy(update={"monthly_circular": True})})
    ReportActivities(engine, profile).run_periodic_reports(CadenceRun(kind=ReportKind.MONTHLY, due=APRIL_FIRST))
    with Session(engine) as session:
        row = session.exec(select(CircularRow).where(CircularRow.region_code == "371700")).one()
        session.expunge(row)
        return row


def test_a_drafted_circular_notifies_nobody_until_a_leader_signs_it_and_each_step_is_written_once(engine: Engine) -> None:
    row = drafted(engine)
    assert row.status == "draft" and row.signoff_json is not None and row.signed_by is None
    start = SignOffStart.model_validate_json(row.signoff_json)
    assert start.document.authority_code == "371700" and start.superior_code == "370000" and start.record_id == row.id
    with Session(engine) as session:
        assert row.id in {r.id for r in service.unstarted(session)}  # the outbox starts its sign-off
        assert not session.exec(select(Notification).where(Notification.record_id == row.id)).all()
        assert session.exec(select(AuditEntry.to_status).where(AuditEntry.record_id == row.id)).all() == ["draft"]
    now = start.document.drafted_at
    clock = PlannedClock(due_at=now + timedelta(days=3), reminders=(now + timedelta(days=2),))
    state = SignOffState(start=start, document=start.document, clock=clock)
    reminder = signoff_steps.due_step(state, now + timedelta(days=2))
    assert reminder is not None and reminder.action == "reminder" and reminder.seq == 2
    with Session(engine) as session:
        assert signoffs.project_signoff(session=session, step=reminder)
        session.commit()
        assert not signoffs.project_signoff(session=session, step=reminder)
    source = signoff.signed_source((start.document,), CITY_LEADER, start.document.id)
    receipt = DocumentActivities(engine).render_document(RenderRequest(document=source))
    signing = signoff_steps.signed(reminder.state, CITY_LEADER, receipt, now + timedelta(days=2, hours=1))
    with Session(engine) as session:
        assert signoffs.project_signoff(session=session, step=signing)
        session.commit()
        assert not signoffs.project_signoff(session=session, step=signing)
        issued = session.get(CircularRow, row.id)
        assert issued is not None and issued.status == "issued" and issued.document_hash == receipt.sha256
        assert issued.signed_by == CITY_LEADER.display_name
        notices = session.exec(select(Notification).where(Notification.record_id == row.id)).all()
        assert [(n.kind, n.target_code) for n in notices if n.seq == 2] == [("reminder", "371700")]
        named = [n for n in notices if n.kind == "circular"]
        assert named and all(n.document_hash == receipt.sha256 and n.seq == 3 for n in named)
        trail = session.exec(select(AuditEntry).where(AuditEntry.record_id == row.id).order_by(AuditEntry.seq)).all()
        assert [(e.seq, e.action, e.to_status) for e in trail] == [(1, "circular", "draft"), (2, "reminder", "draft"),
                                                                     (3, "sign", "issued")]
        assert trail[2].prev_hash == trail[1].row_hash and trail[2].document_hash == receipt.sha256
