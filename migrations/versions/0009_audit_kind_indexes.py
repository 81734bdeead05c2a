"""audit indexes that lead with the kind of entry: on PostgreSQL the dashboard aggregates each hazard's last
completion (`to_status` acceptance_requested) and its rungs (`action` rung) once, by an index-only scan of
these, instead of a correlated subquery per hazard

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-02 07:10:00.000000
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index("ix_audit_status_hazard_at", "audit_entry", ["to_status", "hazard_code", "at"])
    op.create_index("ix_audit_action_hazard", "audit_entry", ["action", "hazard_code"])


def downgrade() -> None:
    op.drop_index("ix_audit_action_hazard", table_name="audit_entry")
    op.drop_index("ix_audit_status_hazard_at", table_name="audit_entry")
