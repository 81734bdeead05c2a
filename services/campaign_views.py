"""The shapes a campaign (专项整治) is answered in: `GET /campaigns`, `GET /campaigns/{id}`, its account."""

from datetime import date, datetime

from pydantic import BaseModel, Field

from api.schemas import TimelineEntry
from models.actors import Actor
from models.campaign import (
    CampaignAccount,
    CampaignAction,
    CampaignStatus,
    Measure,
    PhaseKind,
    PhaseStatus,
    SummaryRecord,
)


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


class CampaignPage(BaseModel):
    items: list[CampaignSummary]
    total: int


class AccountOut(BaseModel):
    generated_at: datetime
    closed: tuple[str, ...]
    carried_over: tuple[str, ...]
    overdue: tuple[str, ...]
    document_hash: str | None
