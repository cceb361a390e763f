"""Files attached to cases: one set of checks (type by extension and leading bytes, size, name)
and one way to store and serve them, shared by every feature that takes uploads."""
from __future__ import annotations

import hashlib
import unicodedata
from dataclasses import dataclass
from io import BytesIO

from flask import send_file
from flask_babel import gettext as _

from app.core.errors import Invalid
from app.core.text import nfc

MAX_ATTACHMENT_BYTES = 10 * 1024 * 1024
MAX_ATTACHMENTS = 20
MAX_FILENAME = 255

#: Accepted extensions: the content type we store and serve, and the file's leading bytes.
#: The type comes from this table, never from the browser, so a download is always one of these.
_OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # legacy .doc / .xls
_ZIP = b"PK\x03\x04"  # .docx / .xlsx / .odt (zip containers)
FILE_TYPES = {
    "pdf": ("application/pdf", (b"%PDF-",)),
    "doc": ("application/msword", (_OLE2,)),
    "docx": ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", (_ZIP,)),
    "xls": ("application/vnd.ms-excel", (_OLE2,)),
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", (_ZIP,)),
    "odt": ("application/vnd.oasis.opendocument.text", (_ZIP,)),
    "jpg": ("image/jpeg", (b"\xff\xd8\xff",)),
    "jpeg": ("image/jpeg", (b"\xff\xd8\xff",)),
    "png": ("image/png", (b"\x89PNG\r\n\x1a\n",)),
}

#: The file inputs' `accept` attribute: the types above.
ACCEPT = ",".join(f".{extension}" for extension in FILE_TYPES)


@dataclass(frozen=True)
class Upload:
    """A file as the browser sent it; `data` may be cut at MAX_ATTACHMENT_BYTES + 1."""

    filename: str
    data: bytes


def read_uploads(storages) -> list[Upload]:
    """Werkzeug FileStorage objects to Uploads, reading one byte past the limit at most."""
    return [Upload(filename=s.filename or "", data=s.stream.read(MAX_ATTACHMENT_BYTES + 1))
            for s in storages or () if s and s.filename]


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


def check_files(files) -> list[tuple[str, str, bytes]]:
    """(clean name, content type, bytes) per file; raises Invalid on the first bad one."""
    if len(files) > MAX_ATTACHMENTS:
        raise Invalid(_("Attach at most %(n)d files at once.", n=MAX_ATTACHMENTS),
                      field="files")
    checked = []
    for upload in files:
        name = clean_filename(upload.filename)
        extension = name.rpartition(".")[2].lower() if "." in name else ""
        if extension not in FILE_TYPES:
            raise Invalid(_("“%(name)s” cannot be attached: only PDF, Word (.doc, .docx), "
                            "Excel (.xls, .xlsx), OpenDocument (.odt), JPG and PNG files are accepted.", name=name),
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


def file_response(filename: str, content_type: str, data: bytes):
    """Serve a file as a download that browsers and proxies do not keep."""
    response = send_file(BytesIO(data), mimetype=content_type, as_attachment=True,
                         download_name=filename, max_age=0,
                         etag=hashlib.sha256(data).hexdigest())
    response.headers["Cache-Control"] = "private, no-store"
    return response


def attachment_response(attachment):
    return file_response(attachment.filename, attachment.content_type, attachment.data)
