"""a circular's sign-off: `status` (draft until a leader of the issuing authority signs it, issued
after), who signed and when, the `signoff_json` its SignOffWorkflow starts from (the draft and its official
source), and the `signoff_workflow_id` once started. Circulars already stored were issued unsigned: `issued`.

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-02 13:40:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0017"
down_revision: str | None = "0016"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

String = sqlmodel.sql.sqltypes.AutoString


def upgrade() -> None:
    with op.batch_alter_table("circular", schema=None) as batch_op:
        batch_op.add_column(sa.Column("status", String(length=10), nullable=False, server_default="issued"))
        batch_op.add_column(sa.Column("signed_by", String(length=100), nullable=True))
        batch_op.add_column(sa.Column("signed_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("signoff_json", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("signoff_workflow_id", String(length=100), nullable=True))
        batch_op.create_index("ix_circular_status", ["status"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("circular", schema=None) as batch_op:
        batch_op.drop_index("ix_circular_status")
        for column in ("signoff_workflow_id", "signoff_json", "signed_at", "signed_by", "status"):
            batch_op.drop_column(column)
