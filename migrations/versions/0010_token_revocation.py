"""token revocation and scoped checkpoints: `app_user.tokens_valid_after` (tokens issued at or before it are
refused: sign-out, password reset) and `audit_checkpoint.scope_path` (the jurisdiction subtree a checkpoint
covers; null for the whole trail)

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-05 09:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("app_user", schema=None) as batch_op:
        batch_op.add_column(sa.Column("tokens_valid_after", sa.DateTime(timezone=True), nullable=True))
    with op.batch_alter_table("audit_checkpoint", schema=None) as batch_op:
        batch_op.add_column(sa.Column("scope_path", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("audit_checkpoint", schema=None) as batch_op:
        batch_op.drop_column("scope_path")
    with op.batch_alter_table("app_user", schema=None) as batch_op:
        batch_op.drop_column("tokens_valid_after")
