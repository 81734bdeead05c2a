"""audit hash chain: reason, prev_hash and row_hash on audit rows; signed checkpoints

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-22 18:30:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("audit_entry", schema=None) as batch_op:
        batch_op.add_column(sa.Column("reason", sqlmodel.sql.sqltypes.AutoString(length=100), nullable=True))
        batch_op.add_column(sa.Column("prev_hash", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False, server_default=""))
        batch_op.add_column(sa.Column("row_hash", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False, server_default=""))
    op.create_table(
        "audit_checkpoint",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("max_entry_id", sa.Integer(), nullable=False),
        sa.Column("hazards", sa.Integer(), nullable=False),
        sa.Column("rows", sa.Integer(), nullable=False),
        sa.Column("heads_hash", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("signature", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("public_key", sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
        sa.Column("signed_by", sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    _chain_existing_rows()


def _chain_existing_rows() -> None:
    """Rows written before the chain existed get their hashes now, in each hazard's order."""
    from domain.audit_chain import GENESIS, row_hash
    from store.audit import chain_fields

    connection = op.get_bind()
    audit = sa.table(
        "audit_entry", *(sa.column(name) for name in (
            "id", "hazard_code", "seq", "at", "actor_id", "actor_name", "actor_role", "action", "from_status",
            "to_status", "comment", "reason", "document_hash", "policy", "transition_json", "prev_hash", "row_hash",
        ))
    )
    previous: dict[str, str] = {}
    for row in connection.execute(sa.select(audit).order_by(audit.c.hazard_code, audit.c.seq)).mappings():
        fields = chain_fields(dict(row), previous.get(row["hazard_code"], GENESIS))
        digest = row_hash(fields)
        connection.execute(
            audit.update().where(audit.c.id == row["id"]).values(prev_hash=fields["prev_hash"], row_hash=digest)
        )
        previous[row["hazard_code"]] = digest


def downgrade() -> None:
    op.drop_table("audit_checkpoint")
    with op.batch_alter_table("audit_entry", schema=None) as batch_op:
        batch_op.drop_column("row_hash")
        batch_op.drop_column("prev_hash")
        batch_op.drop_column("reason")
