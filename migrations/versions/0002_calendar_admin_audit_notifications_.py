"""calendar, admin audit, notifications, documents, escalation columns

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-22 17:58:49.049215
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from migrations.columns import create_indexes, drop_indexes, integer, moment, string, text

revision: str = '0002'
down_revision: str | None = '0001'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

HAZARD_COLUMNS = ('policy', 'escalation_rung', 'paused', 'deadline_provisional')  # as they are dropped


def upgrade() -> None:
    op.create_table('admin_audit',
    integer('id'), moment('at'), string('actor_id', 36), string('actor_name', 100), string('action', 60),
    string('subject', 100), text('details_json'),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_table('calendar_year',
    integer('year'), text('holidays_json'), text('workdays_json'), string('loaded_by', 100), moment('loaded_at'),
    sa.PrimaryKeyConstraint('year')
    )
    op.create_table('document',
    string('hash', 64), string('hazard_code', 40), string('kind', 40), string('title', 300), string('media_type', 60),
    text('content'), moment('created_at'),
    sa.PrimaryKeyConstraint('hash')
    )
    with op.batch_alter_table('document', schema=None) as batch_op:
        create_indexes(batch_op, 'document', 'hazard_code')

    op.create_table('notification',
    integer('id'), string('hazard_code', 40), integer('seq'), moment('at'), string('target_kind', 20),
    string('target_code', 18), string('kind', 40), string('title', 300), text('body'),
    string('document_hash', 64, nullable=True), moment('read_at', nullable=True),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('hazard_code', 'seq', 'target_kind', 'target_code', name='uq_notification_target')
    )
    with op.batch_alter_table('notification', schema=None) as batch_op:
        create_indexes(batch_op, 'notification', 'hazard_code')
        batch_op.create_index('ix_notification_target', ['target_kind', 'target_code'], unique=False)

    with op.batch_alter_table('audit_entry', schema=None) as batch_op:
        batch_op.add_column(string('document_hash', 64, nullable=True))
        batch_op.add_column(string('policy', 60, nullable=True))

    with op.batch_alter_table('hazard', schema=None) as batch_op:
        for flag in ('deadline_provisional', 'paused'):
            batch_op.add_column(sa.Column(flag, sa.Boolean(), nullable=False, server_default=sa.false()))
        batch_op.add_column(string('escalation_rung', 40, nullable=True))
        batch_op.add_column(string('policy', 60, nullable=True))


def downgrade() -> None:
    for table, columns in (('hazard', HAZARD_COLUMNS), ('audit_entry', ('policy', 'document_hash'))):
        with op.batch_alter_table(table, schema=None) as batch_op:
            for column in columns:
                batch_op.drop_column(column)

    with op.batch_alter_table('notification', schema=None) as batch_op:
        batch_op.drop_index('ix_notification_target')
        drop_indexes(batch_op, 'notification', 'hazard_code')

    op.drop_table('notification')
    with op.batch_alter_table('document', schema=None) as batch_op:
        drop_indexes(batch_op, 'document', 'hazard_code')

    op.drop_table('document')
    op.drop_table('calendar_year')
    op.drop_table('admin_audit')
