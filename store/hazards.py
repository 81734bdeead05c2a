"""Reading hazards from the read model, giving out codes, and remembering idempotency keys."""

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, TypeVar

from sqlalchemy import false, func
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlmodel import Session, col, or_, select

from models.enums import HazardStatus
from models.hazard import HazardState
from models.tables import AuditEntry, HazardCodeCounter, HazardRow, IdempotencyKey
from store import audit

Q = TypeVar("Q", bound=Any)

OPEN_STATUSES = tuple(s.value for s in HazardStatus if not s.terminal)


@dataclass(frozen=True)
class Scope:
    """What a caller may see: a jurisdiction subtree (by path prefix), one enterprise, or everything."""

    path: str | None = None
    enterprise_uscc: str | None = None
    everything: bool = False

    def holds(self, region_path: str, enterprise_uscc: str, *, above: bool = False) -> bool:
        """Whether a record of this region (`370000/371700/371702/`) and enterprise is visible: the one rule
        of visibility for every process's rows (hazards, interviews, and the processes to come). `above`: staff
        of the jurisdictions above the record's region see it too (a campaign they launched or oversee)."""
        if self.everything:
            return True
        if self.enterprise_uscc is not None:
            return enterprise_uscc == self.enterprise_uscc
        if self.path is None:
            return False
        return region_path.startswith(self.path) or (above and self.path.startswith(region_path))


def scoped(query: Q, scope: Scope, region_path: Any, enterprise_uscc: Any = None, *, above: bool = False) -> Q:
    """`query` narrowed to the rows `scope` may see (`Scope.holds` in SQL) by the rows' region path and enterprise
    columns; with no enterprise column, enterprise users see none."""
    if scope.everything:
        return query
    if scope.enterprise_uscc is not None:
        return query.where(false() if enterprise_uscc is None else enterprise_uscc == scope.enterprise_uscc)
    if scope.path is None:
        return query.where(false())  # no jurisdiction, nothing to see
    inside = col(region_path).startswith(scope.path)
    if above:
        ancestors = [scope.path[: i + 1] for i, c in enumerate(scope.path) if c == "/"]
        return query.where(or_(inside, col(region_path).in_(ancestors)))
    return query.where(inside)


@dataclass(frozen=True)
class HazardFilter:
    status: str | None = None
    level: str | None = None
    source: str | None = None  # e.g. `campaign` (专项整治) or `whistleblower`
    region_path: str | None = None
    enterprise_uscc: str | None = None
    overdue: bool | None = None
    q: str | None = None
    campaign_id: str | None = None  # tagged with this campaign (专项整治)


def next_code(*, session: Session, region_code: str, year: int) -> str:
    """The next readable code for a region and year, e.g. HZ-371702-2026-000001 (atomic on both databases)."""
    dialect = session.get_bind().dialect.name
    insert = pg_insert if dialect == "postgresql" else sqlite_insert
    statement = (
        insert(HazardCodeCounter)
        .values(region_code=region_code, year=year, value=1)
        .on_conflict_do_update(
            index_elements=["region_code", "year"], set_={"value": HazardCodeCounter.value + 1}  # type: ignore[operator]
        )
        .returning(col(HazardCodeCounter.value))
    )
    value = session.execute(statement).scalar_one()
    return f"HZ-{region_code}-{year}-{value:06d}"


def find_idempotency_key(*, session: Session, user_id: str, key: str) -> IdempotencyKey | None:
    return session.get(IdempotencyKey, (user_id, key))


def remember_idempotency_key(
    *, session: Session, user_id: str, key: str, request_hash: str, hazard_code: str
) -> None:
    session.add(
        IdempotencyKey(
            user_id=user_id, key=key, request_hash=request_hash, hazard_code=hazard_code, created_at=datetime.now(UTC)
        )
    )
    session.flush()


def move_idempotency_key(*, session: Session, user_id: str, key: str, hazard_code: str) -> None:
    row = session.get(IdempotencyKey, (user_id, key))
    if row is not None:
        row.hazard_code = hazard_code
        session.add(row)
        session.flush()


def get_row(*, session: Session, code: str) -> HazardRow | None:
    return session.get(HazardRow, code)


def state_of(row: HazardRow) -> HazardState:
    return HazardState.model_validate_json(row.state_json)


def timeline(*, session: Session, code: str) -> list[AuditEntry]:
    return audit.entries(session=session, kind="hazard", record_id=code)


def in_scope(row: HazardRow, scope: Scope) -> bool:
    return scope.holds(row.region_path, row.enterprise_uscc)


def _scoped(query, scope: Scope):  # type: ignore[no-untyped-def]
    return scoped(query, scope, HazardRow.region_path, HazardRow.enterprise_uscc)


def _filtered(query, flt: HazardFilter):  # type: ignore[no-untyped-def]
    if flt.status:
        query = query.where(HazardRow.status == flt.status)
    if flt.level:
        query = query.where(HazardRow.level == flt.level)
    if flt.source:
        query = query.where(HazardRow.source == flt.source)
    if flt.region_path:
        query = query.where(col(HazardRow.region_path).startswith(flt.region_path))
    if flt.enterprise_uscc:
        query = query.where(HazardRow.enterprise_uscc == flt.enterprise_uscc)
    if flt.overdue is not None:
        query = query.where(HazardRow.overdue == flt.overdue)
    if flt.q:
        query = query.where(col(HazardRow.title).contains(flt.q, autoescape=True))
    if flt.campaign_id:
        query = query.where(HazardRow.campaign_id == flt.campaign_id)
    return query


def list_rows(
    *, session: Session, scope: Scope, flt: HazardFilter, page: int, page_size: int
) -> tuple[list[HazardRow], int]:
    base = _filtered(_scoped(select(HazardRow), scope), flt)
    total = session.exec(select(func.count()).select_from(base.subquery())).one()
    rows = session.exec(
        base.order_by(col(HazardRow.reported_at).desc(), col(HazardRow.code).desc())
        .offset((page - 1) * page_size)
        .limit(page_size)
    )
    return list(rows), int(total)


def open_rows(*, session: Session, scope: Scope) -> list[HazardRow]:
    query = _scoped(select(HazardRow), scope).where(col(HazardRow.status).in_(OPEN_STATUSES))
    return list(session.exec(query))
