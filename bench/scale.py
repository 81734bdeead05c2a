"""Bench 4, scale: open hazards waiting on their deadlines, started at most SCALE_WINDOW ahead of their
projection and measured (memory, the Temporal database's size, the pages' times on SQLite and on a PostgreSQL
copy of the read model) at every power of ten on the way to the size."""

import asyncio
import json
import statistics
import sys
import time
import uuid
from collections.abc import Callable

from bench.stack import Stack, pool, rss_mib
from bench.ui_pages import DEFAULT_POSTGRES, drop_schema, page_times, postgres_schema
from core.db import make_engine, migrate
from models.hazard import workflow_id_for

# --- 4. scale -----------------------------------------------------------------------------------------------------


def scale_checkpoints(n: int) -> tuple[int, ...]:
    """The counts at which the scale bench stops starting hazards and measures: 10,000, 100,000, ... below `n`, then `n`."""
    marks: list[int] = []
    mark = 10_000
    while mark < n:
        marks.append(mark)
        mark *= 10
    return (*marks, n)


async def bench_scale(s: Stack, n: int) -> dict[str, float]:
    """`n` hazards started (50 clients, no API) and projected, measured at every checkpoint on the way (the
    figures at a checkpoint below `n` carry its count: "worker RSS MiB at 10000"); progress every 30 s on stderr."""
    from sqlalchemy import text

    from tests import factories

    engine = make_engine(s.settings.sqlalchemy_url)

    def projected() -> int:
        with engine.connect() as conn:
            return int(conn.execute(text("SELECT count(*) FROM hazard WHERE code LIKE 'SC-%'")).scalar_one())

    window = _Window(projected)

    async def start(_i: int) -> None:
        await window.admit()
        code = f"SC-{uuid.uuid4().hex[:10]}"
        await s.client.start_workflow("HazardWorkflow", factories.start(code), id=workflow_id_for(code), task_queue=s.task_queue)

    began = time.perf_counter()
    progress = asyncio.create_task(_scale_progress(s, projected, began))
    out: dict[str, float] = {}
    made = 0
    try:
        for mark in scale_checkpoints(n):
            leg = time.perf_counter()
            await pool(mark - made, 50, start)
            while await window.refresh() < mark:
                await asyncio.sleep(0.5)
            rate = (mark - made) / (time.perf_counter() - leg)
            made = mark
            figures = {"open hazards": float(mark), "started and projected /s": rate, **await _scale_figures(s)}
            print(f"  scale checkpoint {mark}: {json.dumps({k: round(v, 2) for k, v in figures.items()})}", file=sys.stderr, flush=True)
            out.update({(k if mark == n else f"{k} at {mark}"): v for k, v in figures.items()})
    finally:
        progress.cancel()
        engine.dispose()
    return out


class _Window:
    """Admits a start while fewer than SCALE_WINDOW hazards are started and not yet projected; one waiting client
    at a time counts the projected rows again."""

    def __init__(self, projected: Callable[[], int]) -> None:
        self.projected, self.started, self.seen = projected, 0, 0
        self.lock = asyncio.Lock()

    async def refresh(self) -> int:
        self.seen = await asyncio.to_thread(self.projected)
        return self.seen

    async def admit(self) -> None:
        async with self.lock:
            while self.started - self.seen >= SCALE_WINDOW:
                await asyncio.sleep(0.1)
                await self.refresh()
            self.started += 1


async def _scale_progress(s: Stack, projected: Callable[[], int], began: float) -> None:
    while True:
        await asyncio.sleep(30)
        count = await asyncio.to_thread(projected)
        elapsed = time.perf_counter() - began
        print(f"  scale {elapsed:6.0f} s: {count} projected ({count / elapsed:.1f}/s), server {rss_mib(s.server.process.pid):.0f} MiB, "
              f"worker {s.worker_rss_mib():.0f} MiB, Temporal DB {s.server.db_mib():.0f} MiB", file=sys.stderr, flush=True)


async def _scale_figures(s: Stack) -> dict[str, float]:
    """Memory, the Temporal database's size and the pages' times (SQLite, then a copy on PostgreSQL) right now."""
    out = {"server RSS MiB": rss_mib(s.server.process.pid), "worker RSS MiB": s.worker_rss_mib(),
           "API RSS MiB": rss_mib(s.api.pid), "Temporal DB MiB": s.server.db_mib()}
    sqlite_pages = await page_times(s.settings, runs=3, pages=SCALE_PAGES)
    out.update({f"SQLite {name} ms": statistics.median(times) for name, times in sqlite_pages.items()})
    target = postgres_schema(DEFAULT_POSTGRES)
    if target is not None:
        url, schema = target
        try:
            await asyncio.to_thread(copy_read_model, s.settings.sqlalchemy_url, url)
            settings = s.settings.model_copy(update={"database_url": url})
            pg_pages = await page_times(settings, runs=3, pages=SCALE_PAGES)
            out.update({f"PostgreSQL {name} ms": statistics.median(times) for name, times in pg_pages.items()})
        finally:
            drop_schema(DEFAULT_POSTGRES, schema)
    return out


# At most this many hazards started and not yet projected: a start is cheap for the server, and 50 clients starting
# 100,000 at once would fill its task queue, which then spills to its database and slows every task it holds.
SCALE_WINDOW = 200
SCALE_PAGES = (("list", "/hazards"), ("board", "/board"), ("dashboard", "/dashboard"))


def copy_read_model(source_url: str, target_url: str) -> None:
    """The whole read model, row for row, into a freshly migrated database (the pages only read it)."""
    from sqlmodel import SQLModel

    import models.tables  # noqa: F401 - the tables' metadata

    migrate(target_url)
    source, target = make_engine(source_url), make_engine(target_url)
    tables = SQLModel.metadata.sorted_tables
    with source.connect() as read, target.begin() as write:
        for table in reversed(tables):
            write.execute(table.delete())
        for table in tables:
            rows = [dict(r) for r in read.execute(table.select()).mappings()]
            for i in range(0, len(rows), 5000):
                write.execute(table.insert(), rows[i : i + 5000])
    source.dispose()
    target.dispose()
