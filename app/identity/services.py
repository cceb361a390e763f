"""The only code that reads or writes a reporter's identity (domain.md §6, Luật Tố cáo 2018).

The identity (name, address, contact, co-signers, scans of the letter) lives apart from the case,
encrypted with Fernet under the configured IDENTITY_KEY. A denouncer's identity is *sealed*: only
the case's named handlers and the leader (approver) of the case's own unit may see it, and each
view or export is written to the case's audit trail. Other reporters are shown to anyone who may
see the case. Nothing here copies an identity into the case row, the search text, event data,
lists, exports or statistics.
"""
from __future__ import annotations

import hashlib
import hmac
import json
from dataclasses import asdict, dataclass, field

import sqlalchemy as sa
from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from flask import current_app
from flask_babel import gettext as _

from app.auth.models import RoleAssignment, User
from app.cases.models import Case, CaseHandler
from app.core import permissions, uploads
from app.core.errors import Forbidden, Invalid
from app.core.text import fold, nfc
from app.extensions import db
from app.identity.models import SealedFile, SealedIdentity
from workflows.vocab import APPROVER, HANDLER, INTAKE, LETTER

#: Roles a user must hold at the case's own unit to be named one of its handlers.
HANDLER_ROLES = frozenset({INTAKE, HANDLER, APPROVER})


class IdentityKeyError(RuntimeError):
    """The stored identity cannot be decrypted with the configured key (wrong or rotated key).

    Raised instead of showing anything: a wrong key must fail loudly, never print garbage."""


@dataclass(frozen=True)
class Reporter:
    name: str = ""
    address: str = ""
    contact: str = ""
    #: For a letter signed by several people: who represents them, and every signer's name.
    representative: str = ""
    signers: tuple[str, ...] = field(default_factory=tuple)

    def is_empty(self) -> bool:
        return not any((self.name, self.address, self.contact, self.representative,
                        *self.signers))

    @property
    def display_name(self) -> str:
        return self.name or self.representative or ", ".join(self.signers)


@dataclass(frozen=True)
class SealedFileView:
    id: int
    filename: str
    content_type: str


def _keys() -> list[str]:
    """IDENTITY_KEY may list several keys, newest first, while a rotation is under way."""
    return [k.strip() for k in (current_app.config.get("IDENTITY_KEY") or "").split(",")
            if k.strip()]


def _fernet() -> MultiFernet:
    """Encrypts with the first key, decrypts with any of them."""
    try:
        return MultiFernet([Fernet(key) for key in _keys()])
    except (ValueError, TypeError) as exc:
        raise IdentityKeyError("IDENTITY_KEY is not a valid Fernet key") from exc


def _digest_key() -> bytes:
    keys = _keys()
    return hmac.new((keys[0] if keys else "").encode(), b"giamsat/sender-digest",
                    hashlib.sha256).digest()


def sender_digest(reporter: Reporter) -> str | None:
    """Keyed digest of the folded sender name: equal for "Nguyễn Văn A" and "nguyen van a"."""
    name = fold(reporter.display_name).strip()
    if not name:
        return None
    return hmac.new(_digest_key(), " ".join(name.split()).encode(), hashlib.sha256).hexdigest()


def _encrypt(value: bytes) -> bytes:
    return _fernet().encrypt(value)


def _decrypt(token: bytes) -> bytes:
    try:
        return _fernet().decrypt(token)
    except InvalidToken as exc:
        current_app.logger.error("A sealed identity could not be decrypted: wrong IDENTITY_KEY?")
        raise IdentityKeyError("the sealed identity cannot be decrypted with IDENTITY_KEY") from exc


def _reporter(payload: bytes) -> Reporter:
    data = json.loads(payload)
    data["signers"] = tuple(data.get("signers") or ())
    return Reporter(**data)


