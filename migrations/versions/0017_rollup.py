"""report roll-up: the report facts summed per month and dimension, for the dashboard's whole months

Revision ID: 0017_rollup
Revises: 0016_facts
Create Date: 2026-12-08 03:05:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0017_rollup'
down_revision = '0016_facts'
branch_labels = None
depends_on = None

SUMS = ('is_case', 'duplicate', 'acknowledged', 'acknowledged_on_time', 'accepted', 'replied',
        'replied_on_time', 'closed', 'reviewed', 're_reviewed', 'assignments', 'returns',
        'rated_1', 'rated_2', 'rated_3', 'rated_4', 'rated_5')


def _cell():
    return [
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('month', sa.String(length=7), nullable=False),
        sa.Column('restricted', sa.Boolean(), nullable=False),
        sa.Column('dimension', sa.String(length=12), nullable=False),
        sa.Column('value', sa.Text(), nullable=False),
    ]


def upgrade():
    op.create_table(
        'report_rollup',
        *_cell(),
        sa.Column('valid_on', sa.Date(), nullable=False),
        sa.Column('covered', sa.Text(), nullable=False),
        *(sa.Column(name, sa.Integer(), nullable=False) for name in SUMS),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_report_rollup')),
    )
    with op.batch_alter_table('report_rollup', schema=None) as batch_op:
        batch_op.create_index('ix_report_rollup_dimension_month', ['dimension', 'month'], unique=False)
    op.create_table(
        'report_rollup_count',
        *_cell(),
        sa.Column('measure', sa.String(length=10), nullable=False),
        sa.Column('number', sa.Integer(), nullable=False),
        sa.Column('n', sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_report_rollup_count')),
    )
    with op.batch_alter_table('report_rollup_count', schema=None) as batch_op:
        batch_op.create_index('ix_report_rollup_count_dimension_month', ['dimension', 'month'], unique=False)
    # Empty until `flask report rebuild` fills it: until then the reports count the facts alone.
    with op.batch_alter_table('report_state', schema=None) as batch_op:
        batch_op.add_column(sa.Column('rollup', sa.Boolean(), server_default=sa.false(), nullable=False))


def downgrade():
    with op.batch_alter_table('report_state', schema=None) as batch_op:
        batch_op.drop_column('rollup')
    with op.batch_alter_table('report_rollup_count', schema=None) as batch_op:
        batch_op.drop_index('ix_report_rollup_count_dimension_month')
    op.drop_table('report_rollup_count')
    with op.batch_alter_table('report_rollup', schema=None) as batch_op:
        batch_op.drop_index('ix_report_rollup_dimension_month')
    op.drop_table('report_rollup')
