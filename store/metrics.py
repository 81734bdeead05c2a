"""Figures for the dashboard and the board (domain.md section 10), as SQL aggregates over the read model.

Every function is keyword-only and takes the caller's `Scope`. The dashboard counts the hazards reported in a
period (voided records left out): found; rectified (verified or closed); on time (rectified, and acceptance
was requested by the deadline: the last transition into `acceptance_requested` is not after the hazard's
deadline, or the hazard had no deadline, i.e. it was fixed on the spot); listed; closed of the listed; overdue
now; rungs fired. Rows are grouped by region path and industry in SQL and folded in Python into the
sub-jurisdictions of the caller's jurisdiction, so the work stays in the database on 10,000 hazards.
"""

from dataclasses import dataclass, fields
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Select, and_, case, func, literal, or_, text
from sqlalchemy import select as sa_select
from sqlalchemy.orm import aliased
from sqlalchemy.sql.expression import ColumnElement, FromClause
from sqlmodel import Session, col, select

from models.tables import AuditEntry, HazardRow, Jurisdiction
from store.hazards import OPEN_STATUSES, Scope

RECTIFIED = ("verified", "closed")


@dataclass(frozen=True)
class Figures:
    found: int = 0
    rectified: int = 0
    on_time: int = 0
    listed: int = 0
    closed_listed: int = 0
    overdue_now: int = 0
    rungs_fired: int = 0
    major: int = 0  # of the found, major hazards (重大事故隐患)

    def __add__(self, other: "Figures") -> "Figures":
        return Figures(**{f.name: getattr(self, f.name) + getattr(other, f.name) for f in fields(self)})

    @property
    def rectification_rate(self) -> float | None:
        """整改率: rectified ÷ found."""
        return self.rectified / self.found if self.found else None

    @property
    def on_time_rate(self) -> float | None:
        """按期整改率: rectified on time ÷ rectified."""
        return self.on_time / self.rectified if self.rectified else None

    @property
    def closure_rate(self) -> float | None:
        """销号率: closed ÷ listed."""
        return self.closed_listed / self.listed if self.listed else None


@dataclass(frozen=True)
class Group:
    key: str  # a jurisdiction code, or an industry
    name: str
    figures: Figures


@dataclass(frozen=True)
class Dashboard:
    total: Figures
    by_region: list[Group]
    by_industry: list[Group]


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


def _scope_clause(scope: Scope):  # type: ignore[no-untyped-def]
    if scope.everything:
        return literal(True)
    if scope.enterprise_uscc is not None:
        return col(HazardRow.enterprise_uscc) == scope.enterprise_uscc
    if scope.path is None:
        return literal(False)
    return col(HazardRow.region_path).startswith(scope.path)


def sub_jurisdictions(*, session: Session, scope: Scope) -> list[Jurisdiction]:
    """The children of the caller's jurisdiction (the roots for a caller who sees everything); none for an
    enterprise user."""
    if scope.enterprise_uscc is not None:
        return []
    if scope.everything or scope.path is None:
        query = select(Jurisdiction).where(col(Jurisdiction.parent_code).is_(None))
    else:
        own = scope.path.rstrip("/").split("/")[-1]
        query = select(Jurisdiction).where(Jurisdiction.parent_code == own)
    return list(session.exec(query.order_by(col(Jurisdiction.code))))


def _child_of(region_path: str, children: list[Jurisdiction]) -> Jurisdiction | None:
    for child in children:
        if region_path.startswith(child.path):
            return child
    return None


def _completion_and_rungs(session: Session) -> tuple[ColumnElement[Any], ColumnElement[Any], FromClause]:
    """Each hazard's last transition into acceptance_requested and its count of rungs, as two expressions over
    `HazardRow` and the FROM clause they need.

    SQLite (in process, an index probe costs well under a microsecond) runs them fastest as correlated subqueries
    over the audit indexes that lead with the hazard. On PostgreSQL the same subqueries meant about 70,000 index
    probes at 100,000 hazards (3 µs each, and a plan costed high enough to be JIT-compiled): there each is
    aggregated once over the audit entries of its kind (an index-only scan of the indexes that lead with
    `to_status` and `action`, migration 0009) and hash-joined to the hazards."""
    h = HazardRow
    hazard: FromClause = HazardRow.__table__  # type: ignore[attr-defined]
    if session.get_bind().dialect.name == "sqlite":
        completed = aliased(AuditEntry)
        last_completion = (
            select(func.max(completed.at))
            .where(completed.hazard_code == h.code, completed.to_status == "acceptance_requested")
            .correlate(h)
            .scalar_subquery()
        )
        rung = aliased(AuditEntry)
        rungs = (
            select(func.count()).select_from(rung).where(rung.hazard_code == h.code, rung.action == "rung").correlate(h)
            .scalar_subquery()
        )
        return last_completion, rungs, hazard
    a = AuditEntry
    completion = (
        sa_select(col(a.hazard_code).label("code"), func.max(a.at).label("at"))
        .where(col(a.to_status) == "acceptance_requested")
        .group_by(col(a.hazard_code))
        .subquery("completion")
    )
    rung_counts = (
        sa_select(col(a.hazard_code).label("code"), func.count().label("n"))
        .where(col(a.action) == "rung")
        .group_by(col(a.hazard_code))
        .subquery("rung_counts")
    )
    joins = (
        hazard.outerjoin(completion, completion.c.code == h.code)
        .outerjoin(rung_counts, rung_counts.c.code == h.code)
    )
    return completion.c.at, func.coalesce(rung_counts.c.n, 0), joins


