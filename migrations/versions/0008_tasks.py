"""the "my tasks" read model: who owes which step, written by the projection with the record's row; the tasks
of the records already open are derived from their projected state

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-02 07:30:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlmodel import Session

from models.hazard import HazardState
from models.interview import InterviewState
from store import tasks

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "task",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("process", sa.String(20), nullable=False),
        sa.Column("record_id", sa.String(80), nullable=False),
        sa.Column("hazard_code", sa.String(40), nullable=False),
        sa.Column("action", sa.String(40), nullable=False),
        sa.Column("role", sa.String(30), nullable=False),
        sa.Column("jurisdiction_code", sa.String(12), nullable=True),
        sa.Column("enterprise_uscc", sa.String(18), nullable=True),
        sa.Column("excluded_user_id", sa.String(64), nullable=True),
        sa.Column("due_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("due_sort", sa.DateTime(timezone=True), nullable=False),
        sa.Column("overdue", sa.Boolean(), nullable=False),
        sa.Column("title", sa.String(200), nullable=False),
        sa.Column("status", sa.String(30), nullable=False),
    )
    op.create_index("ix_task_record_id", "task", ["record_id"])
    # every column the page filters and sorts on: the page is read in index order, the count from the index alone
    keys = ["overdue", "due_sort", "record_id", "action", "excluded_user_id"]
    op.create_index("ix_task_staff", "task", ["role", "jurisdiction_code", *keys])
    op.create_index("ix_task_enterprise", "task", ["role", "enterprise_uscc", *keys])
    _derive_open_tasks()


def _derive_open_tasks() -> None:
    connection = op.get_bind()
    hazards = connection.execute(sa.text("SELECT state_json FROM hazard WHERE status NOT IN ('closed', 'voided')"))
    interviews = connection.execute(sa.text("SELECT state_json FROM interview WHERE status != 'closed'"))
    states: list[HazardState | InterviewState] = [HazardState.model_validate_json(r[0]) for r in hazards]
    states += [InterviewState.model_validate_json(r[0]) for r in interviews]
    with Session(bind=connection) as session:
        tasks.rebuild(session=session, states=states)
        session.flush()


def downgrade() -> None:
    op.drop_table("task")
