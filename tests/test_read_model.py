"""The read model on SQLite and on PostgreSQL (every test runs on both): projection, codes, queries."""

import contextlib
import threading
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

from sqlalchemy import Engine
from sqlmodel import Session, func, select

from core.db import session_scope
from domain import escalation, transitions
from models.actions import AssessBody, ListBody
from models.actors import system_actor
from models.enums import Action, HazardLevel, HazardStatus
from models.hazard import HazardState, ProjectionItem
from models.tables import AuditEntry, HazardRow
from store import hazards, projection
from tests import factories as f

NOW = datetime(2026, 11, 2, 2, 0, tzinfo=UTC)


def reported(code: str, title: str = "配电室未设置挡鼠板") -> ProjectionItem:
    state = HazardState(code=code, facts=f.facts(title), reported_at=NOW, reported_by=f.INSPECTOR, policy=f.DEFAULT_POLICY, status_since=NOW)
    return transitions.reported(state, f.INSPECTOR)


def overdue(state: HazardState) -> ProjectionItem:
    """The system step when the rectification deadline passes (as the workflow's clock records it)."""
    after = state.model_copy(update={"overdue": True})
    return escalation.step(state, after, Action.DEADLINE_PASSED, "rectification_deadline", "逾期", NOW)


def project(engine: Engine, item: ProjectionItem) -> bool:
    with session_scope(engine) as session:
        return projection.project_transition(session=session, item=item)


def audit_count(engine: Engine, code: str) -> int:
    with Session(engine) as session:
        return session.exec(select(func.count()).select_from(AuditEntry).where(AuditEntry.record_id == code)).one()


def test_projecting_the_same_transition_twice_writes_one_audit_row(engine: Engine) -> None:
    item = reported("HZ-371702-2026-000001")
    assert project(engine, item) is True
    assert project(engine, item) is False
    assert audit_count(engine, "HZ-371702-2026-000001") == 1
    with Session(engine) as session:
        row = session.get(HazardRow, "HZ-371702-2026-000001")
        assert row is not None and row.status == "reported" and row.last_seq == 1
        assert row.region_path == "370000/371700/371702/"


def test_the_hazard_row_never_goes_back_to_an_older_transition(engine: Engine) -> None:
    first = reported("HZ-371702-2026-000002")
    assess = AssessBody(level=HazardLevel.MAJOR, basis="GB 30871")
    (second,) = transitions.apply(Action.ASSESS, first.state, f.COUNTY_SUPERVISOR, assess, NOW)
    listing = ListBody(authority_level="county", deadline=(NOW + timedelta(days=30)).date())
    (third,) = transitions.apply(Action.LIST, second.state, f.COUNTY_SUPERVISOR, listing, NOW)
    for item in (first, second, third):
        project(engine, item)
    assert project(engine, second) is False  # a late duplicate attempt of seq 2 arrives after seq 3
    with Session(engine) as session:
        row = session.get(HazardRow, "HZ-371702-2026-000002")
        assert row is not None and row.status == "listed" and row.last_seq == 3
        assert row.listing_authority_code == "371702"
        assert hazards.state_of(row).listing is not None
        seqs = [e.seq for e in hazards.timeline(session=session, code=row.code)]
    assert seqs == [1, 2, 3]


def test_audit_row_and_hazard_row_land_in_one_transaction(engine: Engine) -> None:
    item = reported("HZ-371702-2026-000003")
    try:
        with session_scope(engine) as session:
            projection.project_transition(session=session, item=item)
            raise RuntimeError("the database went away before commit")
    except RuntimeError:
        pass
    assert audit_count(engine, "HZ-371702-2026-000003") == 0
    with Session(engine) as session:
        assert session.get(HazardRow, "HZ-371702-2026-000003") is None
    assert project(engine, item) is True  # the retried activity writes it


