"""handling and replies: drafts and their files, the purpose of outbound messages, review rounds,
the party office's approval per department, the discipline track's list and its report back

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-07 23:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None

# The discipline group's ways of handling an accusation (editable in the database afterwards).
MEASURES = [
    ("preliminary_check", "初步核实", "Preliminary verification", 1, False),
    ("talk_or_letter", "谈话函询", "Talk or written enquiry", 2, False),
    ("case_review", "立案审查", "Formal investigation", 3, False),
    ("concluded", "了结", "Concluded", 4, True),
]


def upgrade():
    op.create_table(
        'reply_draft',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('case_id', sa.Integer(), nullable=False),
        sa.Column('version', sa.Integer(), nullable=False),
        sa.Column('review_round', sa.Integer(), nullable=False),
        sa.Column('author_id', sa.Integer(), nullable=True),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('text_format', sa.String(length=10), nullable=False),
        sa.Column('opening', sa.Text(), nullable=False),
        sa.Column('points', sa.JSON(), nullable=False),
        sa.Column('closing', sa.Text(), nullable=False),
        sa.Column('body_text', sa.Text(), nullable=False),
        sa.Column('body_html', sa.Text(), nullable=True),
        sa.Column('file_ids', sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(['author_id'], ['staff_user.id'], name=op.f('fk_reply_draft_author_id_staff_user')),
        sa.ForeignKeyConstraint(['case_id'], ['feedback_case.id'], name=op.f('fk_reply_draft_case_id_feedback_case'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_reply_draft')),
        sa.UniqueConstraint('case_id', 'version', name=op.f('uq_reply_draft_case_id_version')),
    )
    with op.batch_alter_table('reply_draft', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_reply_draft_case_id'), ['case_id'], unique=False)
    op.create_table(
        'draft_file',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('case_id', sa.Integer(), nullable=False),
        sa.Column('filename', sa.Text(), nullable=False),
        sa.Column('content_type', sa.String(length=255), nullable=False),
        sa.Column('size', sa.Integer(), nullable=False),
        sa.Column('sha256', sa.String(length=64), nullable=False),
        sa.Column('data', sa.LargeBinary(), nullable=False),
        sa.Column('uploaded_by_id', sa.Integer(), nullable=True),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['case_id'], ['feedback_case.id'], name=op.f('fk_draft_file_case_id_feedback_case'), ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['uploaded_by_id'], ['staff_user.id'], name=op.f('fk_draft_file_uploaded_by_id_staff_user')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_draft_file')),
    )
    with op.batch_alter_table('draft_file', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_draft_file_case_id'), ['case_id'], unique=False)
    measures = op.create_table(
        'discipline_measure',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('code', sa.String(length=40), nullable=False),
        sa.Column('name_zh', sa.Text(), nullable=False),
        sa.Column('name_en', sa.Text(), nullable=False),
        sa.Column('position', sa.Integer(), nullable=False),
        sa.Column('concludes', sa.Boolean(), nullable=False),
        sa.Column('active', sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_discipline_measure')),
        sa.UniqueConstraint('code', name=op.f('uq_discipline_measure_code')),
    )
    op.bulk_insert(measures, [
        {"code": code, "name_zh": zh, "name_en": en, "position": position, "concludes": concludes,
         "active": True}
        for code, zh, en, position, concludes in MEASURES
    ])
    with op.batch_alter_table('feedback_case', schema=None) as batch_op:
        batch_op.add_column(sa.Column('handler_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('review_round', sa.Integer(), nullable=False, server_default='0'))
        batch_op.add_column(sa.Column('rating_due', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('report_back_due', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('reported_back_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.create_index(batch_op.f('ix_feedback_case_handler_id'), ['handler_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_feedback_case_rating_due'), ['rating_due'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_feedback_case_handler_id_staff_user'), 'staff_user',
                                    ['handler_id'], ['id'])
    with op.batch_alter_table('feedback_case', schema=None) as batch_op:
        batch_op.alter_column('review_round', server_default=None)
    with op.batch_alter_table('case_message', schema=None) as batch_op:
        batch_op.add_column(sa.Column('purpose', sa.String(length=20), nullable=True))
        batch_op.add_column(sa.Column('delivery_method', sa.String(length=20), nullable=True))
        batch_op.add_column(sa.Column('draft_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_case_message_draft_id_reply_draft'), 'reply_draft',
                                    ['draft_id'], ['id'])
    # No reply could be written before this release: every outbound message so far was an
    # automatic receipt (marked 【回执】) or a notice.
    op.execute("UPDATE case_message SET purpose = 'acknowledgement' "
               "WHERE direction = 'outbound' AND subject LIKE '【回执】%'")
    op.execute("UPDATE case_message SET purpose = 'notice' WHERE direction = 'outbound' AND purpose IS NULL")
    with op.batch_alter_table('department', schema=None) as batch_op:
        batch_op.add_column(sa.Column('office_approval', sa.Boolean(), nullable=False,
                                      server_default=sa.true()))
    with op.batch_alter_table('department', schema=None) as batch_op:
        batch_op.alter_column('office_approval', server_default=None)


def downgrade():
    with op.batch_alter_table('department', schema=None) as batch_op:
        batch_op.drop_column('office_approval')
    with op.batch_alter_table('case_message', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_case_message_draft_id_reply_draft'), type_='foreignkey')
        batch_op.drop_column('draft_id')
        batch_op.drop_column('delivery_method')
        batch_op.drop_column('purpose')
    with op.batch_alter_table('feedback_case', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_feedback_case_handler_id_staff_user'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_feedback_case_rating_due'))
        batch_op.drop_index(batch_op.f('ix_feedback_case_handler_id'))
        batch_op.drop_column('reported_back_at')
        batch_op.drop_column('report_back_due')
        batch_op.drop_column('rating_due')
        batch_op.drop_column('review_round')
        batch_op.drop_column('handler_id')
    op.drop_table('discipline_measure')
    with op.batch_alter_table('draft_file', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_draft_file_case_id'))
    op.drop_table('draft_file')
    with op.batch_alter_table('reply_draft', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_reply_draft_case_id'))
    op.drop_table('reply_draft')
