"""Projecting a workflow transition into the read model: idempotent, one transaction per transition."""

from sqlmodel import Session

from models.hazard import HazardState, ProjectionItem
from models.tables import AuditEntry, Document, HazardRow, Notification
from store import projecting, tasks


def project_transition(*, session: Session, item: ProjectionItem) -> bool:
    """Append the audit row and upsert the hazard row, or do nothing if this `seq` is already recorded.

    The caller commits; both writes land together or not at all. Returns whether anything was written.
    """
    transition, state, document = item.transition, item.state, item.document
    hash_ = document.sha256 if document else None
    actor = transition.actor
    entry = AuditEntry(
        record_kind="hazard", record_id=state.code, seq=transition.seq, at=transition.at, actor_id=actor.user_id,
        actor_name=actor.display_name or actor.username, actor_role=actor.role.value, action=transition.action.value,
        from_status=transition.from_status.value if transition.from_status else None,
        to_status=transition.to_status.value, comment=transition.comment, transition_json=transition.model_dump_json(),
        document_hash=hash_, policy=state.policy.key, reason=transition.reason,
    )
    documents = [Document(hash=document.sha256, record_id=state.code, kind=document.kind, title=document.title,
                          content=document.content, created_at=transition.at)] if document else []
    notices = [Notification(record_id=state.code, seq=transition.seq, at=transition.at, target_kind=n.target_kind,
                            target_code=n.target_code, kind=n.kind, title=n.title, body=n.body, document_hash=hash_)
               for n in item.notices]

    def upsert() -> None:
        if projecting.upsert_row(session, HazardRow, state.code, state, transition.at, _new_row, _fill, transition.seq):
            tasks.replace_for_hazard(session=session, state=state)

    return projecting.project(session=session, entry=entry, documents=documents, notices=notices, upsert=upsert)


def _new_row(state: HazardState, at: object) -> HazardRow:
    return HazardRow(
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


def _fill(row: HazardRow, state: HazardState, at: object) -> None:
    row.status = state.status.value
    row.level = state.level.value if state.level else None
    row.listing_level = state.listing.authority_level.value if state.listing else None
    row.listing_authority_code = state.listing.authority_code if state.listing else None
    row.deadline = state.deadline
    row.overdue = state.overdue
    row.closed_at = state.closed_at
    row.deadline_provisional = state.deadline_provisional
    row.paused = state.pause is not None
    row.published_at = state.listing_published_at  # the public listings show published ones only
    row.escalation_rung = state.fired[-1].rung.value if state.fired else None
    row.policy = state.policy.key
    row.tour_id = state.facts.tour_id  # inspection tours


def region_path_key(codes: tuple[str, ...]) -> str:
    """`370000/371700/371702/`: a subtree filter is then a prefix match."""
    return "".join(f"{code}/" for code in codes)
