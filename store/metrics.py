"""Figures for the dashboard and the board (docs/domain.md §10), as SQL aggregates over the read model.

Every function is keyword-only and takes the caller's `Scope`. The dashboard counts the hazards reported in a
period (voided records left out): found; rectified (verified or closed); on time (rectified, and acceptance
was requested by the deadline: the last transition into `acceptance_requested` is not after the hazard's
deadline, or the hazard had no deadline, i.e. it was fixed on the spot); listed; closed of the listed; overdue
now; rungs fired. Rows are grouped by region path and industry in SQL and folded in Python into the
sub-jurisdictions of the caller's jurisdiction, so the work stays in the database on 10,000 hazards.
"""

from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import Select, and_, case, func, literal, or_, text
from sqlalchemy import select as sa_select
from sqlalchemy.orm import aliased
from sqlalchemy.sql.expression import ColumnElement, FromClause
from sqlmodel import Session, col, select

from domain.calendar import WorkCalendar
from models.tables import AuditEntry, HazardRow, Jurisdiction
from store.calendar import loaded_years
from store.figures import (  # noqa: F401 - re-exported: the figures' one definition
    GOVERNMENT_MISSED_REASONS,
    RECTIFIED,
    RUNG_TYPES,
    Dashboard,
    Figures,
    Group,
)
from store.hazards import OPEN_STATUSES, Scope


def scope_clause(scope: Scope):  # type: ignore[no-untyped-def]
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
            .where(completed.record_id == h.code, completed.to_status == "acceptance_requested")
            .correlate(h)
            .scalar_subquery()
        )
        rung = aliased(AuditEntry)
        rungs = (
            select(func.count()).select_from(rung).where(rung.record_id == h.code, rung.action == "rung").correlate(h)
            .scalar_subquery()
        )
        return last_completion, rungs, hazard
    a = AuditEntry
    completion = (
        sa_select(col(a.record_id).label("code"), func.max(a.at).label("at"))
        .where(col(a.to_status) == "acceptance_requested")
        .group_by(col(a.record_id))
        .subquery("completion")
    )
    rung_counts = (
        sa_select(col(a.record_id).label("code"), func.count().label("n"))
        .where(col(a.action) == "rung")
        .group_by(col(a.record_id))
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


COUNTED = ("found", "rectified", "on_time", "listed", "closed_listed", "overdue_now", "rungs_fired", "major")
Key = tuple[str, str, str, str]  # (region_path, industry, level or "", source)


def _period_clause(scope: Scope, start: datetime, end: datetime, campaign_id: str | None) -> Any:
    """The hazards the figures count: reported in [start, end), in the scope, not voided (and tagged with the
    campaign, for a campaign's figures)."""
    h = HazardRow
    clause = and_(scope_clause(scope), col(h.reported_at) >= start, col(h.reported_at) < end, col(h.status) != "voided")
    if campaign_id is not None:  # a campaign's figures (专项整治): its tagged hazards
        clause = and_(clause, col(h.campaign_id) == campaign_id)
    return clause


def _counted_rows(session: Session, where: Any) -> dict[Key, Figures]:
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
            col(h.level),
            col(h.source),
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
        .where(where)
        .group_by(col(h.region_path), col(h.industry), col(h.level), col(h.source))
    )
    return {
        (path, industry, level or "", source): Figures(**dict(zip(COUNTED, (int(n or 0) for n in numbers), strict=True)))  # type: ignore[arg-type]
        for path, industry, level, source, *numbers in _grouped_rows(session, query)
    }


def _audit_counts(session: Session, where: Any) -> dict[Key, Figures]:
    """Rungs fired by type and government-side deadlines missed, from the audit rows of the counted hazards."""
    h, a = HazardRow, AuditEntry
    query = (
        sa_select(col(h.region_path), col(h.industry), col(h.level), col(h.source), col(a.reason), func.count())
        .select_from(a)
        .join(h, col(h.code) == col(a.record_id))
        .where(where, col(a.action).in_(("rung", "deadline-missed")))
        .group_by(col(h.region_path), col(h.industry), col(h.level), col(h.source), col(a.reason))
    )
    counts: dict[Key, Figures] = {}
    for path, industry, level, source, reason, number in session.execute(query):
        key = (path, industry, level or "", source)
        rung = (reason or "").removeprefix("rung:")
        if rung in RUNG_TYPES:
            rungs = tuple(int(number) if t == rung else 0 for t in RUNG_TYPES)
            counts[key] = counts.get(key, Figures()) + Figures(rungs=rungs)
        elif reason in GOVERNMENT_MISSED_REASONS:
            counts[key] = counts.get(key, Figures()) + Figures(government_deadlines_missed=int(number))
    return counts


