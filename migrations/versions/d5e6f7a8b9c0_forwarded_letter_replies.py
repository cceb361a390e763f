"""a forwarded letter is followed up: the receiving body's replies, the superior escalated to

Revision ID: d5e6f7a8b9c0
Revises: c4d5e6f7a8b9
Create Date: 2026-12-01 13:20:00

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = 'd5e6f7a8b9c0'
down_revision = 'c4d5e6f7a8b9'
branch_labels = None
depends_on = None

#: The case states before and after this revision (workflows.registry.ALL_STATES, repeated: a
#: migration stays as it was written whatever the workflows become).
OLD_STATES = ("accepted", "agenda_sent", "awaiting_approval", "cancelled", "classified",
              "closed", "concluded", "consolidating", "consulting", "delegation_formed",
              "dialogue", "escalated", "fieldwork", "filed", "following_up", "forwarded",
              "guided", "held", "implemented", "issued", "merged", "minuted",
              "not_implemented", "overdue", "paused", "plan_approved", "plan_drafted",
              "postponed", "received", "reminded", "report_drafted", "resolved", "scheduled",
              "subject_notified", "verifying", "waiting", "withdrawn")
NEW_STATES = tuple(sorted((*OLD_STATES, "forward_overdue", "forward_reminded",
                           "forward_escalated")))

#: SQLite's search index triggers on case_file (as revision a1b2c3d4e5f6 wrote them): a batch
#: copy of the table drops them, so they are written again after it.
SQLITE_SEARCH_TRIGGERS = (
    "CREATE TRIGGER IF NOT EXISTS case_search_insert AFTER INSERT ON case_file BEGIN "
    "INSERT INTO case_search(rowid, search_text) VALUES (new.id, new.search_text); END",
    "CREATE TRIGGER IF NOT EXISTS case_search_delete AFTER DELETE ON case_file BEGIN "
    "INSERT INTO case_search(case_search, rowid, search_text) "
    "VALUES ('delete', old.id, old.search_text); END",
    "CREATE TRIGGER IF NOT EXISTS case_search_update AFTER UPDATE OF search_text ON case_file "
    "BEGIN INSERT INTO case_search(case_search, rowid, search_text) "
    "VALUES ('delete', old.id, old.search_text); "
    "INSERT INTO case_search(rowid, search_text) VALUES (new.id, new.search_text); END",
)


def _states_check(states) -> None:
    listed = ", ".join(f"'{s}'" for s in states)
    with op.batch_alter_table('case_file', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_case_file_state'), type_='check')
        batch_op.create_check_constraint(batch_op.f('ck_case_file_state'),
                                         sa.text(f"state IN ({listed})"))
    if op.get_bind().dialect.name == "sqlite":
        for statement in SQLITE_SEARCH_TRIGGERS:
            op.execute(statement)
        op.execute("INSERT INTO case_search(case_search) VALUES ('rebuild')")


def upgrade():
    _states_check(NEW_STATES)
    with op.batch_alter_table('letter_details', schema=None) as batch_op:
        batch_op.add_column(sa.Column('escalated_to', sa.String(length=255), nullable=False,
                                      server_default=''))
    op.create_table(
        'letter_forward_reply',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('case_id', sa.Integer(), nullable=False),
        sa.Column('received_on', sa.Date(), nullable=False),
        sa.Column('document_number', sa.String(length=100), nullable=False),
        sa.Column('document_date', sa.Date(), nullable=True),
        sa.Column('text', sa.Text(), nullable=False),
        sa.Column('result', sa.String(length=20), nullable=False),
        sa.Column('recorded_by_id', sa.Integer(), nullable=True),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "result IN ('upheld', 'partly_upheld', 'not_upheld', 'answered')",
            name=op.f('ck_letter_forward_reply_result')),
        sa.ForeignKeyConstraint(['case_id'], ['case_file.id'],
                                name=op.f('fk_letter_forward_reply_case_id_case_file')),
        sa.ForeignKeyConstraint(['recorded_by_id'], ['user_account.id'],
                                name=op.f('fk_letter_forward_reply_recorded_by_id_user_account')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_letter_forward_reply')),
    )
    op.create_index(op.f('ix_letter_forward_reply_case_id'), 'letter_forward_reply',
                    ['case_id'], unique=False)


def downgrade():
    op.drop_index(op.f('ix_letter_forward_reply_case_id'), table_name='letter_forward_reply')
    op.drop_table('letter_forward_reply')
    with op.batch_alter_table('letter_details', schema=None) as batch_op:
        batch_op.drop_column('escalated_to')
    op.execute("UPDATE case_file SET state = 'forwarded' WHERE state IN "
                "('forward_overdue', 'forward_reminded', 'forward_escalated')")
    _states_check(OLD_STATES)
