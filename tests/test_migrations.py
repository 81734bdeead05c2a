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
    assert {"ix_audit_record_id_status_at", "ix_audit_record_id_action"} <= audit


def test_the_task_table_and_its_indexes_are_migrated(sqlite_engine: Engine) -> None:
    from sqlalchemy import inspect

    task = {ix["name"] for ix in inspect(sqlite_engine).get_indexes("task")}
    assert {"ix_task_staff", "ix_task_enterprise", "ix_task_record_id"} <= task


def test_the_tasks_of_hazards_open_before_the_task_table_are_derived_when_it_is_created(tmp_path: object) -> None:
    from datetime import UTC, datetime, timedelta

    from alembic import command
    from alembic.config import Config
    from sqlalchemy import text
    from sqlmodel import Session

    from core.db import MIGRATIONS_DIR, make_engine
    from models.enums import HazardStatus
    from tests.synthetic import Spec, make

    url = f"sqlite:///{tmp_path}/old.db"
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.set_main_option("sqlalchemy.url", url)
    command.upgrade(config, "0007")
    engine = make_engine(url)
    row, audit = make(Spec(1, HazardStatus.REPORTED, datetime.now(UTC) - timedelta(days=1)))
    with Session(engine) as session:  # as a hazard reported before 0008: no task rows
        session.execute(text(
            "INSERT INTO hazard (code, workflow_id, status, title, region_code, region_path, enterprise_uscc, "
            "enterprise_name, industry, source, overdue, reported_at, updated_at, last_seq, state_json, "
            "deadline_provisional, paused) VALUES (:code, :wf, :status, :title, :rc, :rp, :uscc, :name, :ind, :src, "
            "0, :at, :at, 1, :state, 0, 0)"
        ), {"code": row.code, "wf": row.workflow_id, "status": row.status, "title": row.title, "rc": row.region_code,
            "rp": row.region_path, "uscc": row.enterprise_uscc, "name": row.enterprise_name, "ind": row.industry,
            "src": row.source, "at": row.reported_at, "state": row.state_json})
        session.commit()
    command.upgrade(config, "head")
    with engine.connect() as connection:
        owed = connection.execute(text("SELECT action, role, jurisdiction_code FROM task WHERE record_id = :c"), {"c": row.code}).all()
    engine.dispose()
    assert {tuple(o) for o in owed} == {("assess", r, j) for r in ("inspector", "supervisor") for j in ("370000", "371700", "371702")}
