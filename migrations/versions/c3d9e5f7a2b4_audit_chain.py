"""hash-chained timeline (tamper-evident audit trail)

Adds case_event.seq / prev_hash / hash and the case_audit_head anchor table (app.cases.audit),
and chains the existing events of each case in id order, a few hundred cases at a time (the
hash function is a frozen copy of app.cases.audit.event_hash, scheme "v1").

Revision ID: c3d9e5f7a2b4
Revises: b7e1a0c4d2f1
Create Date: 2026-11-30 18:45:00

"""
import hashlib
import json
from datetime import UTC

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = 'c3d9e5f7a2b4'
down_revision = 'b7e1a0c4d2f1'
branch_labels = None
depends_on = None

GENESIS = "0" * 64
#: Cases chained per round trip.
CASES_PER_BATCH = 500

case_event = sa.table(
    'case_event',
    sa.column('id', sa.Integer), sa.column('case_id', sa.Integer),
    sa.column('actor_id', sa.Integer), sa.column('created_at', sa.DateTime(timezone=True)),
    sa.column('action', sa.String), sa.column('from_state', sa.String),
    sa.column('to_state', sa.String), sa.column('comment', sa.Text),
    sa.column('data', sa.JSON), sa.column('seq', sa.Integer),
    sa.column('prev_hash', sa.String), sa.column('hash', sa.String),
)
case_audit_head = sa.table(
    'case_audit_head',
    sa.column('case_id', sa.Integer), sa.column('seq', sa.Integer), sa.column('hash', sa.String),
)


def _event_hash(row, seq, prev_hash):
    """Frozen copy of app.cases.audit.event_hash (scheme v1)."""
    created_at = row.created_at
    created_at = (created_at.replace(tzinfo=UTC) if created_at.tzinfo is None
                  else created_at.astimezone(UTC))
    body = json.dumps({
        "case_id": row.case_id, "seq": seq, "actor_id": row.actor_id,
        "created_at": created_at.strftime("%Y-%m-%dT%H:%M:%S.%fZ"),
        "action": row.action, "from_state": row.from_state, "to_state": row.to_state,
        "comment": row.comment, "data": row.data, "prev_hash": prev_hash,
    }, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(f"v1:{body}".encode()).hexdigest()


def upgrade():
    with op.batch_alter_table('case_event', schema=None) as batch_op:
        batch_op.add_column(sa.Column('seq', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('prev_hash', sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column('hash', sa.String(length=64), nullable=True))
    op.create_table(
        'case_audit_head',
        sa.Column('case_id', sa.Integer(), nullable=False),
        sa.Column('seq', sa.Integer(), nullable=False),
        sa.Column('hash', sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(['case_id'], ['case_file.id'],
                                name=op.f('fk_case_audit_head_case_id_case_file')),
        sa.PrimaryKeyConstraint('case_id', name=op.f('pk_case_audit_head')),
    )
    _chain_existing_events()
    with op.batch_alter_table('case_event', schema=None) as batch_op:
        batch_op.alter_column('seq', existing_type=sa.Integer(), nullable=False)
        batch_op.alter_column('prev_hash', existing_type=sa.String(length=64), nullable=False)
        batch_op.alter_column('hash', existing_type=sa.String(length=64), nullable=False)
        # The unique (case_id, seq) index also serves the lookups the old one did.
        batch_op.drop_index(batch_op.f('ix_case_event_case_id'))
        batch_op.create_index('ix_case_event_case_id_seq', ['case_id', 'seq'], unique=True)


def downgrade():
    with op.batch_alter_table('case_event', schema=None) as batch_op:
        batch_op.drop_index('ix_case_event_case_id_seq')
        batch_op.create_index(batch_op.f('ix_case_event_case_id'), ['case_id'], unique=False)
        batch_op.drop_column('hash')
        batch_op.drop_column('prev_hash')
        batch_op.drop_column('seq')
    op.drop_table('case_audit_head')


def _chain_existing_events():
    """Chain each case's events in id order and anchor the chain in its head row."""
    conn = op.get_bind()
    last_case = 0
    while True:
        case_ids = conn.scalars(
            sa.select(case_event.c.case_id).distinct()
            .where(case_event.c.case_id > last_case)
            .order_by(case_event.c.case_id).limit(CASES_PER_BATCH)
        ).all()
        if not case_ids:
            return
        last_case = case_ids[-1]
        rows = conn.execute(
            sa.select(case_event.c.id, case_event.c.case_id, case_event.c.actor_id,
                      case_event.c.created_at, case_event.c.action, case_event.c.from_state,
                      case_event.c.to_state, case_event.c.comment, case_event.c.data)
            .where(case_event.c.case_id.in_(case_ids))
            .order_by(case_event.c.case_id, case_event.c.id)
        )
        updates, heads = [], {}
        for row in rows:
            seq, prev = heads.get(row.case_id, (0, GENESIS))
            digest = _event_hash(row, seq + 1, prev)
            updates.append({"b_id": row.id, "seq": seq + 1, "prev_hash": prev, "hash": digest})
            heads[row.case_id] = (seq + 1, digest)
        conn.execute(
            case_event.update().where(case_event.c.id == sa.bindparam('b_id'))
            .values(seq=sa.bindparam('seq'), prev_hash=sa.bindparam('prev_hash'),
                    hash=sa.bindparam('hash')),
            updates,
        )
        conn.execute(case_audit_head.insert(), [
            {"case_id": case_id, "seq": seq, "hash": digest}
            for case_id, (seq, digest) in heads.items()
        ])
