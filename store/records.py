"""The records of every process as the read model holds them: their tables, ids and jurisdictions.

The audit trail keys each row by (record_kind, record_id); this says where each kind's record lives, so the
trail can be narrowed to a jurisdiction subtree and a record's row found without guessing from its id.
"""

from typing import Any

from sqlmodel import Session, SQLModel, col, select

from models.tables import CampaignRow, CircularRow, HazardRow, InterviewRow, PeriodicReportRow, TourRow
from store.hazards import Scope

RECORD_KINDS = ("hazard", "interview", "campaign", "tour", "circular", "report")

# kind → (the table, its id column, its jurisdiction path column)
RECORD_TABLES: dict[str, tuple[type[SQLModel], Any, Any]] = {
    "hazard": (HazardRow, col(HazardRow.code), col(HazardRow.region_path)),
    "interview": (InterviewRow, col(InterviewRow.id), col(InterviewRow.region_path)),
    "campaign": (CampaignRow, col(CampaignRow.id), col(CampaignRow.region_path)),
    "tour": (TourRow, col(TourRow.id), col(TourRow.organizer_path)),
    "circular": (CircularRow, col(CircularRow.id), col(CircularRow.region_path)),
    "report": (PeriodicReportRow, col(PeriodicReportRow.id), col(PeriodicReportRow.region_path)),
}
RECORD_REGIONS: dict[str, tuple[Any, Any]] = {kind: (key, path) for kind, (_, key, path) in RECORD_TABLES.items()}


def record_ids(*, session: Session, kind: str, scope: Scope) -> list[str]:
    """The ids of the records of `kind` whose jurisdiction the scope holds (an enterprise's scope: none but its
    hazards), in id order."""
    _, key, path = RECORD_TABLES[kind]
    query = select(key)
    if not scope.everything:
        if scope.path is None:
            if kind != "hazard" or scope.enterprise_uscc is None:
                return []
            query = query.where(col(HazardRow.enterprise_uscc) == scope.enterprise_uscc)
        else:
            query = query.where(path.startswith(scope.path))
    return list(session.exec(query.order_by(key)))
