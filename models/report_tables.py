"""The read model's tables of one process: the reporting cadence."""

from datetime import date, datetime

from sqlalchemy import Column, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from models.columns import utc_column as _utc_column


class PeriodicReportRow(SQLModel, table=True):
    """A periodic report (周调度, 月分析, 季讲评, annual statistics) of one jurisdiction for one period: its figures
    as JSON and the SHA-256 of its document (in `document`, and in the audit trail). One per kind, region and
    period."""

    __tablename__ = "periodic_report"
    __table_args__ = (UniqueConstraint("kind", "region_code", "period_start", "period_end", name="uq_periodic_report_period"),)

    id: str = Field(primary_key=True, max_length=40)  # RP-<kind>-<region>-<start>-<end>
    kind: str = Field(index=True, max_length=12)
    region_code: str = Field(index=True, max_length=12)
    region_path: str = Field(index=True, max_length=200)
    period_start: date
    period_end: date
    generated_at: datetime = Field(sa_column=_utc_column(nullable=False))
    trigger: str = Field(max_length=10)  # schedule | manual
    requested_by: str = Field(max_length=100)
    content_json: str = Field(sa_column=Column(Text, nullable=False))
    document_hash: str = Field(max_length=64)


class CircularRow(SQLModel, table=True):
    """A circular (通报) of a jurisdiction for a period, generated from the facts; one per region and period."""

    __tablename__ = "circular"
    __table_args__ = (UniqueConstraint("region_code", "period_start", "period_end", name="uq_circular_period"),)

    id: str = Field(primary_key=True, max_length=40)  # CR-<region>-<start>-<end>
    region_code: str = Field(index=True, max_length=12)
    region_path: str = Field(index=True, max_length=200)
    period_start: date
    period_end: date
    issued_at: datetime = Field(sa_column=_utc_column(nullable=False))
    issued_by: str = Field(max_length=100)
    report_id: str | None = Field(default=None, max_length=40)  # the monthly report that issued it, if any
    content_json: str = Field(sa_column=Column(Text, nullable=False))
    document_hash: str = Field(max_length=64)
    # its sign-off: a draft until a leader of the issuing authority signs it (SignOffWorkflow)
    status: str = Field(default="issued", max_length=10, index=True, sa_column_kwargs={"server_default": "issued"})
    signed_by: str | None = Field(default=None, max_length=100)
    signed_at: datetime | None = Field(default=None, sa_column=_utc_column(nullable=True))
    signoff_json: str | None = Field(default=None, sa_column=Column(Text, nullable=True))  # the draft, its source
    signoff_workflow_id: str | None = Field(default=None, max_length=100)
