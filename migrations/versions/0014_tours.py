"""inspection tours: `tour` and `tour_event`, the users' work unit (`app_user.unit`, for 回避) and
the tour a hazard came from (`hazard.tour_id`) and the tour a
tip was sent to (`whistleblower_report.tour_id`)

Revision ID: 0014
Revises: 0011
Create Date: 2026-12-02 09:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0014"
down_revision: str | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

S = sqlmodel.sql.sqltypes.AutoString


def upgrade() -> None:
    op.create_table(
        "tour",
        sa.Column("id", S(length=40), nullable=False),
        sa.Column("workflow_id", S(length=60), nullable=False),
        sa.Column("title", S(length=200), nullable=False),
        sa.Column("kind", S(length=20), nullable=False),
        sa.Column("status", S(length=20), nullable=False),
        sa.Column("organizer_code", S(length=12), nullable=False),
        sa.Column("organizer_path", S(length=200), nullable=False),
        sa.Column("target_codes", S(length=2000), nullable=False),
        sa.Column("starts_on", S(length=10), nullable=False),
        sa.Column("ends_on", S(length=10), nullable=False),
        sa.Column("report_due", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_seq", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("state_json", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("tour", schema=None) as batch_op:
        batch_op.create_index("ix_tour_status", ["status"], unique=False)
        batch_op.create_index("ix_tour_organizer_code", ["organizer_code"], unique=False)
        batch_op.create_index("ix_tour_organizer_path", ["organizer_path"], unique=False)
        batch_op.create_index("ix_tour_ends_on", ["ends_on"], unique=False)
    op.create_table(
        "tour_event",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("tour_id", S(length=40), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("actor_id", S(length=36), nullable=False),
        sa.Column("actor_name", S(length=100), nullable=False),
        sa.Column("actor_role", S(length=30), nullable=False),
        sa.Column("action", S(length=40), nullable=False),
        sa.Column("from_status", S(length=20), nullable=True),
        sa.Column("to_status", S(length=20), nullable=False),
        sa.Column("comment", sa.Text(), nullable=True),
        sa.Column("reason", S(length=100), nullable=True),
        sa.Column("document_hashes", S(length=2000), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("tour_id", "seq", name="uq_tour_event_seq"),
    )
    with op.batch_alter_table("tour_event", schema=None) as batch_op:
        batch_op.create_index("ix_tour_event_tour_id", ["tour_id"], unique=False)
    with op.batch_alter_table("app_user", schema=None) as batch_op:
        batch_op.add_column(sa.Column("unit", S(length=200), nullable=True))
    with op.batch_alter_table("hazard", schema=None) as batch_op:
        batch_op.add_column(sa.Column("tour_id", S(length=40), nullable=True))
        batch_op.create_index("ix_hazard_tour_id", ["tour_id"], unique=False)
    with op.batch_alter_table("whistleblower_report", schema=None) as batch_op:
        batch_op.add_column(sa.Column("tour_id", S(length=40), nullable=True))
        batch_op.create_index("ix_whistleblower_report_tour_id", ["tour_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("whistleblower_report", schema=None) as batch_op:
        batch_op.drop_index("ix_whistleblower_report_tour_id")
        batch_op.drop_column("tour_id")
    with op.batch_alter_table("hazard", schema=None) as batch_op:
        batch_op.drop_index("ix_hazard_tour_id")
        batch_op.drop_column("tour_id")
    with op.batch_alter_table("app_user", schema=None) as batch_op:
        batch_op.drop_column("unit")
    op.drop_table("tour_event")
    op.drop_table("tour")
