"""hardening: staged opinions set aside when they fail, sealed secrets of outbound mail, name search

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-07 20:30:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('staged_case', schema=None) as batch_op:
        batch_op.add_column(sa.Column('failed_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('error', sa.Text(), nullable=True))
        batch_op.create_index(batch_op.f('ix_staged_case_failed_at'), ['failed_at'], unique=False)
    with op.batch_alter_table('case_message', schema=None) as batch_op:
        batch_op.add_column(sa.Column('sealed_secret', sa.Text(), nullable=True))
    with op.batch_alter_table('feedback_case', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_feedback_case_submitter_name'), ['submitter_name'], unique=False)


def downgrade():
    with op.batch_alter_table('feedback_case', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_feedback_case_submitter_name'))
    with op.batch_alter_table('case_message', schema=None) as batch_op:
        batch_op.drop_column('sealed_secret')
    with op.batch_alter_table('staged_case', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_staged_case_failed_at'))
        batch_op.drop_column('error')
        batch_op.drop_column('failed_at')
