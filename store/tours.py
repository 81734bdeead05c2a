"""The inspection tours' read model: idempotent projection of TourWorkflow's steps by (id, seq), with
its documents and notices in the same transaction; the lists, the coverage and the hazards a tour found."""

from datetime import datetime

from sqlmodel import Session, col, select

from models.hazard import HazardState, JurisdictionRef
from models.tables import AuditEntry, Document, Jurisdiction, Notification, TourRow
from models.tour import TourProjection, TourState
from store import audit, projecting, tasks


def project_tour(*, session: Session, item: TourProjection) -> bool:
    """Append the event row, store the step's documents and notices, upsert the tour row; nothing if this
    `seq` is already recorded. The caller commits. Returns whether anything was written."""
    state = item.state
    documents = [Document(hash=d.sha256, record_kind="tour", record_id=state.id, kind=d.kind, title=d.title,
                          content=d.content, created_at=item.at) for d in item.documents]
    notices = []
    for notice in item.notices:  # a feedback letter's notice carries its own letter (the one of its title)
        letter = next((d for d in item.documents if d.title[:300] == notice.title), item.documents[0] if item.documents else None)
        notices.append(Notification(record_kind="tour", record_id=state.id, seq=item.seq, at=item.at, target_kind=notice.target_kind,
                                    target_code=notice.target_code, kind=notice.kind, title=notice.title, body=notice.body,
                                    document_hash=letter.sha256 if letter else None))

    def upsert() -> None:
        if projecting.upsert_row(session, TourRow, state.id, state, item.at, _new_row, _fill, item.seq):
            tasks.replace_for_tour(session=session, state=state)

    entry = audit.step_entry("tour", state.id, item, reason=item.reason, document_hashes=[d.sha256 for d in item.documents])
    return projecting.project(session=session, entry=entry, documents=documents, notices=notices, upsert=upsert)


def _new_row(state: TourState, at: datetime) -> TourRow:
    start = state.start
    return TourRow(
        id=start.id, workflow_id=state.workflow_id, title=start.title, kind=start.kind.value, status=state.status.value,
        organizer_code=start.organizer.code, organizer_path=path_key(start.organizer_path),
        target_codes=" " + " ".join(t.region_code for t in start.targets) + " ",
        starts_on=start.starts_on.isoformat(), ends_on=start.ends_on.isoformat(), created_at=at, updated_at=at,
        state_json="{}",
    )


def _fill(row: TourRow, state: TourState, at: datetime) -> None:
    row.status = state.status.value
    row.report_due = state.report_clock.due_at if state.report_clock else None


def path_key(refs: tuple[JurisdictionRef, ...]) -> str:
    return "".join(f"{r.code}/" for r in refs)


def get_row(*, session: Session, tour_id: str) -> TourRow | None:
    return session.get(TourRow, tour_id)


def state_of(row: TourRow) -> TourState:
    return TourState.model_validate_json(row.state_json)


def events(*, session: Session, tour_id: str) -> list[AuditEntry]:
    return audit.entries(session=session, kind="tour", record_id=tour_id)


def list_rows(*, session: Session, status: str | None = None) -> list[TourRow]:
    """Every tour, newest first (the service keeps those the caller may see)."""
    query = select(TourRow)
    if status:
        query = query.where(TourRow.status == status)
    return list(session.exec(query.order_by(col(TourRow.created_at).desc(), col(TourRow.id))))


def next_number(*, session: Session, organizer_code: str, year: int) -> int:
    """The organizer's next tour number of the year (the largest in the read model, plus one)."""
    prefix = f"TR-{organizer_code}-{year}-"
    ids = session.exec(select(TourRow.id).where(col(TourRow.id).startswith(prefix))).all()
    return max((int(i.rsplit("-", 1)[-1]) for i in ids if i.rsplit("-", 1)[-1].isdigit()), default=0) + 1


def tour_id(organizer_code: str, year: int, number: int) -> str:
    """TR-371700-2026-001."""
    return f"TR-{organizer_code}-{year}-{number:03d}"


def comprehensive_tours_of(*, session: Session, region_code: str) -> list[TourRow]:
    """Comprehensive tours whose targets include `region_code`."""
    return tours_of(session=session, region_code=region_code, kind="comprehensive")


def tours_of(*, session: Session, region_code: str, kind: str) -> list[TourRow]:
    """Tours of `kind` whose targets include `region_code`."""
    query = select(TourRow).where(TourRow.kind == kind, col(TourRow.target_codes).contains(f" {region_code} "))
    return list(session.exec(query))


def children(*, session: Session, code: str) -> list[Jurisdiction]:
    return list(session.exec(select(Jurisdiction).where(Jurisdiction.parent_code == code).order_by(col(Jurisdiction.code))))


def hazards_of(*, session: Session, tour_id: str) -> list[str]:
    from models.tables import HazardRow

    return list(session.exec(select(HazardRow.code).where(HazardRow.tour_id == tour_id).order_by(col(HazardRow.code))))


def hazard_state_tour(state: HazardState) -> str | None:
    return state.facts.tour_id
