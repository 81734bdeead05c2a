"""The campaign read model: idempotent projection of CampaignWorkflow's steps (row, event, document, notices in one
transaction, keyed by `(campaign_id, seq)`), and the queries the API and the workflow's activities run."""

from datetime import datetime

from sqlalchemy import func
from sqlmodel import Session, col, select

from core.db import as_utc
from models.campaign import CampaignProjection, CampaignState, FiguresRequest, RegionFigures, TaggedHazard
from models.tables import AuditEntry, CampaignRow, Document, HazardRow, Notification
from store import audit, metrics, projecting
from store.hazards import Scope, scoped


def project_campaign(*, session: Session, item: CampaignProjection) -> bool:
    """Append the event row (with its document and notices) and upsert the campaign row, or do nothing if this
    `seq` is already recorded. The caller commits. Returns whether anything was written."""
    state, document = item.state, item.document
    record_id, hash_ = state.campaign_id, document.sha256 if document else None
    documents = [Document(hash=document.sha256, record_kind="campaign", record_id=record_id, kind=document.kind,
                          title=document.title, content=document.content, created_at=item.at)] if document else []
    notices = [Notification(
        record_kind="campaign", record_id=record_id, seq=item.seq, at=item.at, target_kind="authority",
        target_code=notice.target_code, kind=notice.kind, title=notice.title[:300], body=notice.body, document_hash=hash_,
    ) for notice in item.notices]
    return projecting.project(
        session=session, entry=audit.step_entry("campaign", record_id, item, document_hashes=[hash_] if hash_ else []),
        documents=documents, notices=notices,
        upsert=lambda: projecting.upsert_row(session, CampaignRow, record_id, state, item.at, _new_row, _fill, item.seq),
    )


def _new_row(state: CampaignState, at: datetime) -> CampaignRow:
    start = state.start
    return CampaignRow(
        id=start.campaign_id, workflow_id=state.workflow_id, title=start.title, status=state.status.value,
        region_code=start.region_code, region_path="".join(f"{r.code}/" for r in start.region_path),
        authority_code=start.authority_code, year=start.phases[0].starts_on.year, launched_at=state.launched_at,
        updated_at=at, state_json="{}",
    )


def _fill(row: CampaignRow, state: CampaignState, at: datetime) -> None:
    row.status = state.status.value
    row.current_phase = state.current_phase.value if state.current_phase else None


def get_row(*, session: Session, campaign_id: str) -> CampaignRow | None:
    return session.get(CampaignRow, campaign_id)


def state_of(row: CampaignRow) -> CampaignState:
    return CampaignState.model_validate_json(row.state_json)


def events(*, session: Session, campaign_id: str) -> list[AuditEntry]:
    return audit.entries(session=session, kind="campaign", record_id=campaign_id)


def in_scope(row: CampaignRow, scope: Scope) -> bool:
    """A campaign is seen by staff of its region's subtree and by those of the jurisdictions above it (they
    launched it or oversee it); never by enterprise users here (they see their own tagged hazards)."""
    return scope.holds(row.region_path, "", above=True)


def list_rows(*, session: Session, scope: Scope, status: str | None = None) -> list[CampaignRow]:
    """The campaigns the scope may see (see `in_scope`), newest first."""
    query = scoped(select(CampaignRow), scope, CampaignRow.region_path, above=True)
    if status:
        query = query.where(CampaignRow.status == status)
    return list(session.exec(query.order_by(col(CampaignRow.launched_at).desc(), col(CampaignRow.id))))


def count_for(*, session: Session, region_code: str, year: int) -> int:
    """How many campaigns of this region and year the read model holds (the next number's start)."""
    query = select(func.count()).select_from(CampaignRow).where(CampaignRow.region_code == region_code, CampaignRow.year == year)
    return int(session.exec(query).one())


def tagged_hazards(*, session: Session, request: FiguresRequest) -> list[TaggedHazard]:
    """Every hazard tagged with the campaign (the closing account's input)."""
    rows = session.exec(
        select(HazardRow.code, HazardRow.status, HazardRow.deadline, HazardRow.region_code)
        .where(HazardRow.campaign_id == request.campaign_id).order_by(col(HazardRow.code))
    )
    return [TaggedHazard(code=c, status=s, deadline=as_utc(d), region_code=r) for c, s, d, r in rows]


def figures_by_region(*, session: Session, request: FiguresRequest) -> list[RegionFigures]:
    """The campaign's figures per sub-jurisdiction of its region, then in total (code "")."""
    board = metrics.campaign_figures(session=session, campaign_id=request.campaign_id, region_path=request.region_path,
                                     start=request.since, end=request.until)
    groups = [region_figures(g.key, g.name, g.figures) for g in board.by_region]
    return [*groups, region_figures("", "合计", board.total)]


def figures_for_region(
    *, session: Session, region_path: str, start: datetime, end: datetime
) -> list[tuple[CampaignRow, metrics.Dashboard]]:
    """The campaigns' figures for a periodic report: every campaign that concerns the region
    (its own region in the subtree, or one covering it), each with the dashboard's figures over its tagged hazards in
    the region's subtree reported in [start, end), in total and by the region's sub-jurisdictions."""
    scope = Scope(path=region_path)
    return [(row, metrics.dashboard(session=session, scope=scope, start=start, end=end, campaign_id=row.id))
            for row in list_rows(session=session, scope=scope)]


def region_figures(code: str, name: str, f: metrics.Figures) -> RegionFigures:
    return RegionFigures(code=code, name=name, found=f.found, major=f.major, rectified=f.rectified, on_time=f.on_time,
                         listed=f.listed, closed=f.closed_listed, overdue=f.overdue_now)


def find_tagged(*, session: Session, campaign_id: str, title: str, enterprise_uscc: str, region_code: str) -> str | None:
    """The code of a hazard already tagged with the campaign with this title, enterprise and region (import's key)."""
    return session.exec(
        select(HazardRow.code).where(
            HazardRow.campaign_id == campaign_id, HazardRow.title == title,
            HazardRow.enterprise_uscc == enterprise_uscc, HazardRow.region_code == region_code,
        )
    ).first()
