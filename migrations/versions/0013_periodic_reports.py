"""the reporting cadence: `periodic_report` (weekly, monthly, quarterly, annual, daily reports of a
jurisdiction, one per kind, region and period) and `circular` (通报, one per region and period)

Revision ID: 0013
Revises: 0011
Create Date: 2026-12-02 09:30:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from migrations.columns import Column, create_indexes, moment, string, text

revision: str = "0013"
down_revision: str | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _period() -> list[Column]:
    """The jurisdiction and the period a report or circular is of."""
    return [string("region_code", 12), string("region_path", 200), sa.Column("period_start", sa.Date(), nullable=False),
            sa.Column("period_end", sa.Date(), nullable=False)]


FIGURES_INDEX = ("reported_at", "region_path", "industry", "level", "source", "status", "listing_level", "overdue",
                 "escalation_rung", "deadline", "closed_at", "code")


def upgrade() -> None:
    # the figures by level and source and the close-out times read from an index only, as 0007's did
    op.create_index("ix_hazard_figures", "hazard", list(FIGURES_INDEX))
    op.create_table(
        "periodic_report",
        string("id", 40), string("kind", 12), *_period(), moment("generated_at"), string("trigger", 10),
        string("requested_by", 100), text("content_json"), string("document_hash", 64),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("kind", "region_code", "period_start", "period_end", name="uq_periodic_report_period"),
    )
    with op.batch_alter_table("periodic_report", schema=None) as batch_op:
        create_indexes(batch_op, "periodic_report", "kind", "region_code", "region_path")
    op.create_table(
        "circular",
        string("id", 40), *_period(), moment("issued_at"), string("issued_by", 100),
        string("report_id", 40, nullable=True), text("content_json"), string("document_hash", 64),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("region_code", "period_start", "period_end", name="uq_circular_period"),
    )
    with op.batch_alter_table("circular", schema=None) as batch_op:
        create_indexes(batch_op, "circular", "region_code", "region_path")


def downgrade() -> None:
    op.drop_index("ix_hazard_figures", table_name="hazard")
    op.drop_table("circular")
    op.drop_table("periodic_report")
