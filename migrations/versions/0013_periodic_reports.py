"""the reporting cadence: `periodic_report` (weekly, monthly, quarterly, annual, daily reports of a
jurisdiction, one per kind, region and period) and `circular` (通报, one per region and period)

Revision ID: 0013
Revises: 0011
Create Date: 2026-12-02 09:30:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0013"
down_revision: str | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _text(length: int) -> sqlmodel.sql.sqltypes.AutoString:
    return sqlmodel.sql.sqltypes.AutoString(length=length)


FIGURES_INDEX = ("reported_at", "region_path", "industry", "level", "source", "status", "listing_level", "overdue",
                 "escalation_rung", "deadline", "closed_at", "code")


def upgrade() -> None:
    # the figures by level and source and the close-out times read from an index only, as 0007's did
    op.create_index("ix_hazard_figures", "hazard", list(FIGURES_INDEX))
    op.create_table(
        "periodic_report",
        sa.Column("id", _text(40), nullable=False),
        sa.Column("kind", _text(12), nullable=False),
        sa.Column("region_code", _text(12), nullable=False),
        sa.Column("region_path", _text(200), nullable=False),
        sa.Column("period_start", sa.Date(), nullable=False),
        sa.Column("period_end", sa.Date(), nullable=False),
        sa.Column("generated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("trigger", _text(10), nullable=False),
        sa.Column("requested_by", _text(100), nullable=False),
        sa.Column("content_json", sa.Text(), nullable=False),
        sa.Column("document_hash", _text(64), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("kind", "region_code", "period_start", "period_end", name="uq_periodic_report_period"),
    )
    with op.batch_alter_table("periodic_report", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_periodic_report_kind"), ["kind"], unique=False)
        batch_op.create_index(batch_op.f("ix_periodic_report_region_code"), ["region_code"], unique=False)
        batch_op.create_index(batch_op.f("ix_periodic_report_region_path"), ["region_path"], unique=False)
    op.create_table(
        "circular",
        sa.Column("id", _text(40), nullable=False),
        sa.Column("region_code", _text(12), nullable=False),
        sa.Column("region_path", _text(200), nullable=False),
        sa.Column("period_start", sa.Date(), nullable=False),
        sa.Column("period_end", sa.Date(), nullable=False),
        sa.Column("issued_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("issued_by", _text(100), nullable=False),
        sa.Column("report_id", _text(40), nullable=True),
        sa.Column("content_json", sa.Text(), nullable=False),
        sa.Column("document_hash", _text(64), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("region_code", "period_start", "period_end", name="uq_circular_period"),
    )
    with op.batch_alter_table("circular", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_circular_region_code"), ["region_code"], unique=False)
        batch_op.create_index(batch_op.f("ix_circular_region_path"), ["region_path"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_hazard_figures", table_name="hazard")
    op.drop_table("circular")
    op.drop_table("periodic_report")