def seal(case: Case, actor, reporter: Reporter | None, files=()) -> None:
    """Store the reporter of a new case (and scans that reveal them), encrypted, apart from it."""
    if case.is_anonymous:
        reporter, files = None, ()
    if reporter is not None:
        reporter = Reporter(
            name=nfc(reporter.name).strip(), address=nfc(reporter.address).strip(),
            contact=nfc(reporter.contact).strip(),
            representative=nfc(reporter.representative).strip(),
            signers=tuple(s for s in (nfc(x).strip() for x in reporter.signers) if s),
        )
    if reporter is not None and not reporter.is_empty():
        payload = json.dumps(asdict(reporter), ensure_ascii=False).encode()
        db.session.add(SealedIdentity(case_id=case.id, ciphertext=_encrypt(payload),
                                      sender_digest=sender_digest(reporter),
                                      created_by_id=actor.id if actor else None))
    for name, content_type, data in uploads.check_files(list(files)):
        meta = json.dumps({"filename": name, "content_type": content_type},
                          ensure_ascii=False).encode()
        db.session.add(SealedFile(case_id=case.id, meta_ciphertext=_encrypt(meta),
                                  data_ciphertext=_encrypt(data),
                                  uploaded_by_id=actor.id if actor else None))


def is_sealed(case: Case) -> bool:
    """A denunciation, or a letter whose kind is not decided yet (it may turn out to be one)."""
    return case.family == LETTER and case.kind in (None, "", "denunciation")


def handler_ids(case: Case) -> set[int]:
    return set(db.session.scalars(sa.select(CaseHandler.user_id)
                                  .where(CaseHandler.case_id == case.id)))


def handlers(case: Case) -> list[User]:
    return list(db.session.scalars(
        sa.select(User).join(CaseHandler, CaseHandler.user_id == User.id)
        .where(CaseHandler.case_id == case.id).order_by(User.full_name)))


def is_unit_leader(user, case: Case) -> bool:
    """An approver at the case's own unit (not above it: upper levels do not see a denouncer)."""
    return any(a.role == APPROVER and a.org_id == case.org_id for a in user.roles)


def can_see(user, case: Case) -> bool:
    if user is None or not getattr(user, "is_authenticated", False):
        return False
    if not permissions.can_view_case(user, case):
        return False
    if not is_sealed(case):
        return True
    return user.id in handler_ids(case) or is_unit_leader(user, case)


def can_name_handlers(user, case: Case) -> bool:
    return is_unit_leader(user, case) or (
        APPROVER in permissions.roles_in(user, case.org) and not is_sealed(case))


def candidates(case: Case) -> list[User]:
    """Users who may be named handlers: they hold a handling role at the case's own unit."""
    taken = handler_ids(case)
    return [u for u in db.session.scalars(
        sa.select(User).join(RoleAssignment, RoleAssignment.user_id == User.id)
        .where(RoleAssignment.org_id == case.org_id, RoleAssignment.role.in_(HANDLER_ROLES),
               User.active.is_(True))
        .distinct().order_by(User.full_name)) if u.id not in taken]


def add_handler(case: Case, actor, user: User | None, *, automatic: bool = False) -> None:
    from app.cases.services import record_event

    if not automatic and not can_name_handlers(actor, case):
        raise Forbidden(_("Only the leader of the case's unit may name its handlers."))
    if user is None or user.id in handler_ids(case):
        return
    if not any(a.org_id == case.org_id and a.role in HANDLER_ROLES for a in user.roles):
        if automatic:  # an upper-level officer logging for a lower unit is not its handler
            return
        raise Invalid(_("Only officers of the case's own unit can be named its handlers."),
                      field="user_id")
    db.session.add(CaseHandler(case_id=case.id, user_id=user.id,
                               added_by_id=actor.id if actor else None))
    if not automatic:
        record_event(case, actor, "handler_added", data={"user": user.full_name})
    db.session.flush()


def remove_handler(case: Case, actor, user_id: int) -> None:
    from app.cases.services import record_event

    if not can_name_handlers(actor, case):
        raise Forbidden(_("Only the leader of the case's unit may name its handlers."))
    row = db.session.get(CaseHandler, (case.id, user_id))
    if row is None:
        return
    name = row.user.full_name
    db.session.delete(row)
    record_event(case, actor, "handler_removed", data={"user": name})
    db.session.flush()


def _audit(case: Case, user, purpose: str) -> None:
    from app.cases.services import record_event

    record_event(case, user, "identity_viewed", data={"purpose": purpose})


