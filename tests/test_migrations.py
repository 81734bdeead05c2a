"""The Alembic migrations build exactly the schema the models declare (tables, columns, indexes), on SQLite and
on PostgreSQL: an index added to a model without its migration, or the reverse, fails here."""

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import Engine
from sqlmodel import SQLModel

import models.tables  # noqa: F401 - the tables' metadata


def _differences(engine: Engine) -> list[object]:
    with engine.connect() as conn:
        return list(compare_metadata(MigrationContext.configure(conn, opts={"compare_type": False}), SQLModel.metadata))


def test_the_migrated_sqlite_schema_is_the_models_schema(sqlite_engine: Engine) -> None:
    assert _differences(sqlite_engine) == []


def test_the_migrated_postgresql_schema_is_the_models_schema(postgres_engine: Engine) -> None:
    assert _differences(postgres_engine) == []


def test_the_board_and_dashboard_indexes_are_migrated(sqlite_engine: Engine) -> None:
    from sqlalchemy import inspect

    hazard = {ix["name"] for ix in inspect(sqlite_engine).get_indexes("hazard")}
    audit = {ix["name"] for ix in inspect(sqlite_engine).get_indexes("audit_entry")}
    assert {"ix_hazard_status_region", "ix_hazard_dashboard"} <= hazard
    assert {"ix_audit_hazard_status_at", "ix_audit_hazard_action"} <= audit


def test_the_task_table_and_its_indexes_are_migrated(sqlite_engine: Engine) -> None:
    from sqlalchemy import inspect

    task = {ix["name"] for ix in inspect(sqlite_engine).get_indexes("task")}
    assert {"ix_task_staff", "ix_task_enterprise", "ix_task_record_id"} <= task
