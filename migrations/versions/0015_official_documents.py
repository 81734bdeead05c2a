"""official documents as PDF: `document.pdf` and `document.html` beside the text of the documents
issued before; `hazard.published_at`, when the listing was published (公示), for the public listings

Revision ID: 0015
Revises: 0011
Create Date: 2026-12-02 10:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0015"
down_revision: str | None = "0014"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("document", schema=None) as batch_op:
        batch_op.add_column(sa.Column("pdf", sa.LargeBinary(), nullable=True))
        batch_op.add_column(sa.Column("html", sa.Text(), nullable=True))
    with op.batch_alter_table("hazard", schema=None) as batch_op:
        batch_op.add_column(sa.Column("published_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.create_index("ix_hazard_published_at", ["published_at"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("hazard", schema=None) as batch_op:
        batch_op.drop_index("ix_hazard_published_at")
        batch_op.drop_column("published_at")
    with op.batch_alter_table("document", schema=None) as batch_op:
        batch_op.drop_column("html")
        batch_op.drop_column("pdf")
