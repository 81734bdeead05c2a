"""How fast the web UI's pages render with N hazards in the read model (10,000 unless `--hazards` says otherwise).

    .venv/bin/python bench/ui_pages.py [--hazards 10000] [--runs 5] [--postgres URL | --no-postgres]

Fills a fresh SQLite read model (and a fresh schema on PostgreSQL, when reachable) with synthetic hazards
(valid workflow state, audit rows and task rows, inserted directly: reads need no Temporal), then renders my
tasks (the home page, and `GET /api/v1/tasks` with a bearer token), the hazard list, the board and the
dashboard through the app with httpx, signed in as the city supervisor (whose jurisdiction holds them all). Prints a Markdown table and, with --write, puts it in bench/RESULTS.md under
"UI pages with N hazards" (one section per size).
"""

import argparse
import asyncio
import os
import platform
import re
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path

import httpx
from sqlalchemy import text
from sqlmodel import Session

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from app import create_app  # noqa: E402
from core.settings import Settings  # noqa: E402
from tests.synthetic import insert, many  # noqa: E402

PAGES = (
    ("my tasks", "/"),
    ("my tasks, API (page 1 of 50)", "/api/v1/tasks?page=1&page_size=50"),
    ("hazard list", "/hazards"),
    ("hazard list, filtered", "/hazards?status=rectifying&overdue=yes"),
    ("board", "/board"),
    ("dashboard", "/dashboard?from=2025-01-01"),
)
API = "/api/"  # these paths are asked with a bearer token (POST /api/v1/auth/token), the others as the signed-in web user
DEFAULT_POSTGRES = os.environ.get("DUBAN_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")


def section_title(hazards: int) -> str:
    """Each size has a section of its own in bench/RESULTS.md."""
    return f"## UI pages with {hazards:,} hazards"


class NoTemporal:
    """Reads never reach Temporal; anything that tries fails loudly."""

    def __getattr__(self, name: str) -> object:
        raise RuntimeError(f"the page benchmark does not use Temporal (asked for {name})")


async def measure(database_url: str | None, data_dir: Path, hazards: int, runs: int) -> dict[str, list[float]]:
    settings = Settings(_env_file=None, data_dir=data_dir, database_url=database_url, log_json=False, log_level="WARNING")  # type: ignore[call-arg]
    return await page_times(settings, runs, fill=hazards)


async def page_times(settings: Settings, runs: int, fill: int = 0, pages: tuple[tuple[str, str], ...] = PAGES) -> dict[str, list[float]]:
    """Each page's times (ms) as the city supervisor, through the app in process; `fill` synthetic hazards first."""
    app = create_app(settings, temporal=NoTemporal())  # type: ignore[arg-type]
    timings: dict[str, list[float]] = {}
    async with app.router.lifespan_context(app):
        if fill:
            started = time.perf_counter()
            with Session(app.state.engine) as session:
                insert(session, many(fill))
                if app.state.engine.dialect.name == "postgresql":
                    # statistics, as autovacuum gathers them within a minute of a bulk load (this machine's test
                    # server runs with autovacuum off; without them the planner takes every table for empty)
                    session.execute(text("ANALYZE"))
                    session.commit()
            print(f"  {fill} hazards inserted in {time.perf_counter() - started:.1f} s", file=sys.stderr)
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://bench", timeout=60) as http:
            login = await http.get("/login")
            csrf = re.search(r'name="csrf" value="([^"]+)"', login.text).group(1)  # type: ignore[union-attr]
            signed = await http.post("/login", data={"username": "city.supervisor", "password": "duban-demo", "csrf": csrf, "next": "/"})
            assert signed.status_code == 303, signed.text
            bearer: dict[str, str] = {}
            if any(path.startswith(API) for _, path in pages):
                token = await http.post("/api/v1/auth/token", data={"username": "city.supervisor", "password": "duban-demo"})
                assert token.status_code == 200, token.text
                bearer = {"Authorization": f"Bearer {token.json()['access_token']}"}
            for name, path in pages:
                headers = bearer if path.startswith(API) else {}
                warm = await http.get(path, headers=headers)
                assert warm.status_code == 200, (path, warm.status_code, warm.text[:500])
                timings[name] = []
                for _ in range(runs):
                    begin = time.perf_counter()
                    reply = await http.get(path, headers=headers)
                    timings[name].append((time.perf_counter() - begin) * 1000)
                    assert reply.status_code == 200
    return timings


