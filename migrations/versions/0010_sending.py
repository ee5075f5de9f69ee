"""sending the reply: why an e-mail was not delivered and how often it was tried; for a reply
answered by post, phone or meeting, the day it reached the person and a note of what was said

Revision ID: 0010_sending
Revises: 0009
Create Date: 2026-12-08 10:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0010_sending'
down_revision = '0009'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('case_message', schema=None) as batch_op:
        batch_op.add_column(sa.Column('delivery_error', sa.String(length=40), nullable=True))
        batch_op.add_column(sa.Column('delivery_attempts', sa.Integer(), nullable=False, server_default='0'))
        batch_op.add_column(sa.Column('delivered_on', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('delivery_note', sa.Text(), nullable=False, server_default=''))
        # The staff home counts the replies not delivered: few rows among every message.
        batch_op.create_index(batch_op.f('ix_case_message_delivery_status'), ['delivery_status'], unique=False)
    with op.batch_alter_table('case_message', schema=None) as batch_op:
        batch_op.alter_column('delivery_attempts', server_default=None)
        batch_op.alter_column('delivery_note', server_default=None)


def downgrade():
    with op.batch_alter_table('case_message', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_case_message_delivery_status'))
        batch_op.drop_column('delivery_note')
        batch_op.drop_column('delivered_on')
        batch_op.drop_column('delivery_attempts')
        batch_op.drop_column('delivery_error')