def _china_day(session: Session, column: Any) -> Any:
    """The Asia/Shanghai calendar day of a UTC instant column, in SQL (SQLite keeps UTC text)."""
    if session.get_bind().dialect.name == "sqlite":
        return func.date(column, "+8 hours")
    return func.date(func.timezone("Asia/Shanghai", column))


def _closures(session: Session, where: Any) -> dict[Key, Figures]:
    """The closed-out hazards and their working days from report (its China day) to close-out, on the working-day
    calendar with the years an admin loaded: counted in SQL by (group, report day, close-out day), each span's
    working days looked up once."""
    h = HazardRow
    reported_day, closed_day = _china_day(session, col(h.reported_at)), _china_day(session, col(h.closed_at))
    query = (
        sa_select(col(h.region_path), col(h.industry), col(h.level), col(h.source), reported_day, closed_day, func.count())
        .where(where, col(h.status) == "closed", col(h.closed_at).is_not(None))
        .group_by(col(h.region_path), col(h.industry), col(h.level), col(h.source), reported_day, closed_day)
    )
    spans = [((path, industry, level or "", source), _day(first), _day(last), int(n))
             for path, industry, level, source, first, last, n in session.execute(query)]
    if not spans:
        return {}
    working = _working_days_before(WorkCalendar(loaded_years(session=session)), min(s[1] for s in spans), max(s[2] for s in spans))
    counts: dict[Key, list[int]] = {}
    for key, first, last, n in spans:
        tally = counts.setdefault(key, [0, 0])
        tally[0] += n
        tally[1] += n * max(0, working[last] - working[first])  # working days in (reported, closed]
    return {key: Figures(closed=n, close_working_days=days) for key, (n, days) in counts.items()}


def _day(value: Any) -> date:
    return value if isinstance(value, date) else date.fromisoformat(str(value))


def _working_days_before(calendar: WorkCalendar, first: date, last: date) -> dict[date, int]:
    """For each day of first..last, the working days in (first, day]."""
    counts, total, day = {first: 0}, 0, first
    while day < last:
        day += timedelta(days=1)
        total += calendar.is_working_day(day)
        counts[day] = total
    return counts


def figure_rows(
    *, session: Session, scope: Scope, start: datetime, end: datetime, campaign_id: str | None = None
) -> dict[Key, Figures]:
    """The figures of the hazards reported in [start, end), by (region path, industry, level, source): every
    grouping below folds these rows, so the totals agree whichever way they are cut."""
    where = _period_clause(scope, start, end, campaign_id)
    rows = _counted_rows(session, where)
    for extra in (_audit_counts(session, where), _closures(session, where)):
        for key, figures in extra.items():
            rows[key] = rows.get(key, Figures()) + figures
    return rows


def dashboard(
    *, session: Session, scope: Scope, start: datetime, end: datetime, campaign_id: str | None = None
) -> Dashboard:
    """The figures of the hazards reported in [start, end), in total, by sub-jurisdiction, industry, level and
    source."""
    rows = figure_rows(session=session, scope=scope, start=start, end=end, campaign_id=campaign_id)
    children = sub_jurisdictions(session=session, scope=scope)
    names = {c.code: c.name for c in children}
    total = Figures()
    by: dict[str, dict[str, Figures]] = {"region": {}, "industry": {}, "level": {}, "source": {}}
    for (region_path, industry, level, source), figures in rows.items():
        total += figures
        child = _child_of(region_path, children)
        region = child.code if child else region_path.rstrip("/").split("/")[-1]
        for grouping, key in (("region", region), ("industry", industry), ("level", level), ("source", source)):
            by[grouping][key] = by[grouping].get(key, Figures()) + figures
    by_region = by["region"]
    missing = [code for code in by_region if code not in names]
    if missing:
        names |= {j.code: j.name for j in session.exec(select(Jurisdiction).where(col(Jurisdiction.code).in_(missing)))}
    regions = [Group(c.code, c.name, by_region.get(c.code, Figures())) for c in children]
    regions += [Group(code, names.get(code, code), f) for code, f in sorted(by_region.items()) if code not in {c.code for c in children}]

    def ordered(groups: dict[str, Figures]) -> list[Group]:
        return [Group(k, k, f) for k, f in sorted(groups.items(), key=lambda kv: (-kv[1].found, kv[0]))]

    return Dashboard(
        total=total, by_region=regions, by_industry=ordered(by["industry"]), by_level=ordered(by["level"]),
        by_source=ordered(by["source"]),
    )


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
