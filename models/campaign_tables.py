"""The read model's tables of one process: campaigns (专项整治): models/campaign.py, store/campaigns.py, migration 0012."""

from datetime import datetime

from sqlalchemy import Column, Text
from sqlmodel import Field, SQLModel

from models.columns import utc_column as _utc_column


class CampaignRow(SQLModel, table=True):
    """One campaign: its latest projected state, for lists and the campaign page."""

    __tablename__ = "campaign"

    id: str = Field(primary_key=True, max_length=40)  # CP-371700-2026-001
    workflow_id: str = Field(max_length=60)
    title: str = Field(max_length=200)
    status: str = Field(index=True, max_length=20)
    current_phase: str | None = Field(default=None, max_length=20)
    region_code: str = Field(index=True, max_length=12)
    region_path: str = Field(index=True, max_length=200)  # "370000/371700/": the campaign's own region last
    authority_code: str = Field(max_length=12)
    year: int = Field(index=True)  # of the first phase's start: the number's year
    launched_at: datetime = Field(sa_column=_utc_column(nullable=False))
    last_seq: int = 0
    updated_at: datetime = Field(sa_column=_utc_column(nullable=False))
    state_json: str = Field(sa_column=Column(Text, nullable=False))  # the workflow state after last_seq