def _grouped_rows(session: Session, query: Select[Any]) -> list[Any]:
    """The dashboard's rows. On PostgreSQL its aggregated audit subqueries must be hash-joined: a planner without
    statistics on the tables (a fresh load, autovacuum off) estimates one hazard and nests the loop, aggregating
    the audit entries again for every hazard (minutes at 100,000). Nested loops are off for this one statement."""
    if session.get_bind().dialect.name == "sqlite":
        return list(session.execute(query))
    session.execute(text("SET LOCAL enable_nestloop = off"))  # undone by a rollback, or just below
    rows = list(session.execute(query))
    session.execute(text("SET LOCAL enable_nestloop = on"))
    return rows


def dashboard(
    *, session: Session, scope: Scope, start: datetime, end: datetime, campaign_id: str | None = None
) -> Dashboard:
    """The figures of the hazards reported in [start, end), in total, by sub-jurisdiction and by industry; with
    `campaign_id`, of the hazards tagged with that campaign only (its live figures, account and summaries)."""
    h = HazardRow
    last_completion, rungs, joins = _completion_and_rungs(session)
    rectified = col(h.status).in_(RECTIFIED)
    listed = col(h.listing_level).is_not(None)

    def flag(condition):  # type: ignore[no-untyped-def]
        return func.sum(case((condition, 1), else_=0))

    query = (
        sa_select(
            col(h.region_path),
            col(h.industry),
            func.count(),
            flag(rectified),
            flag(and_(rectified, or_(col(h.deadline).is_(None), last_completion <= h.deadline))),
            flag(listed),
            flag(and_(listed, col(h.status) == "closed")),
            flag(and_(col(h.overdue).is_(True), col(h.status).in_(OPEN_STATUSES))),
            func.sum(case((col(h.escalation_rung).is_not(None), rungs), else_=0)),
            flag(col(h.level) == "major"),
        )
        .select_from(joins)
        .where(_scope_clause(scope), col(h.reported_at) >= start, col(h.reported_at) < end, col(h.status) != "voided")
        .group_by(h.region_path, h.industry)
    )
    if campaign_id is not None:
        query = query.where(col(h.campaign_id) == campaign_id)
    children = sub_jurisdictions(session=session, scope=scope)
    names = {c.code: c.name for c in children}
    total = Figures()
    by_region: dict[str, Figures] = {}
    by_industry: dict[str, Figures] = {}
    for region_path, industry, *numbers in _grouped_rows(session, query):
        figures = Figures(*(int(n or 0) for n in numbers))
        total += figures
        child = _child_of(region_path, children)
        key = child.code if child else region_path.rstrip("/").split("/")[-1]
        by_region[key] = by_region.get(key, Figures()) + figures
        by_industry[industry] = by_industry.get(industry, Figures()) + figures
    missing = [code for code in by_region if code not in names]
    if missing:
        names |= {j.code: j.name for j in session.exec(select(Jurisdiction).where(col(Jurisdiction.code).in_(missing)))}
    regions = [Group(c.code, c.name, by_region.get(c.code, Figures())) for c in children]
    regions += [Group(code, names.get(code, code), f) for code, f in sorted(by_region.items()) if code not in {c.code for c in children}]
    industries = [Group(k, k, f) for k, f in sorted(by_industry.items(), key=lambda kv: (-kv[1].found, kv[0]))]
    return Dashboard(total=total, by_region=regions, by_industry=industries)


def campaign_figures(
    *, session: Session, campaign_id: str, region_path: str, start: datetime | None = None, end: datetime | None = None
) -> Dashboard:
    """A campaign's figures (专项整治): the dashboard's, over the hazards tagged with it, by the sub-jurisdictions
    of its region (`region_path`, e.g. "370000/371700/"); `start`/`end` narrow it to the hazards reported in that
    period (a periodic report's or an annual summary's), else every tagged hazard counts."""
    return dashboard(
        session=session, scope=Scope(path=region_path), start=start or EVER[0], end=end or EVER[1], campaign_id=campaign_id
    )


EVER = (datetime(1900, 1, 1, tzinfo=UTC), datetime(2200, 1, 1, tzinfo=UTC))


def board(*, session: Session, scope: Scope, per_column: int = 30) -> Board:
    """Open hazards by state: counts per state and per sub-jurisdiction, and the most urgent cards of each
    state (overdue first, then by deadline, then the longest waiting)."""
    h = HazardRow
    counts_query = (
        select(h.region_path, h.status, func.count())
        .where(_scope_clause(scope), col(h.status).in_(OPEN_STATUSES))
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
            .where(_scope_clause(scope), col(h.status) == status)
            .order_by(col(h.overdue).desc(), col(h.deadline).is_(None), col(h.deadline), col(h.updated_at), col(h.code))
            .limit(per_column)
        )
        columns[status] = [Card(*row) for row in rows]
    return Board(columns=columns, counts=counts, by_region=by_region)
