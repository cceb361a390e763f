"""The registry of document templates, and the helpers their builders share.

A template names its type (layout.DOCUMENT_TYPES; None for a công văn), the case families
and states it applies to, whether it is addressed to the supervised or denounced party
(`to_subject`: such a builder must never call app.identity reveal(); the service checks),
and a builder `build(case, actor) -> layout.Document` that prefills a draft from the case.

Features register theirs with this decorator, through app.documents.services, in a module
their ``register(app)`` imports (app/supervision/documents.py, app/letters/documents.py…):

    from app.documents.services import letterhead, template

    @template("letter_receipt", "Biên bản tiếp nhận đơn", "Receipt of a letter", "BB",
              families={"letter"})
    def receipt(case, actor):
        return Document(**letterhead(case, "BB"), summary="...", body=[...], ...)
"""
from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date

from app.core.calendar import local_today
from app.core.dates import format_day
from app.core.pdf.layout import (
    DOCUMENT_TYPES,
    Document,
    Para,
    Signature,
)
from app.core.text import lines
from workflows.base import Label

#: The register (sổ văn bản) each template numbers in unless it names another. NĐ 30/2020
#: Điều 15: one sequence per issuing body and calendar year, shared by every type.
OUTGOING = "outgoing"
REGISTERS: dict[str, Label] = {OUTGOING: Label("Sổ đăng ký văn bản đi", "Outgoing register")}

Builder = Callable[..., Document]


@dataclass(frozen=True)
class DocumentTemplate:
    code: str
    title: Label
    #: layout.DOCUMENT_TYPES key, or None for a công văn.
    type_code: str | None
    families: frozenset[str]
    #: States the template applies in; None: every state.
    states: frozenset[str] | None
    to_subject: bool
    build: Builder
    register: str = OUTGOING
    #: A further condition on the case (e.g. "the sender's identity is not sealed").
    condition: Callable | None = None
    #: Addressed to the case's reporter (carries their name): once the reporter is sealed,
    #: only those who may see the identity open it, each read audited, and registers mask it.
    to_reporter: bool = False
    #: The builder writes app.identity's tokens (NAME_TOKEN, ADDRESS_TOKEN) where the sealed
    #: reporter's name and address go, never the identity: they are filled in on rendering.
    tokens: bool = False
    #: A document of a unit on no case (unit_template): lays out the stored draft,
    #: `draw(doc) -> layout.Document`, instead of its editable text.
    draw: Callable | None = None

    @property
    def is_unit(self) -> bool:
        return self.draw is not None

    def applies_to(self, case) -> bool:
        return (case.family in self.families
                and (self.states is None or case.state in self.states)
                and (self.condition is None or bool(self.condition(case))))


TEMPLATES: dict[str, DocumentTemplate] = {}


def template(code: str, title_vi: str, title_en: str, type_code: str | None,
             families: Iterable[str], states: Iterable[str] | None = None, *,
             to_subject: bool = False, register: str = OUTGOING,
             condition: Callable | None = None, to_reporter: bool = False,
             tokens: bool = False):
    """Register the decorated builder as a document template."""
    _check(type_code, register)

    def decorate(build: Builder) -> Builder:
        _add(DocumentTemplate(
            code=code, title=Label(title_vi, title_en), type_code=type_code,
            families=frozenset(families), states=frozenset(states) if states else None,
            to_subject=to_subject, build=build, register=register, condition=condition,
            to_reporter=to_reporter, tokens=tokens))
        return build

    return decorate


def unit_template(code: str, title_vi: str, title_en: str, type_code: str | None, *,
                  register: str = OUTGOING):
    """Register the decorated `draw(doc) -> layout.Document` as the template of a document a
    unit issues on no case (a periodic report): the feature drafts it with
    app.documents.services.draft_unit_document, and it is numbered in the unit's register."""
    _check(type_code, register)

    def decorate(draw: Callable) -> Callable:
        _add(DocumentTemplate(
            code=code, title=Label(title_vi, title_en), type_code=type_code,
            families=frozenset(), states=None, to_subject=False, build=draw,
            register=register, draw=draw))
        return draw

    return decorate


def _check(type_code: str | None, register: str) -> None:
    if type_code is not None and type_code not in DOCUMENT_TYPES:
        raise ValueError(f"unknown document type {type_code!r}")
    if register not in REGISTERS:
        raise ValueError(f"unknown register {register!r}")


def _add(tpl: DocumentTemplate) -> None:
    if tpl.code in TEMPLATES and TEMPLATES[tpl.code].build is not tpl.build:
        raise ValueError(f"template {tpl.code!r} is registered twice")
    TEMPLATES[tpl.code] = tpl


def get_template(code: str) -> DocumentTemplate | None:
    return TEMPLATES.get(code)


def templates_for(case) -> list[DocumentTemplate]:
    return [t for t in TEMPLATES.values() if t.applies_to(case)]


# --------------------------------------------------------------------------- helpers
def header_name(org) -> str:
    """The unit's name as the header prints it: its short form when it has one (a long name
    would wrap into an orphan line of the header's narrow column)."""
    return (org.header_name or org.name) if org is not None else ""


def org_header(org) -> dict:
    """The issuing unit's part of the header: superior body, unit, short name, place."""
    return {"superior_body": header_name(org.parent), "issuing_unit": org.name,
            "unit_short": org.short_name, "place": org.place_name}


#: The level of a grassroots union (công đoàn cơ sở): its executive committee (Ban Chấp
#: hành) signs, for it has no standing committee; the upper levels' Ban Thường vụ signs.
GRASSROOTS = 4


def governing_body(org) -> str:
    """"Ban Chấp hành" of a grassroots union, "Ban Thường vụ" of an upper level."""
    return "Ban Chấp hành" if org.level >= GRASSROOTS else "Ban Thường vụ"


def enacting_authority(case) -> str:
    """The enacting line of a decision: "Ban Thường vụ Liên đoàn Lao động tỉnh …"."""
    return f"{governing_body(case.org)} {case.org.name}"


def matter(case) -> str:
    """The case's subject matter as documents name it ("việc trả lương …"), never its
    title, which may already say "Giám sát …"."""
    return case.subject_matter or case.title


def letterhead(case, type_code: str | None, today: date | None = None) -> dict:
    """The header of a draft issued by the case's unit: Document(**letterhead(...), ...)."""
    return {
        **org_header(case.org),
        "year": (today or local_today()).year,
        "number": None,
        "date": None,
        "type_code": type_code,
        "type_name": DOCUMENT_TYPES[type_code] if type_code else None,
        "draft": True,
    }


def standing_committee(case) -> Signature:
    """"TM. BAN THƯỜNG VỤ / CHỦ TỊCH" ("TM. BAN CHẤP HÀNH" at a grassroots union): the
    signer's name is filled in the draft."""
    return Signature(authority=f"TM. {governing_body(case.org).upper()}",
                     signer_title="CHỦ TỊCH", signer_name="")


def dmy(d: date | None) -> str:
    return format_day(d) if d else "…"


def paras(text: str | None, prefix: str = "") -> list[Para]:
    """One paragraph per non-empty line of a stored text field."""
    return [Para(f"{prefix}{line}") for line in lines(text)]


def superior_recipient(case) -> list[str]:
    """The unit above the case's, informed ("để b/c") in the Nơi nhận of a draft."""
    return [f"{case.org.parent.name} (để b/c)"] if case.org.parent else []

