"""Column and index definitions the revisions share. A revision that uses them must keep creating exactly what it
created when it was written: change nothing here that an applied revision calls, add a new function instead."""

from typing import Any

import sqlalchemy as sa
from alembic.operations import BatchOperations
from sqlmodel.sql.sqltypes import AutoString as S

Column = sa.Column[Any]


def string(name: str, length: int, *, nullable: bool = False) -> Column:
    return sa.Column(name, S(length=length), nullable=nullable)


def moment(name: str, *, nullable: bool = False) -> Column:
    """A time with its zone."""
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


def integer(name: str, *, nullable: bool = False) -> Column:
    return sa.Column(name, sa.Integer(), nullable=nullable)


def text(name: str, *, nullable: bool = False) -> Column:
    return sa.Column(name, sa.Text(), nullable=nullable)


def step_columns(record_key: str, key_length: int, *, role_length: int = 20, status_length: int = 20) -> list[Column]:
    """A step table's columns up to the step's comment: its own id, the record it is a step of (`record_key`), the
    step's number and time, who took it (id, name, role), the action, and from which status to which."""
    return [
        integer("id"), string(record_key, key_length), integer("seq"), moment("at"),
        string("actor_id", 36), string("actor_name", 100), string("actor_role", role_length), string("action", 40),
        string("from_status", status_length, nullable=True), string("to_status", status_length), text("comment", nullable=True),
    ]


def progress_columns(*, created: bool = False) -> list[Column]:
    """A process row's last columns: the step it shows (`last_seq`), (when it was created,) when it last changed and
    the workflow state after that step."""
    return [integer("last_seq"), *([moment("created_at")] if created else []), moment("updated_at"), text("state_json")]


def create_indexes(batch_op: BatchOperations, table: str, *columns: str) -> None:
    """One plain index per column, `ix_<table>_<column>`."""
    for column in columns:
        batch_op.create_index(f"ix_{table}_{column}", [column], unique=False)


def drop_indexes(batch_op: BatchOperations, table: str, *columns: str) -> None:
    for column in columns:
        batch_op.drop_index(f"ix_{table}_{column}")
