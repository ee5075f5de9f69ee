"""staged intake: web opinions written as one row, recorded as cases by a job

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-02 08:30:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'staged_case',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('reference', sa.String(length=20), nullable=False),
        sa.Column('tracking_code_hash', sa.String(length=64), nullable=False),
        sa.Column('received_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('acceptance_due', sa.Date(), nullable=True),
        sa.Column('due_estimated', sa.Boolean(), nullable=False),
        sa.Column('payload', sa.JSON(), nullable=False),
        sa.Column('has_files', sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_staged_case')),
        sa.UniqueConstraint('reference', name=op.f('uq_staged_case_reference')),
    )
    with op.batch_alter_table('staged_case', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_staged_case_received_at'), ['received_at'], unique=False)
    op.create_table(
        'staged_file',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('staged_id', sa.Integer(), nullable=False),
        sa.Column('position', sa.Integer(), nullable=False),
        sa.Column('filename', sa.Text(), nullable=False),
        sa.Column('content_type', sa.String(length=255), nullable=False),
        sa.Column('data', sa.LargeBinary(), nullable=False),
        sa.ForeignKeyConstraint(['staged_id'], ['staged_case.id'], name=op.f('fk_staged_file_staged_id_staged_case'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_staged_file')),
    )
    with op.batch_alter_table('staged_file', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_staged_file_staged_id'), ['staged_id'], unique=False)


def downgrade():
    with op.batch_alter_table('staged_file', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_staged_file_staged_id'))
    op.drop_table('staged_file')
    with op.batch_alter_table('staged_case', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_staged_case_received_at'))
    op.drop_table('staged_case')
