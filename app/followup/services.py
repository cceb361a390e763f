"""Writers of the follow-up of recommendations: record a reply received from the addressee."""
from __future__ import annotations

import hashlib
import unicodedata
from dataclasses import dataclass
from datetime import date

from flask_babel import gettext as _

from app.cases.models import Case
from app.cases.services import record_event
from app.core import permissions
from app.core.errors import Conflict, Forbidden, Invalid, NotFound
from app.core.text import nfc
from app.extensions import db
from app.followup.models import RecommendationReply
from app.orgs.models import utcnow
from app.supervision.models import Attachment
from workflows.vocab import HANDLER, INTAKE, RECOMMENDATION

#: Roles that may record what an addressee answered.
REPLY_ROLES = frozenset({HANDLER, INTAKE})

MAX_ATTACHMENT_BYTES = 10 * 1024 * 1024
MAX_ATTACHMENTS = 20
MAX_FILENAME = 255

#: Accepted extensions: the content type we store and serve, and the file's leading bytes.
#: The type comes from this table, never from the browser, so a download is always one of these.
_OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # legacy .doc / .xls
_ZIP = b"PK\x03\x04"  # .docx / .xlsx (Office Open XML)
FILE_TYPES = {
    "pdf": ("application/pdf", (b"%PDF-",)),
    "doc": ("application/msword", (_OLE2,)),
    "docx": ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", (_ZIP,)),
    "xls": ("application/vnd.ms-excel", (_OLE2,)),
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", (_ZIP,)),
    "jpg": ("image/jpeg", (b"\xff\xd8\xff",)),
    "jpeg": ("image/jpeg", (b"\xff\xd8\xff",)),
    "png": ("image/png", (b"\x89PNG\r\n\x1a\n",)),
}


@dataclass(frozen=True)
class Upload:
    """A file as the browser sent it; `data` may be cut at MAX_ATTACHMENT_BYTES + 1."""

    filename: str
    data: bytes


def can_record_reply(user, case: Case) -> bool:
    return bool(permissions.roles_in(user, case.org) & REPLY_ROLES)


def check_can_reply(actor, case: Case) -> None:
    """Raise unless `actor` may record a reply to `case` now: 404 scope, 403 role, 409 closed."""
    if case.family != RECOMMENDATION or not permissions.can_view_case(actor, case):
        raise NotFound(_("Case not found."))
    if not can_record_reply(actor, case):
        raise Forbidden(_("Only the case handler or the intake officer can record a reply."))
    if not case.is_open:
        raise Conflict(_("This recommendation is closed; no reply can be recorded any more."))


def record_reply(case: Case, actor, *, received_on: date, text: str,
                 files: list[Upload] = (), today: date | None = None) -> RecommendationReply:
    """Record the addressee's reply with its files and append it to the case's timeline.

    Refusals raise before anything is added. Flushes; the caller commits.
    """
    check_can_reply(actor, case)
    today = today or date.today()
    text = nfc(text or "")
    if not text:
        raise Invalid(_("The reply text is required."), field="text")
    if received_on is None:
        raise Invalid(_("Enter the date the reply was received."), field="received_on")
    if received_on > today:
        raise Invalid(_("The reply date cannot be in the future."), field="received_on")
    if received_on < case.received_on:
        raise Invalid(_("The reply date cannot be before the recommendation was issued "
                        "(%(date)s).", date=case.received_on.strftime("%d/%m/%Y")),
                      field="received_on")
    checked = _check_files(files)

    reply = RecommendationReply(case_id=case.id, received_on=received_on, text=text,
                                recorded_by_id=actor.id)
    db.session.add(reply)
    db.session.flush()
    for filename, content_type, data in checked:
        db.session.add(Attachment(
            case_id=case.id, owner_kind="reply", owner_id=reply.id, filename=filename,
            content_type=content_type, size=len(data), sha256=hashlib.sha256(data).hexdigest(),
            data=data, uploaded_by_id=actor.id,
        ))
    record_event(case, actor, "reply", comment=text, data={
        "reply_id": reply.id,
        "received_on": received_on.isoformat(),
        "attachments": [name for name, _type, _data in checked],
    })
    # Touching the row bumps its version, so a concurrent close and this reply cannot both
    # commit: the later one fails its optimistic-lock check and the user sees a 409.
    case.updated_at = utcnow()
    db.session.flush()
    return reply


def _check_files(files) -> list[tuple[str, str, bytes]]:
    """(clean name, content type, bytes) per file; raises Invalid on the first bad one."""
    if len(files) > MAX_ATTACHMENTS:
        raise Invalid(_("Attach at most %(n)d files to one reply.", n=MAX_ATTACHMENTS),
                      field="files")
    checked = []
    for upload in files:
        name = clean_filename(upload.filename)
        extension = name.rpartition(".")[2].lower() if "." in name else ""
        if extension not in FILE_TYPES:
            raise Invalid(_("“%(name)s” cannot be attached: only PDF, Word (.doc, .docx), "
                            "Excel (.xls, .xlsx), JPG and PNG files are accepted.", name=name),
                          field="files")
        if not upload.data:
            raise Invalid(_("“%(name)s” is empty.", name=name), field="files")
        if len(upload.data) > MAX_ATTACHMENT_BYTES:
            raise Invalid(_("“%(name)s” is larger than %(mb)d MB; attach a smaller file.",
                            name=name, mb=MAX_ATTACHMENT_BYTES // (1024 * 1024)), field="files")
        content_type, signatures = FILE_TYPES[extension]
        if not upload.data.startswith(signatures):
            raise Invalid(_("“%(name)s” is not a real .%(ext)s file (it may be damaged or "
                            "renamed).", name=name, ext=extension), field="files")
        checked.append((name, content_type, upload.data))
    return checked


def clean_filename(raw: str | None) -> str:
    """The file's own name: no folders, no control characters, NFC, at most 255 characters."""
    name = (raw or "").replace("\\", "/").rpartition("/")[2]
    name = "".join(ch for ch in name if unicodedata.category(ch)[0] != "C")
    name = nfc(name).strip(". ") or "file"
    if len(name) > MAX_FILENAME:
        stem, dot, extension = name.rpartition(".")
        keep = MAX_FILENAME - len(dot + extension)
        name = (stem[:keep] + dot + extension) if dot and keep > 0 else name[:MAX_FILENAME]
    return name
