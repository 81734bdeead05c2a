"""notifications that leave the building: users' `email`, `notify_email`, `daily_digest`; `jurisdiction_webhook`;
the outbox's `notification_dispatch`; `delivery` (one per notification, channel and recipient) and
`delivery_attempt`. Notifications already in the inbox are marked dispatched: nobody is mailed the past.

Revision ID: 0016
Revises: 0011
Create Date: 2026-12-02 09:20:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0016"
down_revision: str | None = "0015"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

String = sqlmodel.sql.sqltypes.AutoString


def upgrade() -> None:
    with op.batch_alter_table("app_user", schema=None) as batch_op:
        batch_op.add_column(sa.Column("email", String(length=254), nullable=True))
        batch_op.add_column(sa.Column("notify_email", sa.Boolean(), nullable=False, server_default=sa.true()))
        batch_op.add_column(sa.Column("daily_digest", sa.Boolean(), nullable=False, server_default=sa.false()))
    op.create_table(
        "jurisdiction_webhook",
        sa.Column("region_code", String(length=12), nullable=False),
        sa.Column("kind", String(length=20), nullable=False),
        sa.Column("url", String(length=1000), nullable=False),
        sa.Column("secret", String(length=200), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_by", String(length=100), nullable=False),
        sa.ForeignKeyConstraint(["region_code"], ["jurisdiction.code"]),
        sa.PrimaryKeyConstraint("region_code"),
    )
    op.create_table(
        "notification_dispatch",
        sa.Column("notification_id", sa.Integer(), nullable=False),
        sa.Column("dispatched_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("workflow_id", String(length=80), nullable=True),
        sa.PrimaryKeyConstraint("notification_id"),
    )
    op.create_table(
        "delivery",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("key", String(length=200), nullable=False),
        sa.Column("notification_id", sa.Integer(), nullable=True),
        sa.Column("hazard_code", String(length=40), nullable=True),
        sa.Column("channel", String(length=20), nullable=False),
        sa.Column("recipient", String(length=100), nullable=False),
        sa.Column("address", String(length=300), nullable=False),
        sa.Column("status", String(length=20), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("last_error", String(length=1000), nullable=True),
        sa.Column("digest_day", String(length=10), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("delivery", schema=None) as batch_op:
        batch_op.create_index("ix_delivery_key", ["key"], unique=True)
        batch_op.create_index("ix_delivery_notification_id", ["notification_id"], unique=False)
        batch_op.create_index("ix_delivery_status_created", ["status", "created_at"], unique=False)
    op.create_table(
        "delivery_attempt",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("delivery_id", sa.Integer(), nullable=False),
        sa.Column("attempt", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("ok", sa.Boolean(), nullable=False),
        sa.Column("error", String(length=1000), nullable=True),
        sa.ForeignKeyConstraint(["delivery_id"], ["delivery.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("delivery_attempt", schema=None) as batch_op:
        batch_op.create_index("ix_delivery_attempt_delivery_id", ["delivery_id"], unique=False)
    op.execute(
        "INSERT INTO notification_dispatch (notification_id, dispatched_at, workflow_id) "
        "SELECT id, CURRENT_TIMESTAMP, NULL FROM notification"
    )


def downgrade() -> None:
    op.drop_table("delivery_attempt")
    op.drop_table("delivery")
    op.drop_table("notification_dispatch")
    op.drop_table("jurisdiction_webhook")
    with op.batch_alter_table("app_user", schema=None) as batch_op:
        batch_op.drop_column("daily_digest")
        batch_op.drop_column("notify_email")
        batch_op.drop_column("email")
