"""interviews (约谈): the interview read model and its event timeline

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-23 10:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from migrations.columns import create_indexes, drop_indexes, moment, progress_columns, step_columns, string

revision: str = '0003'
down_revision: str | None = '0002'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


INDEXES = ('enterprise_uscc', 'hazard_code', 'region_path', 'status')


def upgrade() -> None:
    op.create_table('interview',
    string('id', 80), string('hazard_code', 40), string('workflow_id', 120), string('status', 20),
    string('enterprise_uscc', 18), string('conducting_authority_code', 12), string('region_path', 200),
    string('interviewee', 200), string('trigger', 10), moment('scheduled_at', nullable=True),
    moment('reply_due', nullable=True), string('outcome', 20, nullable=True), *progress_columns(),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('interview', schema=None) as batch_op:
        create_indexes(batch_op, 'interview', *INDEXES)

    op.create_table('interview_event',
    *step_columns('interview_id', 80),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('interview_id', 'seq', name='uq_interview_event_seq')
    )
    with op.batch_alter_table('interview_event', schema=None) as batch_op:
        create_indexes(batch_op, 'interview_event', 'interview_id')


def downgrade() -> None:
    with op.batch_alter_table('interview_event', schema=None) as batch_op:
        drop_indexes(batch_op, 'interview_event', 'interview_id')

    op.drop_table('interview_event')
    with op.batch_alter_table('interview', schema=None) as batch_op:
        drop_indexes(batch_op, 'interview', *reversed(INDEXES))

    op.drop_table('interview')
