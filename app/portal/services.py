"""Writers of the portal: a letter sent by a member or worker, their receipt, the messages
between them and the officers. Each validates plain values and flushes; the view commits.

Who logs a portal letter: the kernel opens a case only for an actor who may create in the
unit, and records who received the letter. That actor is the portal's own service account
(username "portal", full name "Cổng trực tuyến"): an intake role at the national unit, so that
it may log a letter in any unit, and a password hash that no password matches, so that nobody
logs in as it (User.is_service_account: the administration pages neither list nor manage it,
and the lists of people who act or are told leave it out). The letter's timeline and its
"received by" say truthfully that it came through the portal, and app.identity never names such
an account a handler: the letter waits, unassigned, in the unit's intake queue like a letter put
in the unit's letterbox.

The receipt: a random code (not the case's code, which counts letters) and a random secret,
shown to the sender once; the secret is stored only as an scrypt hash with its own salt. A
follow-up login with a wrong code costs the same scrypt run as a wrong secret (a dummy hash),
and both get the same answer.
"""
from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import UTC, datetime
from functools import lru_cache

import sqlalchemy as sa
from flask import current_app
from flask_babel import gettext as _

from app.auth.models import SERVICE_HASH_PREFIX, User
from app.auth.permissions import can_view_case, roles_in
from app.auth.services import AccountRefused, create_user
from app.cases.services import attach_files, record_event
from app.core import uploads
from app.core.errors import Conflict, DomainError, Forbidden, Invalid
from app.core.text import nfc
from app.extensions import db
from app.identity import services as identity
from app.letters import services as letters
from app.orgs.models import Organisation
from app.portal.models import FROM_MEMBER, TO_MEMBER, PortalMessage, PortalReceipt
from workflows.vocab import APPROVER, HANDLER, INTAKE, LETTER_KINDS

SERVICE_USERNAME = "portal"
SERVICE_NAME = "Cổng trực tuyến"
#: Not a werkzeug hash ("method$salt$hash"): no password ever matches it; its prefix marks a
#: service account (User.is_service_account).
UNUSABLE_PASSWORD = f"{SERVICE_HASH_PREFIX}portal-service-account"
#: What the channel and intake form of a portal letter are (workflows/vocab.py): reports and
#: feedback of members and workers (44/HD-TLĐ channel 2), through the online portal.
CHANNEL, INTAKE_FORM = "report", "online"
#: Attachments of a portal letter and of the sender's answers (when not sealed).
OWNER_KIND = "portal"

#: Characters of codes and secrets: no 0/O, 1/I/L, which people copy wrongly.
ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 10
SECRET_LENGTH = 16
#: scrypt's cost: about 16 MB and some tens of milliseconds per check.
SCRYPT = {"n": 2 ** 14, "r": 8, "p": 1, "dklen": 32}

TITLE_MAX, TEXT_MAX = 300, 20000


# -- the service account ----------------------------------------------------------------------


class Unavailable(DomainError):
    """The portal cannot take letters: its setup is broken. The sender is told so in plain
    words (the portal's error page, or their form kept as typed); the operator reads why in
    the log."""

    status = 503

    def __init__(self, reason: str):
        current_app.logger.error("Portal unavailable: %s", reason)
        super().__init__(_("The portal cannot take letters at the moment. Please try again "
                           "later, or contact your trade union directly."))


def root_unit() -> Organisation:
    """The national unit: the top of the units page, and where a letter goes when the sender
    does not know which unit."""
    root = db.session.scalar(sa.select(Organisation).where(
        Organisation.parent_id.is_(None), Organisation.level == 1,
        Organisation.dissolved_on.is_(None)).order_by(Organisation.id).limit(1))
    if root is None:
        raise Unavailable("the organisation tree has no national unit that takes letters")
    return root


