"""Migrated databases for the tests, from templates migrated once per session (per xdist worker).

Migrating a fresh read model through every Alembic revision takes seconds; each test that needs one gets a copy
of a template migrated once instead: a copied SQLite file, or a PostgreSQL database created from a template
database. Each copy is the test's own, as a freshly migrated one would be; the template itself is built by the
same `core.db.migrate`, so what the copy holds is what migrating gives.
"""

import atexit
import functools
import shutil
import tempfile
import uuid
from pathlib import Path

from sqlalchemy.engine import make_url

from core.db import migrate


@functools.cache
def sqlite_template() -> Path:
    """A SQLite file migrated to the newest revision, for this process's tests to copy."""
    directory = Path(tempfile.mkdtemp(prefix="duban-template-"))
    atexit.register(shutil.rmtree, directory, ignore_errors=True)
    path = directory / "template.db"
    migrate(f"sqlite:///{path}")
    return path


def copy_sqlite_template(path: Path) -> None:
    """Put a migrated read model at `path`, unless a database is there already (an app restarted on its data)."""
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(sqlite_template(), path)


def migrate_from_template(url: str) -> None:
    """`core.db.migrate` for the apps the tests start: a SQLite file that does not exist yet starts as a copy of
    the template, then the real migration runs (on the copy, nothing left to do)."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite" and parsed.database not in (None, "", ":memory:"):
        copy_sqlite_template(Path(parsed.database))
    migrate(url)


class PostgresTemplate:
    """A template database on the PostgreSQL server, migrated once; `create` makes a test's own database from
    it (CREATE DATABASE ... TEMPLATE), `drop` removes it."""

    def __init__(self, url: str) -> None:
        self.url = url  # SQLAlchemy URL of a database to connect to for CREATE/DROP DATABASE
        self.name = f"duban_tmpl_{uuid.uuid4().hex[:12]}"
        self._admin(f'CREATE DATABASE "{self.name}"')
        try:
            migrate(self.url_of(self.name))
        except BaseException:
            self.close()
            raise

    def url_of(self, database: str) -> str:
        return make_url(self.url).set(database=database).render_as_string(hide_password=False)

    def _admin(self, statement: str) -> None:
        import psycopg

        plain = make_url(self.url).set(drivername="postgresql").render_as_string(hide_password=False)
        with psycopg.connect(plain, autocommit=True) as conn:
            conn.execute(statement)

    def create(self) -> str:
        database = f"duban_t_{uuid.uuid4().hex[:12]}"
        self._admin(f'CREATE DATABASE "{database}" TEMPLATE "{self.name}"')
        return database

    def drop(self, database: str) -> None:
        self._admin(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')

    def close(self) -> None:
        self.drop(self.name)
