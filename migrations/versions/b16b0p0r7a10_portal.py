"""the public portal: receipts (code and slow hash of the secret) and the messages with the sender

Revision ID: b16b0p0r7a10
Revises: b16a0n071f1c
Create Date: 2026-12-01 17:10:00

"""
import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = 'b16b0p0r7a10'
down_revision = 'b16a0n071f1c'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('portal_receipt',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=16), nullable=False),
    sa.Column('secret_hash', sa.String(length=128), nullable=False),
    sa.Column('salt', sa.String(length=64), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('confidential', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('last_seen_at', sa.DateTime(timezone=True), nullable=True),
    sa.CheckConstraint("kind IN ('complaint', 'denunciation', 'feedback', 'petition')", name=op.f('ck_portal_receipt_kind')),
    sa.ForeignKeyConstraint(['case_id'], ['case_file.id'], name=op.f('fk_portal_receipt_case_id_case_file')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_portal_receipt')),
    sa.UniqueConstraint('case_id', name=op.f('uq_portal_receipt_case_id')),
    sa.UniqueConstraint('code', name=op.f('uq_portal_receipt_code'))
    )
    op.create_table('portal_message',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('direction', sa.String(length=12), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('author_id', sa.Integer(), nullable=True),
    sa.Column('sealed_files', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("direction IN ('to_member', 'from_member')", name=op.f('ck_portal_message_direction')),
    sa.ForeignKeyConstraint(['author_id'], ['user_account.id'], name=op.f('fk_portal_message_author_id_user_account')),
    sa.ForeignKeyConstraint(['case_id'], ['case_file.id'], name=op.f('fk_portal_message_case_id_case_file')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_portal_message'))
    )
    op.create_index('ix_portal_message_case', 'portal_message', ['case_id', 'id'], unique=False)


def downgrade():
    op.drop_index('ix_portal_message_case', table_name='portal_message')
    op.drop_table('portal_message')
    op.drop_table('portal_receipt')
