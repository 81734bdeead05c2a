"""Database engine and sessions for the read model (SQLite embedded, PostgreSQL in production)."""

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, event
from sqlalchemy.engine import make_url
from sqlmodel import Session, create_engine

CONNECT_TIMEOUT_SECONDS = 3  # PostgreSQL: how long a new connection may take before the request gives up
MIGRATIONS_DIR = Path(__file__).resolve().parent.parent / "migrations"


def make_engine(url: str, **kwargs: Any) -> Engine:
    if make_url(url).get_backend_name() == "sqlite":
        # A connection to a WAL file is cheap, and each request of the API's thread pool (40 threads) may hold
        # one while it waits for the workflow: a pool smaller than that queues requests behind each other.
        pool = {"pool_size": 20, "max_overflow": 60} if make_url(url).database not in (None, "", ":memory:") else {}
        engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 5}, **{**pool, **kwargs})
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    # A dead server must fail a request within seconds, never hang it: a bounded connect, a pre-ping that
    # drops connections the server closed, and a bounded wait for a pooled connection.
    options: dict[str, Any] = {"pool_pre_ping": True, "pool_size": 10, "max_overflow": 20, "pool_timeout": 10}
    options["connect_args"] = {"connect_timeout": CONNECT_TIMEOUT_SECONDS, **kwargs.pop("connect_args", {})}
    return create_engine(url, **{**options, **kwargs})


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")  # the API reads while the worker writes
    cursor.execute("PRAGMA busy_timeout=5000")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def migrate(url: str) -> None:
    """Bring the schema to the newest Alembic revision."""
    from alembic import command
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    command.upgrade(config, "head")


_SQLITE_WRITER = threading.Lock()


@contextmanager
def write_scope(engine: Engine) -> Iterator[Session]:
    """`session_scope` for a read-then-write transaction. SQLite has one writer: the writers of this process
    take turns on a lock instead of meeting in SQLite's busy handler (which sleeps in steps of up to 100 ms) or
    failing with a stale snapshot (a WAL read upgraded to a write after another commit), which the activity
    would retry a second later. PostgreSQL needs no such turn."""
    if engine.dialect.name != "sqlite":
        with session_scope(engine) as session:
            yield session
        return
    with _SQLITE_WRITER, session_scope(engine) as session:
        yield session


@contextmanager
def session_scope(engine: Engine) -> Iterator[Session]:
    """A session whose work is committed on success and rolled back on error."""
    with Session(engine, expire_on_commit=False) as session:
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise


def as_utc(value: datetime | None) -> datetime | None:
    """SQLite hands back naive datetimes; every time in this system is UTC."""
    if value is None:
        return None
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)
