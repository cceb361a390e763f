"""authors of drafts and the approver who signs an issued document

Revision ID: e5f2c7d9a1b6
Revises: d4a8b6c1e3f5
Create Date: 2026-11-30 18:45:00

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = 'e5f2c7d9a1b6'
down_revision = 'd4a8b6c1e3f5'
branch_labels = None
depends_on = None


def upgrade():
    # The authors of plans, reports and critique points are read from the timeline (every save
    # already writes its event): only a document's approval for issuing needs new columns.
    with op.batch_alter_table('case_document', schema=None) as batch_op:
        batch_op.add_column(sa.Column('approved_by_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('approved_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_case_document_approved_by_id_user_account'),
                                    'user_account', ['approved_by_id'], ['id'])


def downgrade():
    with op.batch_alter_table('case_document', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_case_document_approved_by_id_user_account'),
                                 type_='foreignkey')
        batch_op.drop_column('approved_at')
        batch_op.drop_column('approved_by_id')
