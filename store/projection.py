"""Projecting a workflow transition into the read model: idempotent, one transaction per transition."""

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session

from models.hazard import HazardState, ProjectionItem
from models.tables import AuditEntry, Document, HazardRow, Notification
from store import audit, tasks


def project_transition(*, session: Session, item: ProjectionItem) -> bool:
    """Append the audit row and upsert the hazard row, or do nothing if this `seq` is already recorded.

    The caller commits; both writes land together or not at all. Returns whether anything was written.
    """
    transition, state = item.transition, item.state
    if audit.exists(session=session, kind="hazard", record_id=state.code, seq=transition.seq):
        return False
    entry = AuditEntry(
        record_kind="hazard",
        record_id=state.code,
        seq=transition.seq,
        at=transition.at,
        actor_id=transition.actor.user_id,
        actor_name=transition.actor.display_name or transition.actor.username,
        actor_role=transition.actor.role.value,
        action=transition.action.value,
        from_status=transition.from_status.value if transition.from_status else None,
        to_status=transition.to_status.value,
        comment=transition.comment,
        transition_json=transition.model_dump_json(),
        document_hash=item.document.sha256 if item.document else None,
        policy=state.policy.key,
        reason=transition.reason,
    )
    audit.append(session=session, entry=entry)
    _store_document(session, item)
    for notice in item.notices:
        session.add(
            Notification(
                record_id=state.code,
                seq=transition.seq,
                at=transition.at,
                target_kind=notice.target_kind,
                target_code=notice.target_code,
                kind=notice.kind,
                title=notice.title,
                body=notice.body,
                document_hash=item.document.sha256 if item.document else None,
            )
        )
    row = session.get(HazardRow, state.code)
    if row is None:
        session.add(_row_from(state, transition.at))
        tasks.replace_for_hazard(session=session, state=state)
    elif row.last_seq < transition.seq:
        _fill(row, state, transition.at)
        session.add(row)
        tasks.replace_for_hazard(session=session, state=state)
    try:
        session.flush()
    except IntegrityError:  # a concurrent attempt of the same activity won the race
        session.rollback()
        return False
    return True


def _store_document(session: Session, item: ProjectionItem) -> None:
    document = item.document
    if document is None or session.get(Document, document.sha256) is not None:
        return
    session.add(
        Document(
            hash=document.sha256,
            record_id=item.state.code,
            kind=document.kind,
            title=document.title,
            content=document.content,
            created_at=item.transition.at,
        )
    )


def _row_from(state: HazardState, at: object) -> HazardRow:
    row = HazardRow(
        code=state.code,
        workflow_id=state.workflow_id,
        status=state.status.value,
        title=state.facts.title,
        region_code=state.facts.region_code,
        region_path=region_path_key(tuple(r.code for r in state.facts.region_path)),
        enterprise_uscc=state.facts.enterprise_uscc,
        enterprise_name=state.facts.enterprise_name,
        industry=state.facts.industry,
        source=state.facts.source.value,
        reported_at=state.reported_at,
        updated_at=state.reported_at,
        state_json="{}",
        campaign_id=state.facts.campaign_id,
    )
    _fill(row, state, at)
    return row


def _fill(row: HazardRow, state: HazardState, at: object) -> None:
    row.status = state.status.value
    row.level = state.level.value if state.level else None
    row.listing_level = state.listing.authority_level.value if state.listing else None
    row.listing_authority_code = state.listing.authority_code if state.listing else None
    row.deadline = state.deadline
    row.overdue = state.overdue
    row.closed_at = state.closed_at
    row.updated_at = at  # type: ignore[assignment]
    row.last_seq = state.seq
    row.state_json = state.model_dump_json()
    row.deadline_provisional = state.deadline_provisional
    row.paused = state.pause is not None
    row.published_at = state.listing_published_at  # the public listings show published ones only
    row.escalation_rung = state.fired[-1].rung.value if state.fired else None
    row.policy = state.policy.key
    row.tour_id = state.facts.tour_id  # inspection tours


def region_path_key(codes: tuple[str, ...]) -> str:
    """`370000/371700/371702/`: a subtree filter is then a prefix match."""
    return "".join(f"{code}/" for code in codes)
