"""documents of a unit (periodic report), sealed issued PDFs, corrections naming a document

Revision ID: b3c4d5e6f7a8
Revises: b1c2d3e4f5a6
Create Date: 2026-12-01 12:00:00

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = 'b3c4d5e6f7a8'
down_revision = 'b1c2d3e4f5a6'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('case_document', schema=None) as batch_op:
        batch_op.alter_column('case_id', existing_type=sa.Integer(), nullable=True)
        batch_op.add_column(sa.Column('period_start', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('period_end', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('replaces_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('correction', sa.String(length=10), nullable=True))
        batch_op.add_column(sa.Column('pdf_sealed', sa.Boolean(), nullable=False,
                                      server_default=sa.false()))
        batch_op.create_index(batch_op.f('ix_case_document_replaces_id'), ['replaces_id'],
                              unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_case_document_replaces_id_case_document'),
                                    'case_document', ['replaces_id'], ['id'])
        batch_op.create_check_constraint(
            batch_op.f('ck_case_document_correction'),
            "correction IS NULL OR correction IN ('replace', 'correct')")
        batch_op.create_check_constraint(
            batch_op.f('ck_case_document_correction_names_document'),
            "correction IS NULL OR replaces_id IS NOT NULL")
    with op.batch_alter_table('case_document', schema=None) as batch_op:
        batch_op.alter_column('pdf_sealed', server_default=None)


def downgrade():
    op.execute("DELETE FROM case_document WHERE case_id IS NULL")
    with op.batch_alter_table('case_document', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_case_document_correction_names_document'),
                                 type_='check')
        batch_op.drop_constraint(batch_op.f('ck_case_document_correction'), type_='check')
        batch_op.drop_constraint(batch_op.f('fk_case_document_replaces_id_case_document'),
                                 type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_case_document_replaces_id'))
        batch_op.drop_column('pdf_sealed')
        batch_op.drop_column('correction')
        batch_op.drop_column('replaces_id')
        batch_op.drop_column('period_end')
        batch_op.drop_column('period_start')
        batch_op.alter_column('case_id', existing_type=sa.Integer(), nullable=False)
