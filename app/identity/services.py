"""The only code that reads or writes a reporter's identity (domain.md §6, Luật Tố cáo 2018).

The identity (name, address, contact, co-signers, scans of the letter) lives apart from the case,
encrypted with Fernet under the configured IDENTITY_KEY. A denouncer's identity is *sealed*: only
the case's named handlers and the leader (approver) of the case's own unit may see it, and each
view or export is written to the case's audit trail. Other reporters are shown to anyone who may
see the case. Nothing here copies an identity into the case row, the search text, event data,
lists, exports or statistics.

A seal is sticky (an IdentitySeal row): once a case is a denunciation, or its sender asked for
confidentiality, it stays sealed whatever later happens to its kind; only the leader of the
case's own unit lifts it, with a reason, as its own audited event; and every read of an identity
that was ever sealed is audited, lifted or not.
"""
from __future__ import annotations

import hashlib
import hmac
import json
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime

import sqlalchemy as sa
from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from flask import current_app
from flask_babel import gettext as _
from sqlalchemy.orm import joinedload
from sqlalchemy.orm.attributes import set_committed_value

from app.auth import permissions
from app.auth.models import RoleAssignment, User
from app.cases.models import Case, CaseHandler
from app.cases.services import record_event
from app.core import uploads
from app.core.errors import Conflict, Forbidden, IdentityKeyError, Invalid
from app.core.text import fold_name, nfc
from app.extensions import db
from app.identity import feature
from app.identity.models import IdentitySeal, SealedFile, SealedIdentity
from workflows.vocab import APPROVER, HANDLER, INTAKE, LETTER

#: Roles a user must hold at the case's own unit to be named one of its handlers.
HANDLER_ROLES = frozenset({INTAKE, HANDLER, APPROVER})


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


def identity_keys() -> list[str]:
    """IDENTITY_KEY may list several keys, newest first, while a rotation is under way."""
    return [k.strip() for k in (current_app.config.get("IDENTITY_KEY") or "").split(",")
            if k.strip()]


def _fernet() -> MultiFernet:
    """Encrypts with the first key, decrypts with any of them."""
    try:
        return MultiFernet([Fernet(key) for key in identity_keys()])
    except (ValueError, TypeError) as exc:
        raise IdentityKeyError("IDENTITY_KEY is not a valid Fernet key") from exc


def _digest_key() -> bytes:
    keys = identity_keys()
    return hmac.new((keys[0] if keys else "").encode(), b"giamsat/sender-digest",
                    hashlib.sha256).digest()


def sender_digest(reporter: Reporter) -> str | None:
    """Keyed digest of the folded sender name: equal for "Nguyễn Văn A", "nguyen van a" and
    "Nguyễn\u200b Văn A"; nothing is decrypted to compare two senders."""
    name = fold_name(reporter.display_name)
    if not name:
        return None
    return hmac.new(_digest_key(), name.encode(), hashlib.sha256).hexdigest()


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


def seal(case: Case, actor, reporter: Reporter | None, files=(), *,
         confidential: bool = False) -> None:
    """Store the reporter of a new case (and scans that reveal them), encrypted, apart from it.

    A denunciation, or a case whose sender asked for confidentiality, is sealed for good."""
    if case.is_anonymous:
        reporter, files = None, ()
    if confidential:
        seal_case(case, actor, "requested", record=False)
    else:
        note_kind(case, actor, record=False)
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


def _seal_row(case: Case) -> IdentitySeal | None:
    return case.identity_seal if case.id is not None else None


def _sealed_by_kind(case: Case) -> bool:
    """A denunciation, or a letter whose kind is not decided yet (it may turn out to be one)."""
    return case.family == LETTER and case.kind in (None, "", "denunciation")


def is_sealed(case: Case) -> bool:
    """Whether the reporter is hidden from everyone but the named handlers and the unit leader:
    a denunciation, a letter not yet classified, or a seal that was never lifted."""
    if _sealed_by_kind(case):
        return True
    row = _seal_row(case)
    return row is not None and row.is_active


def was_ever_sealed(case: Case) -> bool:
    """Sealed now or once: every read of such an identity is audited."""
    return _sealed_by_kind(case) or _seal_row(case) is not None


def seal_case(case: Case, actor, reason: str, *, record: bool = True) -> None:
    """Seal the reporter of `case` for good (or again, after a lift), on the timeline (at
    intake the row itself, with who and when, is the record)."""
    if case.is_anonymous:  # nobody to protect: no identity is kept
        return
    row = _seal_row(case)
    if row is not None and row.is_active:
        return
    if row is None:
        row = IdentitySeal(case=case, reason=reason)
        db.session.add(row)
    row.reason, row.sealed_by_id = reason, actor.id if actor else None
    row.lifted_at, row.lifted_by_id, row.lift_reason = None, None, ""
    row.sealed_at = datetime.now(UTC)
    if record:
        record_event(case, actor, "identity_sealed", data={"reason": reason})
    db.session.flush()


