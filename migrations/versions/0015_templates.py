"""notice templates: the notices to the person, editable by staff, per language and versioned; each
outbound message names the template and version it was written from

Revision ID: 0015_templates
Revises: 0014_reminders
Create Date: 2026-12-08 00:10:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0015_templates'
down_revision = '0014_reminders'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'notice_template',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('key', sa.String(length=40), nullable=False),
        sa.Column('language', sa.String(length=10), nullable=False),
        sa.Column('subject', sa.String(length=200), nullable=False),
        sa.Column('body', sa.Text(), nullable=False),
        sa.Column('version', sa.Integer(), nullable=False),
        sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('updated_by_id', sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(['updated_by_id'], ['staff_user.id'],
                                name=op.f('fk_notice_template_updated_by_id_staff_user')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_notice_template')),
        sa.UniqueConstraint('key', 'language', name=op.f('uq_notice_template_key_language')),
    )
    with op.batch_alter_table('case_message', schema=None) as batch_op:
        batch_op.add_column(sa.Column('notice_key', sa.String(length=40), nullable=True))
        batch_op.add_column(sa.Column('notice_version', sa.Integer(), nullable=True))


def downgrade():
    with op.batch_alter_table('case_message', schema=None) as batch_op:
        batch_op.drop_column('notice_version')
        batch_op.drop_column('notice_key')
    op.drop_table('notice_template')
