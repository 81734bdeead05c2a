"""covering indexes for the board and the dashboard: with 100,000 hazards their counts read every hazard row,
whose later columns sit past the row's large state document

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-23 03:00:00.000000
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

HAZARD_DASHBOARD = ("reported_at", "region_path", "industry", "status", "listing_level", "overdue", "escalation_rung", "deadline", "code")


def upgrade() -> None:
    op.create_index("ix_hazard_status_region", "hazard", ["status", "region_path"])
    op.create_index("ix_hazard_dashboard", "hazard", list(HAZARD_DASHBOARD))
    op.create_index("ix_audit_hazard_status_at", "audit_entry", ["hazard_code", "to_status", "at"])
    op.create_index("ix_audit_hazard_action", "audit_entry", ["hazard_code", "action"])


def downgrade() -> None:
    op.drop_index("ix_audit_hazard_action", table_name="audit_entry")
    op.drop_index("ix_audit_hazard_status_at", table_name="audit_entry")
    op.drop_index("ix_hazard_dashboard", table_name="hazard")
    op.drop_index("ix_hazard_status_region", table_name="hazard")