def note_kind(case: Case, actor, *, record: bool = True) -> None:
    """Called whenever a case's kind is set or changed: a denunciation's reporter is sealed
    for good, so a later change of kind cannot lift it."""
    if case.family == LETTER and case.kind == "denunciation":
        seal_case(case, actor, "denunciation", record=record)


def check_can_lift(actor, case: Case) -> None:
    """Raise the precise refusal (403, 409) unless `actor` may lift the seal of `case` now."""
    if not (permissions.can_view_case(actor, case) and is_unit_leader(actor, case)):
        raise Forbidden(_("Only the leader of the case's unit may lift the seal on the "
                          "sender's identity."))
    if _sealed_by_kind(case):
        raise Conflict(_("The sender of a denunciation (or of a letter not yet classified) "
                         "stays confidential (Luật Tố cáo 2018, Điều 9): correct the "
                         "classification first if the letter is not a denunciation."))
    row = _seal_row(case)
    if row is None or not row.is_active:
        raise Conflict(_("The sender's identity is not sealed."))


def can_lift_seal(user, case: Case) -> bool:
    try:
        check_can_lift(user, case)
    except (Forbidden, Conflict):
        return False
    return True


def lift_seal(case: Case, actor, reason: str) -> None:
    """The unit leader lifts a seal, with a reason, as its own audited event.

    Refused while the case is a denunciation (or not yet classified): the law protects a
    denouncer's identity (Luật Tố cáo 2018, Điều 9 khoản 1 điểm b), so the kind has to be
    corrected first, which is itself on the timeline."""
    check_can_lift(actor, case)
    reason = nfc(reason or "")
    if not reason:
        raise Invalid(_("Give the reason for lifting the seal."), field="reason")
    row = _seal_row(case)
    row.lifted_at, row.lifted_by_id, row.lift_reason = datetime.now(UTC), actor.id, reason
    record_event(case, actor, "identity_seal_lifted", comment=reason,
                 data={"sealed_as": row.reason})
    db.session.flush()


#: Session.info key of the handler ids read in the current transaction (`handler_ids`).
_HANDLERS = "identity.handler_ids"


def handler_ids(case: Case) -> set[int]:
    """The ids of the case's named handlers, read once per transaction (the case page asks
    for the sender panel, the letter panel and each duplicate check); naming or removing a
    handler forgets what was read."""
    session = db.session()
    kept = session.info.get(_HANDLERS)
    if kept is not None and kept[0] is session.get_transaction() and case.id in kept[1]:
        return set(kept[1][case.id])
    ids = frozenset(session.scalars(sa.select(CaseHandler.user_id)
                                    .where(CaseHandler.case_id == case.id)))
    transaction = session.get_transaction()
    if kept is None or kept[0] is not transaction:
        kept = session.info[_HANDLERS] = (transaction, {})
    kept[1][case.id] = ids
    return set(ids)


def _forget_handlers() -> None:
    db.session.info.pop(_HANDLERS, None)


def is_unit_leader(user, case: Case) -> bool:
    """An approver at the case's own unit (not above it: upper levels do not see a denouncer)."""
    return any(a.role == APPROVER and a.org_id == case.org_id for a in user.roles)


def can_see(user, case: Case, *, is_handler: bool | None = None) -> bool:
    """`is_handler`: whether `user` is a named handler of `case`, when already read."""
    if user is None or not getattr(user, "is_authenticated", False):
        return False
    if not permissions.can_view_case(user, case):
        return False
    if not is_sealed(case):
        return True
    if is_handler is None:
        is_handler = user.id in handler_ids(case)
    return is_handler or is_unit_leader(user, case)


def can_name_handlers(user, case: Case) -> bool:
    return is_unit_leader(user, case) or (
        APPROVER in permissions.roles_in(user, case.org) and not is_sealed(case))


def named_and_candidates(case: Case, *, candidates_too: bool = True) -> tuple[list, list]:
    """The case's named handlers and, with `candidates_too`, the users who may be named: they
    hold a handling role at the case's own unit, are active and are not a service account;
    in one statement, (id, full_name) rows by name."""
    named = sa.select(CaseHandler.user_id).where(CaseHandler.case_id == case.id)
    stmt = sa.select(User.id, User.full_name, sa.true().label("named")).where(User.id.in_(named))
    if candidates_too:
        stmt = sa.union_all(stmt, sa.select(User.id, User.full_name, sa.false()).where(
            User.id.in_(sa.select(RoleAssignment.user_id).where(
                RoleAssignment.org_id == case.org_id, RoleAssignment.role.in_(HANDLER_ROLES))),
            User.id.not_in(named), User.active.is_(True), sa.not_(User.is_service_account)))
    rows = db.session.execute(stmt.order_by("full_name")).all()
    return [row for row in rows if row.named], [row for row in rows if not row.named]


