"""The shapes a campaign (专项整治) is answered in: `GET /campaigns`, `GET /campaigns/{id}`, its account."""

from datetime import date, datetime

from pydantic import BaseModel, Field

from models.actors import Actor
from models.campaign import (
    CampaignAccount,
    CampaignAction,
    CampaignState,
    CampaignStatus,
    Measure,
    PhaseKind,
    PhaseStatus,
    SummaryRecord,
)
from services.schemas import DocumentOut, TimelineEntry


class CampaignFigures(BaseModel):
    """The dashboard's figures (store/metrics.py) over the hazards tagged with the campaign."""

    found: int
    major: int
    rectified: int
    rectification_rate: float | None = Field(description="整改率: rectified ÷ found")
    on_time_rate: float | None = Field(description="按期整改率: rectified on time ÷ rectified")
    listed: int
    closed: int = Field(description="销号: listed hazards closed out")
    overdue: int = Field(description="open and past their deadline now")


class PhaseOut(BaseModel):
    kind: PhaseKind
    starts_on: date
    ends_on: date
    status: PhaseStatus
    starts_at: datetime
    ends_at: datetime


class CampaignSummary(BaseModel):
    id: str
    title: str
    document_number: str | None
    region_code: str
    region_name: str
    industries: tuple[str, ...]
    status: CampaignStatus
    current_phase: PhaseKind | None
    phases: list[PhaseOut]
    authority_code: str
    authority_name: str
    launched_at: datetime


class CampaignOut(CampaignSummary):
    description: str
    figures: CampaignFigures
    measures: tuple[Measure, ...]
    account: CampaignAccount | None
    summaries: tuple[SummaryRecord, ...]
    cancel_reason: str | None
    cancelled_at: datetime | None
    launched_by: Actor
    timeline: list[TimelineEntry]
    allowed_actions: tuple[CampaignAction, ...] = Field(description="what the caller may do now")
    workflow_id: str
    documents: list[DocumentOut] = Field(default_factory=list, description="the account and the summaries")


class CampaignPage(BaseModel):
    items: list[CampaignSummary]
    total: int


class AccountOut(BaseModel):
    generated_at: datetime
    closed: tuple[str, ...]
    carried_over: tuple[str, ...]
    overdue: tuple[str, ...]
    document_hash: str | None


def campaign_documents(state: CampaignState) -> list[DocumentOut]:
    """The campaign's official documents: its closing account, its summary and annual summaries, each issued by the
    launching authority when written (no leader signs them unless the policy lists their kind)."""
    written = []
    if state.account is not None and state.account.document_hash:
        written.append(("campaign_account", "专项整治整改阶段结账报告", state.account.document_hash, state.account.generated_at))
    for record in state.summaries:
        kind = "campaign_annual_summary" if record.kind == "annual_summary" else "campaign_summary"
        title = f"专项整治年度总结（{record.year}）" if record.year else "专项整治总结评估报告"
        written.append((kind, title, record.document_hash, record.at))
    title_of = state.start.title
    return [DocumentOut(id=f"{state.campaign_id}-{kind}-{n}", kind=kind, title=f"{title_of}：{title}", sha256=sha,
                        status="issued", signed_by=None, issued_at=at)
            for n, (kind, title, sha, at) in enumerate(written, start=1)]
