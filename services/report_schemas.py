"""Periodic reports and circulars (通报) as the API answers them: `GET/POST /reports`, `GET /reports/{id}`,
`GET/POST /circulars`, `GET /circulars/{id}`.

Pure response models of the shape `services.reports.summary`/`full` and `services.circulars.summary`/`full`
write (a stored content document, `store.report_content`, with the row's summary over it): the same field names,
nesting and order. Instants stay the ISO 8601 text they were stored as.
"""

from datetime import date
from typing import Literal

from pydantic import BaseModel, Field

from models.enums import HazardLevel, HazardStatus
from models.report import ReportKind, ReportTrigger
from services.metrics_schemas import (
    FiguresOut,
    IndustryFigures,
    LevelFigures,
    RankedOut,
    RegionFigures,
    SourceFigures,
)
from services.schemas import DocumentOut

# --- periodic reports -------------------------------------------------------------------------------------------------


class PeriodicReportHead(BaseModel):
    """What every shape of a periodic report starts with: what, where, when, and why it was generated."""

    id: str
    kind: ReportKind
    region_code: str
    region_name: str | None
    period_start: date
    period_end: date
    generated_at: str | None = Field(description="ISO 8601 instant")
    trigger: ReportTrigger


class PeriodicReportSummary(PeriodicReportHead):
    """A periodic report in a list: what, where, when and the hash of its document."""

    requested_by: str
    document_hash: str = Field(description="SHA-256 of its PDF: `GET /documents/{sha256}`")


class PeriodicReportPage(BaseModel):
    items: list[PeriodicReportSummary]
    total: int
    page: int
    page_size: int


class OverdueHazardOut(BaseModel):
    """A hazard overdue when the report was generated."""

    code: str
    title: str
    enterprise_uscc: str
    enterprise_name: str
    region_code: str
    level: HazardLevel | None
    status: HazardStatus
    escalation_rung: str | None
    deadline: str | None = Field(description="the last day (YYYY-MM-DD, Asia/Shanghai)")


class ReportCampaignOut(BaseModel):
    """A campaign (专项整治) concerning the report's region, with the figures of its hazards there."""

    id: str
    title: str
    region_code: str
    status: str
    figures: FiguresOut


class PeriodicReportOut(PeriodicReportHead):
    """One report: its figures in total and by sub-jurisdiction, industry, level and source, the hazards overdue,
    the campaigns, the ranking, and the hash of its document."""

    policy: str = Field(description="the policy profile it was computed under (`name@version`)")
    totals: FiguresOut
    by_region: list[RegionFigures]
    by_industry: list[IndustryFigures]
    by_level: list[LevelFigures]
    by_source: list[SourceFigures]
    overdue_hazards: list[OverdueHazardOut]
    campaigns: list[ReportCampaignOut]
    ranking: list[RankedOut]
    document_hash: str = Field(description="SHA-256 of its PDF: `GET /documents/{sha256}`")
    requested_by: str


# --- circulars (通报) -------------------------------------------------------------------------------------------------


CircularStatus = Literal["draft", "issued"]


class _CircularHead(BaseModel):
    """What a circular is said by, in a list or alone: its id, region, period and issue."""

    id: str
    region_code: str
    region_name: str | None
    period_start: date
    period_end: date
    issued_at: str | None = Field(description="ISO 8601 instant")


class CircularSummary(_CircularHead):
    """A circular in a list: where, when, by whom, how many enterprises it names, and its sign-off."""

    issued_by: str
    report_id: str | None
    document_hash: str
    enterprises_named: int
    status: CircularStatus = Field(description="`draft` until a leader of the region signs it, then `issued`")
    signed_by: str | None
    signed_at: str | None = Field(description="ISO 8601 instant")
    documents: list[DocumentOut]


class CircularPage(BaseModel):
    items: list[CircularSummary]
    total: int


class NamedEnterpriseOut(BaseModel):
    """An enterprise a circular names: its hazards that reached the circular rung in the period or are overdue."""

    uscc: str
    name: str
    region_code: str
    hazards: list[str] = Field(description="the hazards' codes")


class FakeRectificationOut(BaseModel):
    """A verification that found a rectification fake (虚假整改) in the period."""

    hazard_code: str
    enterprise_uscc: str
    enterprise_name: str
    region_code: str
    at: date
    comment: str | None


class CircularOut(_CircularHead):
    """One circular: the enterprises it names, the fake rectifications found and the jurisdictions at the bottom
    of the ranking, with its sign-off (`status`, `documents`)."""

    issued_on: date
    report_id: str | None
    policy: str = Field(description="the policy profile it was generated under (`name@version`)")
    enterprises: list[NamedEnterpriseOut]
    fake_rectifications: list[FakeRectificationOut]
    lagging_jurisdictions: list[RankedOut]
    document_hash: str
    issued_by: str
    enterprises_named: int
    status: CircularStatus = Field(description="`draft` until a leader of the region signs it, then `issued`")
    signed_by: str | None
    signed_at: str | None = Field(description="ISO 8601 instant")
    documents: list[DocumentOut]