def is_service_account(user) -> bool:
    """An account the system acts through (User.is_service_account: the public portal's, in
    app.portal, logs the letters members send online). It is never named a handler: those
    letters wait, unassigned, in their unit's intake queue."""
    return user.is_service_account


def add_handler(case: Case, actor, user: User | None, *, automatic: bool = False) -> None:
    if not automatic and not can_name_handlers(actor, case):
        raise Forbidden(_("Only the leader of the case's unit may name its handlers."))
    if user is None or is_service_account(user) or user.id in handler_ids(case):
        return
    if not any(a.org_id == case.org_id and a.role in HANDLER_ROLES for a in user.roles):
        if automatic:  # an upper-level officer logging for a lower unit is not its handler
            return
        raise Invalid(_("Only officers of the case's own unit can be named its handlers."),
                      field="user_id")
    db.session.add(CaseHandler(case_id=case.id, user_id=user.id,
                               added_by_id=actor.id if actor else None))
    _forget_handlers()
    if not automatic:
        # user_id: who was named, for the features told of it (app.notifications).
        record_event(case, actor, "handler_added",
                     data={"user": user.full_name, "user_id": user.id})
    db.session.flush()


def remove_handler(case: Case, actor, user_id: int) -> None:
    if not can_name_handlers(actor, case):
        raise Forbidden(_("Only the leader of the case's unit may name its handlers."))
    row = db.session.get(CaseHandler, (case.id, user_id))
    if row is None:
        return
    name = row.user.full_name
    db.session.delete(row)
    _forget_handlers()
    record_event(case, actor, "handler_removed", data={"user": name})
    db.session.flush()


def _refused() -> Forbidden:
    return Forbidden(_("The sender's identity is kept confidential; only the named handlers "
                       "of this case and the leader of its unit may see it."))


def _audit(case: Case, user, purpose: str) -> None:
    record_event(case, user, "identity_viewed", data={"purpose": purpose})


def reveal(case: Case, user, purpose: str) -> Reporter | None:
    """The reporter of `case` for `user`, or None (anonymous, none recorded).

    Refused (403) to anyone who may not see it; every reveal of a sealed identity is audited."""
    if not can_see(user, case):
        raise _refused()
    row = db.session.scalar(sa.select(SealedIdentity).where(SealedIdentity.case_id == case.id))
    if row is None:
        return None
    reporter = _reporter(_decrypt(row.ciphertext))
    if was_ever_sealed(case):
        _audit(case, user, purpose)
    return reporter


def read_document_naming_reporter(case: Case, user, purpose: str) -> None:
    """Before `user` opens a document that names the reporter (a receipt, a notice to the
    sender): refused unless they may see the identity; audited when it was ever sealed, so a
    document issued while the sender was open does not outlive a later seal."""
    if not was_ever_sealed(case):
        return
    if not can_see(user, case):
        raise _refused()
    _audit(case, user, purpose)


SEALED_RECIPIENT = "Người gửi đơn (giữ bí mật)"
SEALED_DENOUNCER = "Người tố cáo (giữ bí mật)"


def sealed_recipient(case: Case) -> str:
    """How a register or an export names a reporter who was ever sealed: never by name."""
    return SEALED_DENOUNCER if case.kind == "denunciation" else SEALED_RECIPIENT


def check_can_see(case: Case, user) -> None:
    """Raise the refusal (403) unless `user` may see the reporter of `case`."""
    if not can_see(user, case):
        raise _refused()


# --- documents that print a sealed reporter -----------------------------------------------
# Their stored text holds these tokens where the name and address go: the identity is put in
# only when a user who may see it renders the document (reveal, audited), and the issued PDF,
# which must carry them to be posted, is stored sealed (seal_bytes).

#: Token of the reporter's name ("Nguyễn Văn A", or the representative of several signers).
NAME_TOKEN = "[[Họ tên người gửi đơn]]"
#: Token of the reporter's address.
ADDRESS_TOKEN = "[[Địa chỉ người gửi đơn]]"


def fill_reporter(text: str, reporter: Reporter | None) -> str:
    """`text` with the tokens replaced by what `reporter` (from reveal) says, "…" if none."""
    name = (reporter.display_name if reporter else "") or "…"
    address = (reporter.address if reporter else "") or "…"
    return text.replace(NAME_TOKEN, name).replace(ADDRESS_TOKEN, address)