def portal_account() -> User:
    """The service account portal letters are logged by, created on first use.

    Refuses (Unavailable) to use an account called "portal" that someone can log in as."""
    user = db.session.scalar(sa.select(User).where(User.username == SERVICE_USERNAME))
    if user is None:
        try:
            user = create_user(SERVICE_USERNAME, SERVICE_NAME, None,
                               [(INTAKE, root_unit())], password_hash=UNUSABLE_PASSWORD)
        except AccountRefused:  # another request created it a moment ago
            user = db.session.scalar(sa.select(User).where(User.username == SERVICE_USERNAME))
    if user is None or not user.is_service_account:
        raise Unavailable('a user named "portal" exists who is not the portal\'s service '
                          "account: rename them")
    return user


# -- codes and secrets ------------------------------------------------------------------------


def _random(length: int) -> str:
    return "".join(secrets.choice(ALPHABET) for _i in range(length))


def grouped(text: str) -> str:
    """"ABCDEFGHJK" -> "ABCD-EFGH-JK", as people are shown and type it."""
    return "-".join(text[i:i + 4] for i in range(0, len(text), 4))


def normal_code(text: str | None) -> str:
    """What someone typed, as stored: upper case, without spaces or dashes."""
    return "".join(ch for ch in (text or "").upper() if ch.isalnum())[:32]


def hash_secret(secret: str, salt: str) -> str:
    return hashlib.scrypt(normal_code(secret).encode(), salt=bytes.fromhex(salt),
                          **SCRYPT).hex()


@lru_cache(maxsize=1)
def _dummy() -> tuple[str, str]:
    salt = secrets.token_hex(16)
    return salt, hash_secret(_random(SECRET_LENGTH), salt)


def authenticate(code: str, secret: str) -> PortalReceipt | None:
    """The receipt of `code` when `secret` is its secret, else None; an unknown code costs the
    same scrypt run as a wrong secret."""
    receipt = db.session.scalar(sa.select(PortalReceipt)
                                .where(PortalReceipt.code == normal_code(code)))
    salt, stored = (receipt.salt, receipt.secret_hash) if receipt else _dummy()
    matches = hmac.compare_digest(hash_secret(secret, salt), stored)
    if receipt is None or not matches:
        return None
    receipt.last_seen_at = datetime.now(UTC)
    db.session.flush()
    return receipt


def _new_receipt(case, kind: str, confidential: bool) -> tuple[PortalReceipt, str]:
    secret, salt = _random(SECRET_LENGTH), secrets.token_hex(16)
    while True:
        code = _random(CODE_LENGTH)
        if db.session.scalar(sa.select(PortalReceipt.id).where(PortalReceipt.code == code)) is None:
            break
    receipt = PortalReceipt(case_id=case.id, code=code, secret_hash=hash_secret(secret, salt),
                            salt=salt, kind=kind, confidential=confidential)
    db.session.add(receipt)
    return receipt, secret


# -- sending a letter -------------------------------------------------------------------------


def unit_for(org_id: int | None, province_id: int | None) -> Organisation:
    """Where the letter goes: the unit chosen; "I don't know": the provincial federation
    chosen, or the national unit when none. Dissolved units take no letters."""
    chosen = org_id or province_id
    if not chosen:
        return root_unit()
    org = db.session.get(Organisation, chosen)
    if org is None or org.dissolved_on is not None or (not org_id and org.level != 2):
        raise Invalid(_("This union unit does not take letters any more: choose another one."),
                      field="org_id")
    return org


def files_are_sealed(case, receipt: PortalReceipt) -> bool:
    """A named sender's files are kept with their sealed identity when the letter is a
    denunciation (their choice, or the officers' classification) or they asked for
    confidentiality: a signed statement or a payslip names them. An anonymous letter has no
    identity to keep: its files are the evidence Luật Tố cáo 2018 Điều 25 asks of it, and go
    to the case like every other letter's."""
    if case.is_anonymous:
        return False
    return receipt.confidential or receipt.kind == "denunciation" or case.kind == "denunciation"


