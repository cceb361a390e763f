"""identity seals that outlive the letter's kind

Creates identity_seal: one row per case whose reporter was ever sealed. Letters that are, or
ever were, denunciations (their kind now, or any classification on their timeline) get a row, so
that a past reclassification cannot have lifted a seal. Sender digests are recomputed with the
new name folding (NFKC, format and control characters removed) when IDENTITY_KEY is available.

Revision ID: b7e1a0c4d2f1
Revises: f4e22a53a4dc
Create Date: 2026-11-30 18:45:00

"""
import hashlib
import hmac
import json
import unicodedata
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = 'b7e1a0c4d2f1'
down_revision = 'f4e22a53a4dc'
branch_labels = None
depends_on = None

BATCH = 1000


def upgrade():
    op.create_table(
        'identity_seal',
        sa.Column('case_id', sa.Integer(), nullable=False),
        sa.Column('reason', sa.String(length=20), nullable=False),
        sa.Column('sealed_by_id', sa.Integer(), nullable=True),
        sa.Column('sealed_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('lifted_by_id', sa.Integer(), nullable=True),
        sa.Column('lifted_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('lift_reason', sa.Text(), nullable=False),
        sa.CheckConstraint("reason IN ('denunciation', 'requested')",
                           name=op.f('ck_identity_seal_reason')),
        sa.ForeignKeyConstraint(['case_id'], ['case_file.id'],
                                name=op.f('fk_identity_seal_case_id_case_file')),
        sa.ForeignKeyConstraint(['lifted_by_id'], ['user_account.id'],
                                name=op.f('fk_identity_seal_lifted_by_id_user_account')),
        sa.ForeignKeyConstraint(['sealed_by_id'], ['user_account.id'],
                                name=op.f('fk_identity_seal_sealed_by_id_user_account')),
        sa.PrimaryKeyConstraint('case_id', name=op.f('pk_identity_seal')),
    )
    _seal_past_denunciations()
    _recompute_digests()


def downgrade():
    op.drop_table('identity_seal')


def _seal_past_denunciations():
    """A row for every named letter that is or ever was classified as a denunciation."""
    conn = op.get_bind()
    ids = set(conn.scalars(sa.text(
        "SELECT id FROM case_file WHERE family = 'letter' AND kind = 'denunciation' "
        "AND is_anonymous = :no"), {"no": False}))
    events = conn.execute(sa.text(
        "SELECT e.case_id, e.data FROM case_event e JOIN case_file c ON c.id = e.case_id "
        "WHERE c.family = 'letter' AND c.is_anonymous = :no "
        "AND e.action IN ('classify', 'letter_reclassified')")
        .execution_options(yield_per=BATCH), {"no": False})
    for case_id, data in events:
        if isinstance(data, str):
            data = json.loads(data)
        if (data or {}).get("kind") == "denunciation":
            ids.add(case_id)
    table = sa.table("identity_seal", sa.column("case_id"), sa.column("reason"),
                     sa.column("sealed_at"), sa.column("lift_reason"))
    now = datetime.now(UTC)
    rows = [{"case_id": i, "reason": "denunciation", "sealed_at": now, "lift_reason": ""}
            for i in sorted(ids)]
    for start in range(0, len(rows), BATCH):
        conn.execute(table.insert(), rows[start:start + BATCH])


# --- sender digests (a frozen copy of the folding of app.identity.services) ----------------

def _keys() -> list[str]:
    try:
        from flask import current_app

        value = current_app.config.get("IDENTITY_KEY") or ""
    except RuntimeError:  # run outside the app (plain alembic): nothing to recompute with
        value = ""
    return [k.strip() for k in value.split(",") if k.strip()]


def _fold_name(value: str) -> str:
    text = unicodedata.normalize("NFKC", value or "")
    text = "".join(ch for ch in text if unicodedata.category(ch) not in ("Cf", "Cc", "Co", "Cs"))
    text = unicodedata.normalize("NFD", text.translate(str.maketrans({"đ": "d", "Đ": "d"})))
    text = "".join(ch for ch in text if unicodedata.category(ch) != "Mn")
    return " ".join(text.lower().split())


def _recompute_digests():
    keys = _keys()
    if not keys:
        return
    from cryptography.fernet import Fernet, InvalidToken, MultiFernet

    try:
        fernet = MultiFernet([Fernet(k) for k in keys])
    except (ValueError, TypeError):
        return
    digest_key = hmac.new(keys[0].encode(), b"giamsat/sender-digest", hashlib.sha256).digest()
    conn = op.get_bind()
    rows = conn.execute(sa.text("SELECT id, ciphertext FROM sealed_identity")).all()
    for row_id, token in rows:
        try:
            data = json.loads(fernet.decrypt(bytes(token)))
        except InvalidToken:  # another key: `flask rotate-identity-key` recomputes later
            continue
        name = data.get("name") or data.get("representative") or ", ".join(
            data.get("signers") or ())
        folded = _fold_name(name)
        digest = hmac.new(digest_key, folded.encode(), hashlib.sha256).hexdigest() \
            if folded else None
        conn.execute(sa.text("UPDATE sealed_identity SET sender_digest = :d WHERE id = :i"),
                     {"d": digest, "i": row_id})
