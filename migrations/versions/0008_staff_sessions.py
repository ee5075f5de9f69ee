"""staff sessions: a session token per user; the per-account lockout columns go

Replacing the token on logout, password change or deactivation ends every session of the account.
Wrong passwords are counted per client address in the rate-limit storage (cases/guess_limits.py),
so failed_logins and locked_until are no longer used.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-03 10:00:00

"""
import secrets

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('staff_user', schema=None) as batch_op:
        batch_op.add_column(sa.Column('session_token', sa.String(length=64), nullable=True))
    # One random token per existing account (cookies from before carry none and stop working).
    connection = op.get_bind()
    staff_user = sa.table('staff_user', sa.column('id', sa.Integer()), sa.column('session_token', sa.String()))
    for (user_id,) in connection.execute(sa.select(staff_user.c.id)).all():
        connection.execute(staff_user.update().where(staff_user.c.id == user_id)
                           .values(session_token=secrets.token_urlsafe(32)))
    with op.batch_alter_table('staff_user', schema=None) as batch_op:
        batch_op.alter_column('session_token', existing_type=sa.String(length=64), nullable=False)
        batch_op.drop_column('failed_logins')
        batch_op.drop_column('locked_until')


def downgrade():
    with op.batch_alter_table('staff_user', schema=None) as batch_op:
        batch_op.add_column(sa.Column('locked_until', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('failed_logins', sa.Integer(), nullable=False, server_default='0'))
        batch_op.drop_column('session_token')
