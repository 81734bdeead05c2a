"""inspection tours: `tour` and `tour_event`, the users' work unit (`app_user.unit`, for 回避) and
the tour a hazard came from (`hazard.tour_id`) and the tour a
tip was sent to (`whistleblower_report.tour_id`)

Revision ID: 0014
Revises: 0011
Create Date: 2026-12-02 09:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from migrations.columns import create_indexes, moment, progress_columns, step_columns, string

revision: str = "0014"
down_revision: str | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "tour",
        string("id", 40), string("workflow_id", 60), string("title", 200), string("kind", 20), string("status", 20),
        string("organizer_code", 12), string("organizer_path", 200), string("target_codes", 2000),
        string("starts_on", 10), string("ends_on", 10), moment("report_due", nullable=True),
        *progress_columns(created=True),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("tour", schema=None) as batch_op:
        create_indexes(batch_op, "tour", "status", "organizer_code", "organizer_path", "ends_on")
    op.create_table(
        "tour_event",
        *step_columns("tour_id", 40, role_length=30),
        string("reason", 100, nullable=True), string("document_hashes", 2000),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("tour_id", "seq", name="uq_tour_event_seq"),
    )
    with op.batch_alter_table("tour_event", schema=None) as batch_op:
        batch_op.create_index("ix_tour_event_tour_id", ["tour_id"], unique=False)
    with op.batch_alter_table("app_user", schema=None) as batch_op:
        batch_op.add_column(string("unit", 200, nullable=True))
    for table in ("hazard", "whistleblower_report"):  # the tour a hazard came from, the tour a tip was sent to
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(string("tour_id", 40, nullable=True))
            batch_op.create_index(f"ix_{table}_tour_id", ["tour_id"], unique=False)


def downgrade() -> None:
    for table in ("whistleblower_report", "hazard"):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_index(f"ix_{table}_tour_id")
            batch_op.drop_column("tour_id")
    with op.batch_alter_table("app_user", schema=None) as batch_op:
        batch_op.drop_column("unit")
    op.drop_table("tour_event")
    op.drop_table("tour")
