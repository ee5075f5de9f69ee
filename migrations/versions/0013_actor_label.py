"""The actor of an event or audit entry holds a staff member's e-mail address: 254 characters, not 40

Revision ID: 0013_actor_label
Revises: 0012_api_tokens
Create Date: 2026-12-08 00:30:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0013_actor_label'
down_revision = '0012_api_tokens'
branch_labels = None
depends_on = None

TABLES = ('case_event', 'audit_event')


def upgrade():
    for table in TABLES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.alter_column('actor_label', existing_type=sa.String(length=40),
                                  type_=sa.String(length=254), existing_nullable=False)


def downgrade():
    for table in TABLES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.alter_column('actor_label', existing_type=sa.String(length=254),
                                  type_=sa.String(length=40), existing_nullable=False)
