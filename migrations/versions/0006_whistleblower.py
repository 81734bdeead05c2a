"""whistleblower reports (举报): sealed contact, hashed receipt; role columns wide enough for
`whistleblower_officer`

Revision ID: 0006
Revises: 0004
Create Date: 2026-11-22 18:40:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0006"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


ROLE_COLUMNS = (("app_user", "role"), ("audit_entry", "actor_role"), ("interview_event", "actor_role"))


def upgrade() -> None:
    for table, column in ROLE_COLUMNS:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.alter_column(column, type_=sqlmodel.sql.sqltypes.AutoString(length=30), existing_nullable=False)
    op.create_table(
        "whistleblower_report",
        sa.Column("id", sqlmodel.sql.sqltypes.AutoString(length=36), nullable=False),
        sa.Column("receipt_hash", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("location", sqlmodel.sql.sqltypes.AutoString(length=500), nullable=False),
        sa.Column("region_code", sqlmodel.sql.sqltypes.AutoString(length=12), nullable=True),
        sa.Column("region_path", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=True),
        sa.Column("photos_json", sa.Text(), nullable=False),
        sa.Column("contact_sealed", sa.Text(), nullable=True),
        sa.Column("status", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
        sa.Column("public_outcome", sqlmodel.sql.sqltypes.AutoString(length=2000), nullable=False),
        sa.Column("hazard_code", sqlmodel.sql.sqltypes.AutoString(length=40), nullable=True),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("screened_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("screened_by", sqlmodel.sql.sqltypes.AutoString(length=100), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("whistleblower_report", schema=None) as batch_op:
        batch_op.create_index("ix_whistleblower_report_receipt_hash", ["receipt_hash"], unique=True)
        batch_op.create_index("ix_whistleblower_report_region_code", ["region_code"], unique=False)
        batch_op.create_index("ix_whistleblower_report_status", ["status"], unique=False)


def downgrade() -> None:
    op.drop_table("whistleblower_report")
    for table, column in ROLE_COLUMNS:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.alter_column(column, type_=sqlmodel.sql.sqltypes.AutoString(length=20), existing_nullable=False)
