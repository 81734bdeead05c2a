"""initial read model

Revision ID: 0001
Revises: 
Create Date: 2026-11-22 17:43:49.803175
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from migrations.columns import create_indexes, drop_indexes, integer, moment, step_columns, string, text

revision: str = '0001'
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

HAZARD_INDEXES = ('enterprise_uscc', 'level', 'overdue', 'region_code', 'region_path', 'reported_at', 'status')


def upgrade() -> None:
    op.create_table('audit_entry',
    *step_columns('hazard_code', 40, status_length=30), text('transition_json'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('hazard_code', 'seq', name='uq_audit_hazard_seq')
    )
    with op.batch_alter_table('audit_entry', schema=None) as batch_op:
        create_indexes(batch_op, 'audit_entry', 'hazard_code')

    op.create_table('hazard',
    string('code', 40), string('workflow_id', 60), string('status', 30), string('level', 10, nullable=True),
    string('title', 200), string('region_code', 12), string('region_path', 200),
    string('enterprise_uscc', 18), string('enterprise_name', 200), string('industry', 100), string('source', 30),
    string('listing_level', 10, nullable=True), string('listing_authority_code', 12, nullable=True),
    moment('deadline', nullable=True), sa.Column('overdue', sa.Boolean(), nullable=False),
    moment('reported_at'), moment('updated_at'), moment('closed_at', nullable=True),
    integer('last_seq'), text('state_json'),
    sa.PrimaryKeyConstraint('code')
    )
    with op.batch_alter_table('hazard', schema=None) as batch_op:
        create_indexes(batch_op, 'hazard', *HAZARD_INDEXES)
        batch_op.create_index('ix_hazard_status_deadline', ['status', 'deadline'], unique=False)

    op.create_table('hazard_code_counter',
    string('region_code', 12), integer('year'), integer('value'),
    sa.PrimaryKeyConstraint('region_code', 'year')
    )
    op.create_table('idempotency_key',
    string('user_id', 36), string('key', 200), string('request_hash', 64), string('hazard_code', 40),
    moment('created_at'),
    sa.PrimaryKeyConstraint('user_id', 'key')
    )
    op.create_table('jurisdiction',
    string('code', 12), string('name', 100), string('level', 16),
    string('parent_code', 12, nullable=True), string('path', 200),  # the tree: its parent, the codes down to it
    sa.ForeignKeyConstraint(['parent_code'], ['jurisdiction.code'], ),
    sa.PrimaryKeyConstraint('code')
    )
    with op.batch_alter_table('jurisdiction', schema=None) as batch_op:
        create_indexes(batch_op, 'jurisdiction', 'path')

    op.create_table('enterprise',
    string('uscc', 18), string('name', 200), string('region_code', 12), string('principal', 100),
    string('industry', 100),
    sa.ForeignKeyConstraint(['region_code'], ['jurisdiction.code'], ),
    sa.PrimaryKeyConstraint('uscc')
    )
    with op.batch_alter_table('enterprise', schema=None) as batch_op:
        create_indexes(batch_op, 'enterprise', 'region_code')

    op.create_table('app_user',
    string('id', 36), string('username', 100), string('display_name', 100), string('password_hash', 200),
    string('role', 20), string('jurisdiction_code', 12, nullable=True), string('enterprise_uscc', 18, nullable=True),
    sa.Column('disabled', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['enterprise_uscc'], ['enterprise.uscc'], ),
    sa.ForeignKeyConstraint(['jurisdiction_code'], ['jurisdiction.code'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('app_user', schema=None) as batch_op:
        batch_op.create_index('ix_app_user_username', ['username'], unique=True)


def downgrade() -> None:
    with op.batch_alter_table('app_user', schema=None) as batch_op:
        batch_op.drop_index('ix_app_user_username')
    op.drop_table('app_user')
    for table, column in (('enterprise', 'region_code'), ('jurisdiction', 'path')):
        with op.batch_alter_table(table, schema=None) as batch_op:
            drop_indexes(batch_op, table, column)
        op.drop_table(table)
    op.drop_table('idempotency_key')
    op.drop_table('hazard_code_counter')
    with op.batch_alter_table('hazard', schema=None) as batch_op:
        batch_op.drop_index('ix_hazard_status_deadline')
        drop_indexes(batch_op, 'hazard', *reversed(HAZARD_INDEXES))
    op.drop_table('hazard')
    with op.batch_alter_table('audit_entry', schema=None) as batch_op:
        drop_indexes(batch_op, 'audit_entry', 'hazard_code')
    op.drop_table('audit_entry')
