"""The supervision board (挂图作战): open hazards by state, counted per state and per sub-jurisdiction, with the most
urgent cards of each state. Scoped and folded like the figures (`store/metrics.py`)."""

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func
from sqlalchemy import select as sa_select
from sqlmodel import Session, col, select

from models.tables import HazardRow
from store.hazards import OPEN_STATUSES, Scope
from store.metrics import _child_of, scope_clause, sub_jurisdictions


@dataclass(frozen=True)
class Card:
    code: str
    title: str
    status: str
    level: str | None
    enterprise_name: str
    region_code: str
    deadline: datetime | None
    overdue: bool
    paused: bool
    state_json: str


@dataclass(frozen=True)
class Board:
    columns: dict[str, list[Card]]  # the most urgent cards of each open state
    counts: dict[str, int]  # open hazards by state
    by_region: list[tuple[str, str, dict[str, int]]]  # (code, name, counts by state) per sub-jurisdiction


def board(*, session: Session, scope: Scope, per_column: int = 30) -> Board:
    """Open hazards by state: counts per state and per sub-jurisdiction, and the most urgent cards of each
    state (overdue first, then by deadline, then the longest waiting)."""
    h = HazardRow
    counts_query = (
        select(h.region_path, h.status, func.count())
        .where(scope_clause(scope), col(h.status).in_(OPEN_STATUSES))
        .group_by(h.region_path, h.status)
    )
    children = sub_jurisdictions(session=session, scope=scope)
    counts: dict[str, int] = dict.fromkeys(OPEN_STATUSES, 0)
    per_child: dict[str, dict[str, int]] = {c.code: dict.fromkeys(OPEN_STATUSES, 0) for c in children}
    own: dict[str, int] = dict.fromkeys(OPEN_STATUSES, 0)
    for region_path, status, number in session.exec(counts_query):  # type: ignore[call-overload]
        counts[status] += number
        child = _child_of(region_path, children)
        (per_child[child.code] if child else own)[status] += number
    by_region = [(c.code, c.name, per_child[c.code]) for c in children]
    if children and any(own.values()):
        by_region.append(("", "", own))  # hazards of the caller's own level
    columns: dict[str, list[Card]] = {}
    for status in OPEN_STATUSES:
        if not counts[status]:
            columns[status] = []
            continue
        rows = session.execute(
            sa_select(
                col(h.code), col(h.title), col(h.status), col(h.level), col(h.enterprise_name), col(h.region_code),
                col(h.deadline), col(h.overdue), col(h.paused), col(h.state_json),
            )
            .where(scope_clause(scope), col(h.status) == status)
            .order_by(col(h.overdue).desc(), col(h.deadline).is_(None), col(h.deadline), col(h.updated_at), col(h.code))
            .limit(per_column)
        )
        columns[status] = [Card(*row) for row in rows]
    return Board(columns=columns, counts=counts, by_region=by_region)