def seal_bytes(data: bytes) -> bytes:
    """`data` encrypted under IDENTITY_KEY (a document that prints a sealed identity)."""
    return _encrypt(data)


def open_sealed_bytes(case: Case, user, token: bytes, purpose: str) -> bytes:
    """The plain bytes of `token` (seal_bytes) about `case`'s reporter, for a user who may see
    them; the read is audited on the case's timeline."""
    check_can_see(case, user)
    data = _decrypt(token)
    _audit(case, user, purpose)
    return data


def rotate_token(token: bytes) -> bytes:
    """`token` (seal_bytes) re-encrypted under the first key of IDENTITY_KEY: the features
    that keep sealed bytes rotate them with this alongside rotate_keys."""
    try:
        return _fernet().rotate(token)
    except InvalidToken as exc:
        raise IdentityKeyError("a sealed document matches none of the keys") from exc


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
        raise _refused()
    meta = json.loads(_decrypt(row.meta_ciphertext))
    data = _decrypt(row.data_ciphertext)
    if was_ever_sealed(case):
        _audit(case, user, f"file:{file_id}")
    return meta["filename"], meta["content_type"], data


def _recorded_with_seal(case: Case) -> bool:
    """has_identity(case), reading the case's seal row (``case.identity_seal``) in the same
    statement when it is not loaded yet: the sender panel asks both."""
    if case.id is None or "identity_seal" in sa.inspect(case).dict:
        return has_identity(case)
    recorded, seal = db.session.execute(
        sa.select(sa.exists().where(SealedIdentity.case_id == Case.id), IdentitySeal)
        .select_from(Case).outerjoin(IdentitySeal, IdentitySeal.case_id == Case.id)
        .where(Case.id == case.id)).one()
    set_committed_value(case, "identity_seal", seal)
    return bool(recorded)


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


def same_sender_for(case: Case, user, *criteria, options=(), limit: int | None = None
                    ) -> list[Case]:
    """Other cases from the same sender that `user` may be told about: only when the user may
    see the identity of `case` and of each match. Anyone else learns nothing that depends on
    who the sender is (a guessed name must not be confirmed, in either direction).

    One statement whatever the number of matches: the digest, each match's seal and whether
    the user is its named handler are read with it; `criteria` and `options` narrow the
    matches and load more of them, `limit` keeps the earliest `limit` the user may see."""
    if user is None or not can_see(user, case):
        return []
    digest = (sa.select(SealedIdentity.sender_digest)
              .where(SealedIdentity.case_id == case.id).scalar_subquery())
    handled = sa.exists().where(CaseHandler.case_id == Case.id, CaseHandler.user_id == user.id)
    rows = db.session.execute(
        sa.select(Case, handled).join(SealedIdentity, SealedIdentity.case_id == Case.id)
        .where(SealedIdentity.sender_digest == digest, Case.id != case.id, *criteria)
        .options(joinedload(Case.identity_seal), *options)
        .order_by(Case.received_on, Case.id))
    found = [other for other, is_handler in rows if can_see(user, other, is_handler=is_handler)]
    return found[:limit] if limit is not None else found


@dataclass(frozen=True)
class SenderPanel:
    """What the case page may show about the sender, decided once per page."""

    anonymous: bool
    sealed: bool
    allowed: bool
    recorded: bool
    #: Shown inline only for identities that were never sealed; one that was is only linked
    #: (each reveal is audited), even after its seal was lifted.
    reporter: Reporter | None
    #: The seal was lifted (by whom and why is on the timeline).
    lifted: bool = False
    can_lift: bool = False


def sender_panel(case: Case, user) -> SenderPanel:
    recorded = _recorded_with_seal(case)
    sealed = is_sealed(case)
    ever = was_ever_sealed(case)
    allowed = can_see(user, case)
    reporter = None
    if recorded and allowed and not ever:
        reporter = reveal(case, user, "view")
    return SenderPanel(case.is_anonymous, sealed, allowed, recorded, reporter,
                       lifted=ever and not sealed, can_lift=can_lift_seal(user, case))


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


@feature.on_open
def seal_sender(case: Case, actor, intake) -> None:
    """Opening hook of the kernel (app.cases.services.open_case): keep the sender and their
    files apart from the case, and name the officer who logs it its first handler."""
    reporter = intake.reporter
    if reporter is None and (intake.name or intake.contact):
        reporter = Reporter(name=intake.name, contact=intake.contact)
    seal(case, actor, reporter, intake.files, confidential=intake.confidential)
    add_handler(case, actor, actor, automatic=True)
