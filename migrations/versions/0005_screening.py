"""screening: cases recorded before the classifier has looked at them (held until screened)

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-01 21:20:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('feedback_case', schema=None) as batch_op:
        batch_op.add_column(sa.Column('screened_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.create_index(batch_op.f('ix_feedback_case_screened_at'), ['screened_at'], unique=False)
    # Every case recorded so far was screened at intake.
    op.execute("UPDATE feedback_case SET screened_at = created_at WHERE screened_at IS NULL")


def downgrade():
    with op.batch_alter_table('feedback_case', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_feedback_case_screened_at'))
        batch_op.drop_column('screened_at')