def test_codes_are_sequential_per_region_and_year_and_unique_under_concurrency(engine: Engine) -> None:
    codes: list[str] = []
    lock = threading.Lock()

    def claim() -> None:
        for _ in range(10):
            with session_scope(engine) as session:
                code = hazards.next_code(session=session, region_code="371702", year=2026)
            with lock:
                codes.append(code)

    threads = [threading.Thread(target=claim) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(codes) == [f"HZ-371702-2026-{n:06d}" for n in range(1, 41)]
    with session_scope(engine) as session:
        assert hazards.next_code(session=session, region_code="371721", year=2026) == "HZ-371721-2026-000001"
        assert hazards.next_code(session=session, region_code="371702", year=2027) == "HZ-371702-2027-000001"


def test_list_filters_by_scope_status_region_overdue_and_title(engine: Engine) -> None:
    for n, title in enumerate(["配电室未设置挡鼠板", "消防通道堵塞", "储罐区静电接地失效"], start=1):
        project(engine, reported(f"HZ-371702-2026-{n:06d}", title))
    project(engine, overdue(reported("HZ-371702-2026-000003").state))
    with Session(engine) as session:
        county = hazards.Scope(path="370000/371700/371702/")
        other = hazards.Scope(path="370000/371700/371721/")

        def page(scope: hazards.Scope, **flt: object) -> tuple[list[str], int]:
            rows, total = hazards.list_rows(session=session, scope=scope, flt=hazards.HazardFilter(**flt), page=1, page_size=2)  # type: ignore[arg-type]
            return [r.code for r in rows], total

        assert page(county)[1] == 3 and len(page(county)[0]) == 2
        assert page(other) == ([], 0)
        assert page(hazards.Scope(enterprise_uscc=f.USCC_A))[1] == 3
        assert page(hazards.Scope(enterprise_uscc=f.USCC_B))[1] == 0
        assert page(county, q="消防") == (["HZ-371702-2026-000002"], 1)
        assert page(county, overdue=True) == (["HZ-371702-2026-000003"], 1)
        assert page(county, status=HazardStatus.REPORTED.value)[1] == 3
        assert page(county, region_path="370000/371700/")[1] == 3
        assert page(county, q="100%_")[1] == 0  # LIKE wildcards in the search are taken literally


def test_system_transitions_are_recorded_with_the_system_actor(engine: Engine) -> None:
    item = reported("HZ-371702-2026-000009")
    project(engine, item)
    project(engine, overdue(item.state))
    with Session(engine) as session:
        entry = hazards.timeline(session=session, code="HZ-371702-2026-000009")[-1]
    assert (entry.actor_id, entry.actor_role, entry.action) == ("system", "system", "deadline-passed")
    assert system_actor("x").role == "system"


def test_a_transition_cannot_be_recorded_before_the_one_it_follows(engine: Engine) -> None:
    first = reported("HZ-371702-2026-000010")
    (second,) = transitions.apply(Action.ASSESS, first.state, f.COUNTY_SUPERVISOR, AssessBody(level="major", basis="GB"), NOW)
    import pytest

    with pytest.raises(RuntimeError, match="missing"):
        project(engine, second)  # the activity fails and is retried once seq 1 is there
    assert project(engine, first) and project(engine, second)


def test_projections_from_many_threads_all_land_and_sqlite_writers_take_turns(engine: Engine) -> None:
    """Sixteen threads projecting at once (a worker's activity threads): every transition lands once; on SQLite
    no two of this process's write transactions overlap (they queue on a lock, not on SQLite's busy handler)."""
    from core import db

    inside, most = [0], [0]
    guard = threading.Lock()
    real_scope = db.session_scope

    @contextlib.contextmanager
    def counting_scope(bound: Engine) -> Iterator[Session]:
        with real_scope(bound) as session:
            with guard:
                inside[0] += 1
                most[0] = max(most[0], inside[0])
            try:
                time.sleep(0.005)  # long enough for an unguarded writer to overlap
                yield session
            finally:
                with guard:
                    inside[0] -= 1

    codes = [f"HZ-371702-2026-{900 + n:06d}" for n in range(16)]

    def write(code: str) -> None:
        with db.write_scope(engine) as session:
            projection.project_transition(session=session, item=reported(code))

    original = db.session_scope
    db.session_scope = counting_scope  # type: ignore[assignment]
    try:
        threads = [threading.Thread(target=write, args=(code,)) for code in codes]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    finally:
        db.session_scope = original  # type: ignore[assignment]
    assert all(audit_count(engine, code) == 1 for code in codes)
    if engine.dialect.name == "sqlite":
        assert most[0] == 1
    else:
        assert most[0] > 1  # PostgreSQL takes concurrent writers as they come