def submit_letter(org: Organisation, *, kind: str, title: str, content: str,
                  is_anonymous: bool, name: str = "", address: str = "", contact: str = "",
                  confidential: bool = False, files=()):
    """A letter sent through the portal, logged in `org`'s intake queue; returns the case,
    its receipt and the secret (shown once, never stored)."""
    if kind not in LETTER_KINDS:
        raise Invalid(_("Choose what you are sending."), field="kind")
    title, content = nfc(title or ""), nfc(content or "")
    if not title:
        raise Invalid(_("Give your letter a short title."), field="title")
    if not content:
        raise Invalid(_("Write what you report or ask."), field="content")
    name, address, contact = nfc(name or ""), nfc(address or ""), nfc(contact or "")
    if not is_anonymous and not name:
        raise Invalid(_("Give your name, or choose to send anonymously."), field="name")
    confidential = not is_anonymous and (confidential or kind == "denunciation")
    uploads.check_files(list(files))  # a bad file is refused before anything is saved
    reporter = None if is_anonymous else identity.Reporter(name=name, address=address,
                                                           contact=contact)
    sealed = not is_anonymous and confidential
    try:
        case = letters.receive_letter(
            portal_account(), org, title=title, summary=content, channel=CHANNEL,
            intake_form=INTAKE_FORM, is_anonymous=is_anonymous, reporter=reporter,
            files=() if sealed else files, sender_files=files if sealed else (),
            confidential=confidential)
    except Invalid as exc:
        if exc.field in ("summary", "title"):  # the only other refusal: the text names them
            raise Invalid(_("Please do not write your own name in the title or the content: "
                            "it is kept apart from the letter, seen only by those who handle "
                            "it. Write it in “Your name” only."), field="content") from exc
        raise
    receipt, secret = _new_receipt(case, kind, confidential)
    db.session.flush()
    return case, receipt, secret


# -- messages ---------------------------------------------------------------------------------


def _text(text: str | None) -> str:
    text = nfc(text or "")
    if not text:
        raise Invalid(_("Write your message."), field="text")
    if len(text) > TEXT_MAX:
        raise Invalid(_("At most %(n)d characters.", n=TEXT_MAX), field="text")
    return text


def answer(receipt: PortalReceipt, *, text: str, files=()) -> PortalMessage:
    """The sender's answer to the officers, with documents; on the timeline as "portal_reply"
    (the text stays in the thread, out of the timeline)."""
    case = receipt.case
    if not case.is_open:
        raise Conflict(_("This letter is closed: it takes no more messages."))
    text = _text(text)
    checked = uploads.check_files(list(files))
    message = PortalMessage(case_id=case.id, direction=FROM_MEMBER, text=text)
    db.session.add(message)
    db.session.flush()
    account = portal_account()
    if checked and files_are_sealed(case, receipt):
        identity.seal(case, account, None, files)
        message.sealed_files = len(checked)
    elif checked:
        attach_files(case, account, OWNER_KIND, message.id, files)
    record_event(case, account, "portal_reply",
                 data={"message": message.id, "files": len(checked)})
    db.session.flush()
    return message


#: Roles that write to a sender: those who log and handle letters, and the unit's leaders.
WRITERS = frozenset({INTAKE, HANDLER, APPROVER})


def can_read_thread(user, case) -> bool:
    """The thread may reveal a named sender (they write about themselves): it is shown to
    those who may see the sender's identity (app.identity: for a sealed sender, the named
    handlers and the unit's leader). An anonymous letter has no identity to keep: its thread is
    part of the letter, seen by everyone who sees the case."""
    if case.is_anonymous:
        return can_view_case(user, case)
    return identity.can_see(user, case)


def can_write(user, case) -> bool:
    return can_read_thread(user, case) and bool(roles_in(user, case.org) & WRITERS)


def ask(case, actor, *, text: str) -> PortalMessage:
    """An officer's question or reply to the sender, shown on the sender's follow-up page; on
    the timeline as "portal_question" (without the text)."""
    if db.session.scalar(sa.select(PortalReceipt.id).where(PortalReceipt.case_id == case.id)) \
            is None:
        raise Conflict(_("This letter did not come through the portal: there is nobody to "
                         "write to."))
    if not can_write(actor, case):
        raise Forbidden(_("Only the letter's handlers and the leader of its unit may write "
                          "to its sender."))
    message = PortalMessage(case_id=case.id, direction=TO_MEMBER, text=_text(text),
                            author_id=actor.id)
    db.session.add(message)
    db.session.flush()
    record_event(case, actor, "portal_question", data={"message": message.id})
    db.session.flush()
    return message
