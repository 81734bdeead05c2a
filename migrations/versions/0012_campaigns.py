"""campaigns (专项整治): `campaign` and `campaign_event`, and the hazard's `campaign_id` tag

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-02 09:30:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

S = sqlmodel.sql.sqltypes.AutoString


def upgrade() -> None:
    op.create_table(
        "campaign",
        sa.Column("id", S(length=40), nullable=False),
        sa.Column("workflow_id", S(length=60), nullable=False),
        sa.Column("title", S(length=200), nullable=False),
        sa.Column("status", S(length=20), nullable=False),
        sa.Column("current_phase", S(length=20), nullable=True),
        sa.Column("region_code", S(length=12), nullable=False),
        sa.Column("region_path", S(length=200), nullable=False),
        sa.Column("authority_code", S(length=12), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("launched_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_seq", sa.Integer(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("state_json", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("campaign", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_campaign_status"), ["status"], unique=False)
        batch_op.create_index(batch_op.f("ix_campaign_region_code"), ["region_code"], unique=False)
        batch_op.create_index(batch_op.f("ix_campaign_region_path"), ["region_path"], unique=False)
        batch_op.create_index(batch_op.f("ix_campaign_year"), ["year"], unique=False)
    op.create_table(
        "campaign_event",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("campaign_id", S(length=40), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("actor_id", S(length=36), nullable=False),
        sa.Column("actor_name", S(length=100), nullable=False),
        sa.Column("actor_role", S(length=30), nullable=False),
        sa.Column("action", S(length=40), nullable=False),
        sa.Column("from_status", S(length=20), nullable=True),
        sa.Column("to_status", S(length=20), nullable=False),
        sa.Column("comment", sa.Text(), nullable=True),
        sa.Column("document_hash", S(length=64), nullable=True),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("campaign_id", "seq", name="uq_campaign_event_seq"),
    )
    with op.batch_alter_table("campaign_event", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_campaign_event_campaign_id"), ["campaign_id"], unique=False)
    with op.batch_alter_table("hazard", schema=None) as batch_op:
        batch_op.add_column(sa.Column("campaign_id", S(length=40), nullable=True))
        batch_op.create_index(batch_op.f("ix_hazard_campaign_id"), ["campaign_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("hazard", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_hazard_campaign_id"))
        batch_op.drop_column("campaign_id")
    op.drop_table("campaign_event")
    op.drop_table("campaign")
