"""interviews (约谈): the interview read model and its event timeline

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-23 10:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = '0003'
down_revision: str | None = '0002'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('interview',
    sa.Column('id', sqlmodel.sql.sqltypes.AutoString(length=80), nullable=False),
    sa.Column('hazard_code', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
    sa.Column('workflow_id', sqlmodel.sql.sqltypes.AutoString(length=120), nullable=False),
    sa.Column('status', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.Column('enterprise_uscc', sqlmodel.sql.sqltypes.AutoString(length=18), nullable=False),
    sa.Column('conducting_authority_code', sqlmodel.sql.sqltypes.AutoString(length=12), nullable=False),
    sa.Column('region_path', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('interviewee', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('trigger', sqlmodel.sql.sqltypes.AutoString(length=10), nullable=False),
    sa.Column('scheduled_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('reply_due', sa.DateTime(timezone=True), nullable=True),
    sa.Column('outcome', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=True),
    sa.Column('last_seq', sa.Integer(), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('state_json', sa.Text(), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('interview', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_interview_enterprise_uscc'), ['enterprise_uscc'], unique=False)
        batch_op.create_index(batch_op.f('ix_interview_hazard_code'), ['hazard_code'], unique=False)
        batch_op.create_index(batch_op.f('ix_interview_region_path'), ['region_path'], unique=False)
        batch_op.create_index(batch_op.f('ix_interview_status'), ['status'], unique=False)

    op.create_table('interview_event',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('interview_id', sqlmodel.sql.sqltypes.AutoString(length=80), nullable=False),
    sa.Column('seq', sa.Integer(), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('actor_id', sqlmodel.sql.sqltypes.AutoString(length=36), nullable=False),
    sa.Column('actor_name', sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
    sa.Column('actor_role', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.Column('action', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
    sa.Column('from_status', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=True),
    sa.Column('to_status', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.Column('comment', sa.Text(), nullable=True),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('interview_id', 'seq', name='uq_interview_event_seq')
    )
    with op.batch_alter_table('interview_event', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_interview_event_interview_id'), ['interview_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('interview_event', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_interview_event_interview_id'))

    op.drop_table('interview_event')
    with op.batch_alter_table('interview', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_interview_status'))
        batch_op.drop_index(batch_op.f('ix_interview_region_path'))
        batch_op.drop_index(batch_op.f('ix_interview_hazard_code'))
        batch_op.drop_index(batch_op.f('ix_interview_enterprise_uscc'))

    op.drop_table('interview')
