"""The read model's tables of one process: inspection tours (巡查)."""

from datetime import datetime

from sqlalchemy import Column, Text
from sqlmodel import Field, SQLModel

from models.columns import utc_column as _utc_column


class TourRow(SQLModel, table=True):
    """One inspection tour: its latest projected state, for lists, coverage and the tour page."""

    __tablename__ = "tour"

    id: str = Field(primary_key=True, max_length=40)  # TR-371700-2026-001
    workflow_id: str = Field(max_length=60)
    title: str = Field(max_length=200)
    kind: str = Field(max_length=20)
    status: str = Field(index=True, max_length=20)
    organizer_code: str = Field(index=True, max_length=12)
    organizer_path: str = Field(index=True, max_length=200)  # "370000/371700/"
    target_codes: str = Field(max_length=2000)  # " 371702 371721 ": the targets' region codes
    starts_on: str = Field(max_length=10)
    ends_on: str = Field(index=True, max_length=10)
    report_due: datetime | None = Field(default=None, sa_column=_utc_column())
    last_seq: int = 0
    created_at: datetime = Field(sa_column=_utc_column(nullable=False))
    updated_at: datetime = Field(sa_column=_utc_column(nullable=False))
    state_json: str = Field(sa_column=Column(Text, nullable=False))
