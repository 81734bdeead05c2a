"""campaigns (专项整治): `campaign` and `campaign_event`, and the hazard's `campaign_id` tag

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-02 09:30:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from migrations.columns import create_indexes, integer, moment, progress_columns, step_columns, string

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "campaign",
        string("id", 40), string("workflow_id", 60), string("title", 200), string("status", 20),
        string("current_phase", 20, nullable=True), string("region_code", 12), string("region_path", 200),
        string("authority_code", 12), integer("year"), moment("launched_at"), *progress_columns(),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("campaign", schema=None) as batch_op:
        create_indexes(batch_op, "campaign", "status", "region_code", "region_path", "year")
    op.create_table(
        "campaign_event",
        *step_columns("campaign_id", 40, role_length=30), string("document_hash", 64, nullable=True),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("campaign_id", "seq", name="uq_campaign_event_seq"),
    )
    with op.batch_alter_table("campaign_event", schema=None) as batch_op:
        batch_op.create_index("ix_campaign_event_campaign_id", ["campaign_id"], unique=False)
    with op.batch_alter_table("hazard", schema=None) as batch_op:
        batch_op.add_column(string("campaign_id", 40, nullable=True))
        batch_op.create_index("ix_hazard_campaign_id", ["campaign_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("hazard", schema=None) as batch_op:
        batch_op.drop_index("ix_hazard_campaign_id")
        batch_op.drop_column("campaign_id")
    op.drop_table("campaign_event")
    op.drop_table("campaign")
