"""a case's subject matter, a unit's header name, the legal bases per kind of work

Revision ID: c4d5e6f7a8b9
Revises: b3c4d5e6f7a8
Create Date: 2026-12-01 13:00:00

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = 'c4d5e6f7a8b9'
down_revision = 'b3c4d5e6f7a8'
branch_labels = None
depends_on = None

#: A frozen copy of app.cases.services.MATTER_PREFIXES as of this revision.
PREFIXES = ("giám sát ", "phản biện xã hội đối với ", "phản biện xã hội ", "phản biện ",
            "dự thảo ")


def subject_matter(title):
    """The title without the words a document's own wording already says."""
    text = " ".join((title or "").split())
    stripped = True
    while stripped:
        stripped = False
        for prefix in PREFIXES:
            if text.lower().startswith(prefix) and len(text) > len(prefix):
                text, stripped = text[len(prefix):].lstrip(), True
    return text[:300]


def upgrade():
    with op.batch_alter_table('case_file', schema=None) as batch_op:
        batch_op.add_column(sa.Column('subject_matter', sa.String(length=300), nullable=False,
                                      server_default=''))
    with op.batch_alter_table('organisation', schema=None) as batch_op:
        batch_op.add_column(sa.Column('header_name', sa.String(length=120), nullable=False,
                                      server_default=''))
    op.create_table(
        'legal_basis_change',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('work', sa.String(length=40), nullable=False),
        sa.Column('lines', sa.JSON(), nullable=True),
        sa.Column('before', sa.JSON(), nullable=False),
        sa.Column('actor_id', sa.Integer(), nullable=True),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['actor_id'], ['user_account.id'],
                                name=op.f('fk_legal_basis_change_actor_id_user_account')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_legal_basis_change')),
    )
    op.create_index('ix_legal_basis_change_work', 'legal_basis_change', ['work', 'id'])
    # Existing cases: the subject matter their title implies ("Giám sát việc trả lương" ->
    # "việc trả lương"), editable on the case page afterwards.
    case = sa.table('case_file', sa.column('id', sa.Integer), sa.column('title', sa.String),
                    sa.column('subject_matter', sa.String),
                    sa.column('version', sa.Integer))
    bind = op.get_bind()
    rows = bind.execute(sa.select(case.c.id, case.c.title)).all()
    for case_id, title in rows:
        bind.execute(sa.update(case).where(case.c.id == case_id)
                     .values(subject_matter=subject_matter(title)))


def downgrade():
    op.drop_index('ix_legal_basis_change_work', table_name='legal_basis_change')
    op.drop_table('legal_basis_change')
    with op.batch_alter_table('organisation', schema=None) as batch_op:
        batch_op.drop_column('header_name')
    with op.batch_alter_table('case_file', schema=None) as batch_op:
        batch_op.drop_column('subject_matter')