def reveal(case: Case, user, purpose: str) -> Reporter | None:
    """The reporter of `case` for `user`, or None (anonymous, none recorded).

    Refused (403) to anyone who may not see it; every reveal of a sealed identity is audited."""
    if not can_see(user, case):
        raise Forbidden(_("The sender's identity is kept confidential; only the named handlers "
                          "of this case and the leader of its unit may see it."))
    row = db.session.scalar(sa.select(SealedIdentity).where(SealedIdentity.case_id == case.id))
    if row is None:
        return None
    reporter = _reporter(_decrypt(row.ciphertext))
    if is_sealed(case):
        _audit(case, user, purpose)
    return reporter


def sealed_files(case: Case, user) -> list[SealedFileView]:
    """Names of the scans that reveal the reporter (listing them is part of a reveal)."""
    if not can_see(user, case):
        return []
    rows = db.session.scalars(sa.select(SealedFile).where(SealedFile.case_id == case.id)
                              .order_by(SealedFile.id))
    views = []
    for row in rows:
        meta = json.loads(_decrypt(row.meta_ciphertext))
        views.append(SealedFileView(row.id, meta["filename"], meta["content_type"]))
    return views


def open_file(case: Case, user, file_id: int) -> tuple[str, str, bytes] | None:
    """(filename, content type, bytes) of a sealed scan, audited; None when it does not exist."""
    row = db.session.get(SealedFile, file_id)
    if row is None or row.case_id != case.id:
        return None
    if not can_see(user, case):
        raise Forbidden(_("The sender's identity is kept confidential; only the named handlers "
                          "of this case and the leader of its unit may see it."))
    meta = json.loads(_decrypt(row.meta_ciphertext))
    data = _decrypt(row.data_ciphertext)
    if is_sealed(case):
        _audit(case, user, f"file:{file_id}")
    return meta["filename"], meta["content_type"], data


def has_identity(case: Case) -> bool:
    return db.session.scalar(sa.select(sa.func.count()).select_from(SealedIdentity)
                             .where(SealedIdentity.case_id == case.id)) > 0


def same_sender(case: Case) -> list[Case]:
    """Other cases from the same sender (by keyed digest; nothing is decrypted)."""
    digest = db.session.scalar(sa.select(SealedIdentity.sender_digest)
                               .where(SealedIdentity.case_id == case.id))
    if not digest:
        return []
    return list(db.session.scalars(
        sa.select(Case).join(SealedIdentity, SealedIdentity.case_id == Case.id)
        .where(SealedIdentity.sender_digest == digest, Case.id != case.id)
        .order_by(Case.received_on, Case.id)))


@dataclass(frozen=True)
class SenderPanel:
    """What the case page may show about the sender, decided once per page."""

    anonymous: bool
    sealed: bool
    allowed: bool
    recorded: bool
    #: Shown only for cases that are not sealed.
    reporter: Reporter | None


def sender_panel(case: Case, user) -> SenderPanel:
    sealed = is_sealed(case)
    allowed = can_see(user, case)
    recorded = has_identity(case)
    reporter = None
    if recorded and allowed and not sealed:
        reporter = reveal(case, user, "view")
    return SenderPanel(case.is_anonymous, sealed, allowed, recorded, reporter)


def rotate_keys() -> int:
    """Re-encrypt every sealed row under the first key of IDENTITY_KEY (run after putting the
    new key first and before removing the old one); sender digests are recomputed too."""
    fernet = _fernet()
    count = 0
    for row in db.session.scalars(sa.select(SealedIdentity)):
        try:
            row.ciphertext = fernet.rotate(row.ciphertext)
        except InvalidToken as exc:
            raise IdentityKeyError(f"sealed identity {row.id} matches none of the keys") from exc
        row.sender_digest = sender_digest(_reporter(fernet.decrypt(row.ciphertext)))
        count += 1
    for row in db.session.scalars(sa.select(SealedFile)):
        try:
            row.meta_ciphertext = fernet.rotate(row.meta_ciphertext)
            row.data_ciphertext = fernet.rotate(row.data_ciphertext)
        except InvalidToken as exc:
            raise IdentityKeyError(f"sealed file {row.id} matches none of the keys") from exc
        count += 1
    return count
