"""report facts: per-case report facts by department, and the cases whose facts must be refreshed

Revision ID: 0016_facts
Revises: 0015_templates
Create Date: 2026-12-08 00:45:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0016_facts'
down_revision = '0015_templates'
branch_labels = None
depends_on = None

FLAGS = ('is_case', 'duplicate', 'acknowledged', 'acknowledged_on_time', 'accepted', 'replied',
         'replied_on_time', 'closed', 'reviewed', 're_reviewed')
COUNTS = ('assignments', 'returns', 'rated_1', 'rated_2', 'rated_3', 'rated_4', 'rated_5')


def upgrade():
    op.create_table(
        'report_fact',
        sa.Column('case_id', sa.Integer(), nullable=False),
        sa.Column('department', sa.String(length=40), nullable=False),
        sa.Column('received_on', sa.Date(), nullable=False),
        sa.Column('month', sa.String(length=7), nullable=False),
        sa.Column('channel', sa.String(length=10), nullable=False),
        sa.Column('kind', sa.String(length=20), nullable=True),
        sa.Column('problems', sa.Text(), nullable=False),
        sa.Column('tasks', sa.Text(), nullable=False),
        sa.Column('restricted', sa.Boolean(), nullable=False),
        sa.Column('valid_on', sa.Date(), nullable=False),
        *(sa.Column(name, sa.Boolean(), nullable=False) for name in FLAGS),
        sa.Column('ack_days', sa.Integer(), nullable=True),
        sa.Column('reply_days', sa.Integer(), nullable=True),
        sa.Column('due_from', sa.Date(), nullable=True),
        sa.Column('case_due', sa.Date(), nullable=True),
        sa.Column('held_due', sa.Date(), nullable=True),
        *(sa.Column(name, sa.SmallInteger(), nullable=False) for name in COUNTS),
        sa.ForeignKeyConstraint(['case_id'], ['feedback_case.id'], name=op.f('fk_report_fact_case_id_feedback_case'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('case_id', 'department', name=op.f('pk_report_fact')),
    )
    with op.batch_alter_table('report_fact', schema=None) as batch_op:
        batch_op.create_index('ix_report_fact_received_on', ['received_on', 'restricted'], unique=False)
        batch_op.create_index('ix_report_fact_department_received_on', ['department', 'received_on'], unique=False)
        batch_op.create_index('ix_report_fact_channel_received_on', ['channel', 'received_on'], unique=False)
        batch_op.create_index('ix_report_fact_kind_received_on', ['kind', 'received_on'], unique=False)
        batch_op.create_index('ix_report_fact_valid_on', ['valid_on'], unique=False)
    op.create_table(
        'report_dirty',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('case_id', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['case_id'], ['feedback_case.id'], name=op.f('fk_report_dirty_case_id_feedback_case'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_report_dirty')),
    )
    with op.batch_alter_table('report_dirty', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_report_dirty_case_id'), ['case_id'], unique=False)
    op.create_table(
        'report_state',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('basis', sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_report_state')),
    )
    # Every case recorded so far has no facts yet: the reports read it from its events until the
    # sweep (or `flask report rebuild`) has written them.
    op.execute('INSERT INTO report_dirty (case_id) SELECT id FROM feedback_case')


def downgrade():
    op.drop_table('report_state')
    with op.batch_alter_table('report_dirty', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_report_dirty_case_id'))
    op.drop_table('report_dirty')
    with op.batch_alter_table('report_fact', schema=None) as batch_op:
        for name in ('ix_report_fact_valid_on', 'ix_report_fact_kind_received_on',
                     'ix_report_fact_channel_received_on', 'ix_report_fact_department_received_on',
                     'ix_report_fact_received_on'):
            batch_op.drop_index(name)
    op.drop_table('report_fact')
