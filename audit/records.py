"""What the audit needs to know of each kind of record: where its row lives, which workflow runs it, and which
state the read model keeps of it (to compare a replay's outcome with)."""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel
from sqlmodel import SQLModel

from models.campaign import CampaignState, campaign_workflow_id
from models.hazard import HazardState, workflow_id_for
from models.interview import InterviewState
from models.tables import CampaignRow, CircularRow, HazardRow, InterviewRow, TourRow
from models.tour import TourState, tour_workflow_id


@dataclass(frozen=True)
class RecordSpec:
    kind: str
    row: type[SQLModel]
    state: type[BaseModel] | None  # the state its row keeps in `state_json`; None: no outcome to compare
    workflow_id: Callable[[Any, str], str | None]  # (its row or None, its id) → its workflow's id, None: none ran



def _row_workflow(row: Any, _: str) -> str | None:
    return row.workflow_id if row is not None else None


RECORDS: dict[str, RecordSpec] = {spec.kind: spec for spec in (
    RecordSpec("hazard", HazardRow, HazardState, lambda row, code: workflow_id_for(code)),
    RecordSpec("interview", InterviewRow, InterviewState, _row_workflow),
    RecordSpec("campaign", CampaignRow, CampaignState, lambda row, key: row.workflow_id if row else campaign_workflow_id(key)),
    RecordSpec("tour", TourRow, TourState, lambda row, key: row.workflow_id if row else tour_workflow_id(key)),
    # a circular's workflow is its leader's sign-off, if it needed one
    RecordSpec("circular", CircularRow, None, lambda row, _: row.signoff_workflow_id if row is not None else None),
)}