def postgres_schema(url: str) -> tuple[str, str] | None:
    """A fresh schema on the PostgreSQL server (its URL and name), or None when unreachable."""
    try:
        import psycopg

        plain = url.replace("+psycopg", "")
        schema = f"bench_{uuid.uuid4().hex[:10]}"
        with psycopg.connect(plain, autocommit=True, connect_timeout=3) as conn:
            conn.execute(f'CREATE SCHEMA "{schema}"')
        return f"{url}?options=-csearch_path%3D{schema}", schema
    except Exception as error:  # noqa: BLE001
        print(f"  PostgreSQL not reachable ({error}); SQLite only", file=sys.stderr)
        return None


def drop_schema(url: str, schema: str) -> None:
    import psycopg

    with psycopg.connect(url.replace("+psycopg", ""), autocommit=True) as conn:
        conn.execute(f'DROP SCHEMA "{schema}" CASCADE')


def machine() -> str:
    memory = ""
    try:
        kb = int(next(line for line in Path("/proc/meminfo").read_text().splitlines() if line.startswith("MemTotal")).split()[1])
        memory = f"{kb / 1024 / 1024:.0f} GiB memory"
    except (OSError, StopIteration, ValueError):
        pass
    return f"{os.cpu_count()} cores, {memory}, Python {platform.python_version()}, {platform.system()} {platform.release()}"


def table(results: dict[str, dict[str, list[float]]]) -> str:
    lines = ["| database | page | median ms | min ms | max ms | runs |", "| --- | --- | ---: | ---: | ---: | ---: |"]
    for database, timings in results.items():
        for page, values in timings.items():
            lines.append(
                f"| {database} | {page} | {statistics.median(values):.0f} | {min(values):.0f} | {max(values):.0f} | {len(values)} |"
            )
    return "\n".join(lines)


def write(section: str, title: str) -> None:
    path = ROOT / "bench" / "RESULTS.md"
    text = path.read_text(encoding="utf-8") if path.exists() else "# Benchmarks\n"
    if title in text:
        before, _, rest = text.partition(title)
        after = rest[rest.find("\n## ") :] if "\n## " in rest else ""
        text = before + section + after
    else:
        text = text.rstrip() + "\n\n" + section
    path.write_text(text.rstrip() + "\n", encoding="utf-8")


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--hazards", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--postgres", default=DEFAULT_POSTGRES)
    parser.add_argument("--no-postgres", action="store_true")
    parser.add_argument("--write", action="store_true", help="update bench/RESULTS.md")
    args = parser.parse_args()
    results: dict[str, dict[str, list[float]]] = {}
    with tempfile.TemporaryDirectory() as tmp:
        print("SQLite", file=sys.stderr)
        results["SQLite"] = await measure(None, Path(tmp) / "sqlite", args.hazards, args.runs)
        target = None if args.no_postgres else postgres_schema(args.postgres)
        if target is not None:
            url, schema = target
            print("PostgreSQL", file=sys.stderr)
            try:
                results["PostgreSQL"] = await measure(url, Path(tmp) / "pg", args.hazards, args.runs)
            finally:
                drop_schema(args.postgres, schema)
    section = (
        f"{section_title(args.hazards)}\n\n"
        f"{args.hazards:,} synthetic hazards (all states, two counties and the city, a year of reports, audit rows and "
        f"rungs) rendered as the city supervisor, who sees them all; the list shows 20 a page, the board the 30 most "
        f"urgent cards of each state, the dashboard a period of about two years. Through the app with httpx "
        f"(in-process, no network), after one warm-up request; PostgreSQL's tables analyzed after the load. Target: under 300 ms each.\n\n"
        f"Machine: {machine()}.\n\n"
        f"```sh\n.venv/bin/python bench/ui_pages.py --hazards {args.hazards} --runs {args.runs} --write\n```\n\n"
        f"{table(results)}\n\n"
        f"Each page is SQL over indexed columns (counts and sums grouped in the database, the board's and the "
        f"dashboard's over covering indexes since migration 0007; only the cards and rows shown are read in full). "
        f"\"My tasks\" (the home page, its first 200 tasks, and the API's first page of 50) is one query of the task "
        f"read model (migration 0008) over its index (role and jurisdiction first) plus a count read from that "
        f"index alone (it holds every column the query filters on). On PostgreSQL the dashboard "
        f"aggregates each hazard's last completion and rungs once over the audit indexes that lead with the kind "
        f"of entry (migration 0009) instead of a subquery per hazard.\n"
    )
    print(section)
    if args.write:
        write(section, section_title(args.hazards))


if __name__ == "__main__":
    asyncio.run(main())
