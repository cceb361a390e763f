"""Writers of formal documents: draft from a template, edit the draft, issue it (number + frozen PDF).

Who may do what (enforced here, asked by the views through can_draft / can_issue):
- drafting and editing a draft: a handler, intake officer (văn thư) or approver of the case's
  unit or of a unit above it, and, on a supervision case, a member of its delegation;
- approving for issuing: an approver AT the issuing unit who did not draft or edit the draft
  (four eyes); recorded (who, when, on the timeline) and voided by any later edit;
- issuing: that unit's approver (who signs, unless another approver already approved), or its
  intake officer (the văn thư) acting on a recorded approval. A role in a unit above does not
  let one take numbers from a lower unit's register, and a handler never numbers what they
  drafted. The signer printed is the approving user's full name, never typed text; the title
  and authority lines stay editable (a deputy signs "KT. CHỦ TỊCH / PHÓ CHỦ TỊCH").

Numbering: one register per issuing unit ("outgoing", sổ văn bản đi) and calendar year, shared
by every type, as NĐ 30/2020 Điều 15 asks ("Số: 05/QĐ-LĐLĐ" then "Số: 06/LĐLĐ"). The next
number comes from the DocumentCounter row locked FOR UPDATE; the unique constraint on
(unit, year, register, number) backs it. A unit's own documents (a periodic report, on no
case) take their numbers from the same register, under the same four-eyes rules.

An issued document is never edited: it is corrected by a new one that names it, replacing it
(thay thế) or correcting it (đính chính) (draft_correction); the old one stays in the register.

A document addressed to a reporter whose identity is sealed (a denouncer) is drafted,
approved and issued only by those who may see the identity; its stored text holds
app.identity's tokens where the name and address go, filled in when such a user renders it
(audited), and its issued PDF is stored sealed under IDENTITY_KEY.
"""
from __future__ import annotations

import copy
import dataclasses
import hashlib
import re
from dataclasses import dataclass, field
from datetime import UTC, date, datetime

import sqlalchemy as sa
from flask_babel import gettext as _

from app.auth import permissions
from app.auth.models import User
from app.cases.models import CaseEvent
from app.cases.services import record_event
from app.core.calendar import local_today
from app.core.dates import format_day
from app.core.errors import Conflict, Forbidden, Invalid, NotFound
from app.core.pdf import layout, markup
from app.core.text import lines, nfc

# The legal bases and the registry's API, for the builders of the features (which import
# them from here).
from app.documents import queries
from app.documents.bases import legal_bases  # noqa: F401  (re-exported)
from app.documents.models import CORRECTIONS, CaseDocument, DocumentCounter
from app.documents.registry import (  # noqa: F401  (re-exported)
    OUTGOING,
    REGISTERS,
    TEMPLATES,
    DocumentTemplate,
    dmy,
    enacting_authority,
    get_template,
    governing_body,
    header_name,
    letterhead,
    matter,
    org_header,
    paras,
    standing_committee,
    superior_recipient,
    template,
    templates_for,
    unit_template,
)
from app.extensions import db
from app.identity import services as identity
from workflows.vocab import APPROVER, DELEGATE, HANDLER, INTAKE, SUPERVISION

DRAFT_ROLES = frozenset({HANDLER, INTAKE, APPROVER})

#: The editable text fields of a draft (lists are kept one entry per line).
LIST_FIELDS = ("addressees", "bases", "recipients")


def can_draft(user, case) -> bool:
    if permissions.roles_in(user, case.org) & DRAFT_ROLES:
        return True
    # On a supervision case, a member of its delegation.
    return case.family == SUPERVISION and permissions.named_on_case(user, case, DELEGATE)


def can_draft_for(user, org) -> bool:
    """Draft a document of the unit itself (a periodic report)."""
    return bool(permissions.roles_in(user, org) & DRAFT_ROLES)


def can_view(user, doc: CaseDocument) -> bool:
    """A case's document with its case; a unit's to the people of the unit or above."""
    if doc.case_id is None:
        return permissions.can_view_org(user, doc.org)
    return permissions.can_view_case(user, doc.case)


def can_edit(user, doc: CaseDocument) -> bool:
    """Edit the text of the draft: a unit's report is laid out from its frozen figures."""
    if doc.is_issued or doc.case_id is None:
        return False
    return can_draft(user, doc.case) and may_handle(user, doc)


def _seals(tpl: DocumentTemplate | None, case) -> bool:
    return (tpl is not None and tpl.to_reporter and case is not None
            and identity.was_ever_sealed(case))


def names_sealed_reporter(doc: CaseDocument) -> bool:
    """Addressed to a reporter whose identity is, or once was, sealed."""
    return _seals(get_template(doc.template), doc.case)


def keeps_tokens(doc: CaseDocument) -> bool:
    """Its stored text holds tokens, not the sealed identity: opening it reveals nothing."""
    tpl = get_template(doc.template)
    return tpl is not None and tpl.tokens


def may_handle(user, doc: CaseDocument) -> bool:
    """Whether `user` may draft, approve or issue `doc` as far as a sealed reporter goes."""
    return _may_handle(user, doc.case, get_template(doc.template))


def _may_handle(user, case, tpl: DocumentTemplate | None) -> bool:
    return not _seals(tpl, case) or identity.can_see(user, case)


def _check_may_handle(actor, case, tpl: DocumentTemplate | None) -> None:
    if not _may_handle(actor, case, tpl):
        raise Forbidden(_("This document is addressed to a denouncer, whose identity is kept "
                          "confidential: only the named handlers of the case and the leader "
                          "of its unit may draft, approve or issue it."))


def _holds(user, org, role: str) -> bool:
    """`role` held AT `org` itself (not inherited from a unit above)."""
    return user is not None and any(a.org_id == org.id and a.role == role for a in user.roles)


def draft_authors(doc: CaseDocument) -> set[int]:
    """Everyone who drafted or edited `doc`, from the case's append-only timeline (a unit's
    report is never edited: its author is who drafted it)."""
    if doc.case_id is None:
        return {doc.created_by_id} - {None}
    events = db.session.scalars(sa.select(CaseEvent).where(
        CaseEvent.case_id == doc.case_id,
        CaseEvent.action.in_(("document_drafted", "document_edited"))))
    authors = {e.actor_id for e in events if (e.data or {}).get("document_id") == doc.id}
    return (authors | {doc.created_by_id}) - {None}


def can_approve(user, doc: CaseDocument) -> bool:
    return (not doc.is_issued and not doc.is_approved and _holds(user, doc.org, APPROVER)
            and user.id not in draft_authors(doc) and may_handle(user, doc))


def can_issue(user, doc: CaseDocument) -> bool:
    """Issue now: a clerk or approver of the unit on a recorded approval, or an approver who
    may approve it themselves."""
    if doc.is_issued:
        return False
    if doc.is_approved:
        return ((_holds(user, doc.org, INTAKE) or _holds(user, doc.org, APPROVER))
                and may_handle(user, doc))
    return can_approve(user, doc)


def _check_view(actor, case) -> None:
    if not permissions.can_view_case(actor, case):
        raise NotFound(_("Case not found."))


def _check_view_doc(actor, doc: CaseDocument) -> None:
    if not can_view(actor, doc):
        raise NotFound(_("Document not found."))


def _record(doc: CaseDocument, actor, action: str, **kw) -> None:
    """On the case's timeline; a unit's report keeps who and when on its own row."""
    if doc.case is not None:
        record_event(doc.case, actor, action, **kw)


def _check_draft(actor, case) -> None:
    _check_view(actor, case)
    if not can_draft(actor, case):
        raise Forbidden(_("Your role does not allow drafting documents in this unit."))


def _identity_views(case) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(CaseEvent).where(
        CaseEvent.case_id == case.id, CaseEvent.action == "identity_viewed"))


def _content_of(doc: layout.Document) -> dict:
    sig = doc.signature or layout.Signature(signer_title="", signer_name="")
    return {
        "type_name": doc.type_name or "",
        "enacting_authority": doc.enacting_authority,
        "addressees": list(doc.addressees),
        "bases": list(doc.bases),
        "body": markup.blocks_to_text(doc.body),
        "recipients": list(doc.recipients),
        "filing": doc.filing,
        "signature": {"authority": sig.authority, "capacity": sig.capacity,
                      "signer_title": sig.signer_title, "signer_name": sig.signer_name},
        # Minutes: both sides and the secretary sign, with the names the records give.
        "cosigners": [dataclasses.asdict(c) for c in doc.cosigners],
    }


def draft_document(case, actor, template_code: str) -> CaseDocument:
    """A new draft prefilled by the template's builder from the case's records."""
    _check_draft(actor, case)
    tpl = get_template(template_code)
    if tpl is None or not tpl.applies_to(case):
        raise Invalid(_("This template does not apply to the case at this stage."),
                      field="template")
    _check_may_handle(actor, case, tpl)
    checked = tpl.to_subject or tpl.tokens
    before = _identity_views(case) if checked else 0
    built = tpl.build(case, actor)
    if checked and _identity_views(case) != before:
        # Checked, not trusted: a document for the denounced party never carries the sender,
        # and one that keeps tokens never stores the identity it stands for.
        raise RuntimeError(f"template {tpl.code} revealed the sender's identity while "
                           "building its draft")
    content = _content_of(built)
    # Whoever approves it signs it: a name the template or a drafter wrote is never printed.
    content["signature"] = unit_signature(case.org, content["signature"])
    doc = CaseDocument(case_id=case.id, org_id=case.org_id, template=tpl.code,
                       type_code=tpl.type_code, register=tpl.register,
                       to_subject=tpl.to_subject, summary=nfc(built.summary)[:500],
                       content=content, created_by_id=actor.id)
    db.session.add(doc)
    db.session.flush()
    record_event(case, actor, "document_drafted", data={"document_id": doc.id,
                                                        "template": tpl.code})
    db.session.flush()
    return doc


def unit_signature(org, signature: dict) -> dict:
    """The signature block of a new draft of `org`: the one the unit's signer signed its last
    issued document with (queries.unit_signer), over the template's default ("TM. BAN THƯỜNG
    VỤ / CHỦ TỊCH") when the template has a single signer; the name stays empty, for whoever
    approves it signs it."""
    sig = {key: signature.get(key, "") for key in ("authority", "capacity", "signer_title")}
    if sig["signer_title"]:
        _signer, last = queries.unit_signer(org)
        if last.get("signer_title"):
            sig = {key: last.get(key, "") for key in sig}
    return {**sig, "signer_name": ""}


def _check_authority(authority: str) -> None:
    if authority and not authority.upper().startswith(layout.AUTHORITY_PREFIXES):
        raise Invalid(_("The signing authority starts with TM., KT., Q., TL. or TUQ. "
                        "(or leave it empty)."), field="authority")


def update_draft(doc: CaseDocument, actor, *, summary: str, addressees: str, bases: str,
                 body: str, recipients: str, filing: str, authority: str, capacity: str,
                 signer_title: str) -> CaseDocument:
    """Save the edited text of a draft; an issued document is frozen. The editor becomes one
    of its authors, and an approval given before the edit is void."""
    if doc.case is None:
        raise Conflict(_("A report's figures are frozen when it is drafted: draft it again "
                         "from the statistics page to change them."))
    _check_draft(actor, doc.case)
    _check_may_handle(actor, doc.case, get_template(doc.template))
    if doc.is_issued:
        raise Conflict(_("This document has been issued and can no longer be changed; "
                         "draft a new one instead."))
    authority, capacity = nfc(authority or "").upper(), nfc(capacity or "").upper()
    _check_authority(authority)
    if capacity:
        _check_authority(capacity)
    summary = nfc(summary or "")
    if not summary:
        raise Invalid(_("The summary (trích yếu) is required."), field="summary")
    content = dict(doc.content)
    content.update(
        addressees=lines(addressees), bases=lines(bases), recipients=lines(recipients),
        body="\n".join(lines(body)), filing=nfc(filing or ""),
        signature={"authority": authority, "capacity": capacity,
                   "signer_title": nfc(signer_title or "").upper(), "signer_name": ""})
    doc.summary, doc.content = summary[:500], content
    _record(doc, actor, "document_edited", data={"document_id": doc.id})
    if doc.is_approved:
        _record(doc, actor, "document_approval_voided", data={
            "document_id": doc.id, "approved_by": doc.approved_by_id})
        _set_approval(doc, None)
    db.session.flush()
    return doc


def _set_approval(doc: CaseDocument, approver) -> None:
    doc.approved_by = db.session.get(User, approver.id) if approver is not None else None
    doc.approved_at = datetime.now(UTC) if approver is not None else None


def _require_approver(actor, org) -> None:
    if not _holds(actor, org, APPROVER):
        raise Forbidden(_("Only an approver of the issuing unit can approve a document for "
                          "issuing."))


def _check_approval(doc: CaseDocument, actor) -> None:
    _require_approver(actor, doc.org)
    _check_may_handle(actor, doc.case, get_template(doc.template))
    if actor.id in draft_authors(doc):
        raise Forbidden(_("You drafted or edited this document: another approver of the unit "
                          "must approve it (four eyes)."))


def _check_issuable(doc: CaseDocument) -> None:
    sig = doc.content.get("signature") or {}
    if not sig.get("signer_title") and not doc.content.get("cosigners"):
        raise Invalid(_("Fill in the signer's title before the document is approved."),
                      field="signer_title")
    if doc.case_id is not None and not doc.content.get("body", "").strip():
        raise Invalid(_("The document has no body text."), field="body")


def _lock(doc: CaseDocument) -> CaseDocument:
    """The draft row locked until the commit: two clicks never approve or number it twice."""
    return db.session.scalar(sa.select(CaseDocument).where(CaseDocument.id == doc.id)
                             .with_for_update().execution_options(populate_existing=True))


def approve_document(doc: CaseDocument, actor) -> CaseDocument:
    """An approver of the issuing unit approves the draft as it stands: they will sign it, and
    the clerk may now issue it."""
    _check_view_doc(actor, doc)
    _check_approval(doc, actor)
    doc = _lock(doc)
    if doc.is_issued:
        raise Conflict(_("This document has already been issued."))
    if doc.is_approved:
        raise Conflict(_("This document has already been approved for issuing."))
    _check_issuable(doc)
    _set_approval(doc, actor)
    _record(doc, actor, "document_approved", comment=doc.summary,
            data={"document_id": doc.id, "template": doc.template})
    db.session.flush()
    return doc


def render(doc: CaseDocument, *, number: int | None = None, issued_on: date | None = None,
           reporter: identity.Reporter | None = None) -> layout.Document:
    """The layout of `doc`: a draft (watermark, blank number) unless a number is given.
    `reporter` (from app.identity reveal) fills the tokens of a document to a sealed sender."""
    c = doc.content
    sig = dict(c.get("signature") or {})
    if number is None:  # a draft shows who approved it, else a blank for the signature
        sig["signer_name"] = doc.approved_by.full_name if doc.approved_by else ""
    signature = layout.Signature(
        authority=sig.get("authority", ""), capacity=sig.get("capacity", ""),
        signer_title=sig.get("signer_title", ""), signer_name=sig.get("signer_name", ""))
    cosigners = [layout.Signature(**c) for c in c.get("cosigners") or []]
    if cosigners and not (signature.authority or signature.signer_title):
        signature = None  # minutes are signed by those who took part, not by an approver
    dated = {"year": (issued_on or local_today()).year, "number": number, "date": issued_on,
             "draft": number is None}
    tpl = get_template(doc.template)
    if tpl is not None and tpl.draw is not None:
        return dataclasses.replace(tpl.draw(doc), **dated, signature=signature)

    def fill(text: str) -> str:
        return identity.fill_reporter(text, reporter) if keeps_tokens(doc) else text

    return layout.Document(
        **org_header(doc.org), **dated, type_code=doc.type_code,
        type_name=c.get("type_name") or None, summary=fill(doc.summary),
        enacting_authority=c.get("enacting_authority", ""),
        addressees=[fill(a) for a in c.get("addressees", [])],
        bases=[fill(b) for b in c.get("bases", [])],
        body=markup.text_to_blocks(fill(c.get("body", ""))),
        recipients=[fill(r) for r in c.get("recipients", [])],
        filing=c.get("filing", ""), signature=signature, cosigners=cosigners)


def _reporter(doc: CaseDocument, actor, purpose: str) -> identity.Reporter | None:
    """The sealed sender, for a document that keeps tokens (revealed to `actor`, audited)."""
    if not keeps_tokens(doc) or doc.case is None:
        return None
    return identity.reveal(doc.case, actor, f"document:{doc.id}:{purpose}")


def pdf_of(doc: CaseDocument, actor=None) -> bytes:
    """The issued bytes as stored, or a fresh draft rendering (writes nothing but, for a
    document to a sealed sender, the audit line of `actor`'s read of the identity)."""
    if doc.is_issued:
        if doc.pdf_sealed:
            return identity.open_sealed_bytes(doc.case, actor, doc.pdf, f"document:{doc.id}")
        return doc.pdf
    return layout.build_pdf(render(doc, reporter=_reporter(doc, actor, "draft")))


def number_label(doc: CaseDocument) -> str:
    """"05/QĐ-LĐLĐ" of an issued document, "" for a draft."""
    if doc.number is None:
        return ""
    return layout.format_number(doc.number, doc.type_code, doc.org.short_name)[len("Số: "):]


def next_number(org_id: int, year: int, register: str) -> int:
    """Take the next number of a register: the counter row is locked until the commit, so
    concurrent issuers queue here and never get the same number or leave a gap."""
    dialect = db.session.get_bind().dialect.name
    if dialect == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    db.session.execute(insert(DocumentCounter).values(
        org_id=org_id, year=year, register=register, last_number=0).on_conflict_do_nothing())
    counter = db.session.scalar(
        sa.select(DocumentCounter).where(DocumentCounter.org_id == org_id,
                                         DocumentCounter.year == year,
                                         DocumentCounter.register == register)
        .with_for_update().execution_options(populate_existing=True))
    counter.last_number += 1
    db.session.flush()
    return counter.last_number


def _page_count(pdf: bytes) -> int:
    return len(re.findall(rb"/Type /Page\b", pdf))


def issue_document(doc: CaseDocument, actor, today: date | None = None) -> CaseDocument:
    """Number the draft in its unit's register, sign it with the approver's name, freeze its
    PDF and store the SHA-256. Without a recorded approval only an approver who may approve
    it issues it, and signs it."""
    _check_view_doc(actor, doc)
    _check_may_handle(actor, doc.case, get_template(doc.template))
    org = doc.org
    if not (_holds(actor, org, APPROVER) or _holds(actor, org, INTAKE)):
        raise Forbidden(_("Only an approver or the clerk (văn thư) of the issuing unit can "
                          "issue a document."))
    doc = _lock(doc)
    if doc.is_issued:
        raise Conflict(_("This document has already been issued."))
    if not doc.is_approved:
        if not _holds(actor, org, APPROVER):
            raise Forbidden(_("This document has not been approved for issuing: an approver "
                              "of the unit must approve it before the clerk issues it."))
        _check_approval(doc, actor)
        _set_approval(doc, actor)
    elif not _holds(doc.approved_by, org, APPROVER):
        raise Forbidden(_("The user who approved this document is no longer an approver of "
                          "the unit: it must be approved again."))
    return _issue(doc, actor, today)


def _issue(doc: CaseDocument, actor, today: date | None) -> CaseDocument:
    _check_issuable(doc)
    signer = doc.approved_by
    doc.content = dict(doc.content, signature=dict(doc.content.get("signature") or {},
                                                   signer_name=signer.full_name))
    issued_on = today or local_today()
    reporter = _reporter(doc, actor, "issue")
    number = next_number(doc.org_id, issued_on.year, doc.register)
    pdf = layout.build_pdf(render(doc, number=number, issued_on=issued_on, reporter=reporter))
    doc.number, doc.year, doc.issued_on = number, issued_on.year, issued_on
    doc.issued_at, doc.issued_by_id = datetime.now(UTC), actor.id
    doc.sha256, doc.page_count = hashlib.sha256(pdf).hexdigest(), _page_count(pdf)
    # It prints a sealed identity to be posted: kept only under the identity key.
    doc.pdf_sealed = names_sealed_reporter(doc)
    doc.pdf = identity.seal_bytes(pdf) if doc.pdf_sealed else pdf
    db.session.flush()
    _record(doc, actor, "document_issued", comment=f"{number_label(doc)} {doc.summary}",
            data={"document_id": doc.id, "number": number_label(doc),
                  "template": doc.template, "sha256": doc.sha256, "signed_by": signer.id,
                  "issued_on": issued_on.isoformat()})
    db.session.flush()
    return doc


def issue_now(case, actor, template_code: str, today: date | None = None) -> CaseDocument:
    """Draft from a template and issue it at once, signed by `actor`: for a workflow effect
    whose approval issues the document (e.g. a critique's approve_critique), so that it is
    numbered in the unit's register like every other. The workflow's own approval (with its
    four-eyes guard) is the approval here; the actor must be an approver of the unit."""
    _require_approver(actor, case.org)
    doc = draft_document(case, actor, template_code)
    _set_approval(doc, actor)
    return _issue(doc, actor, today)


# -- the documents a workflow step rests on (Action.documents; app.documents.steps) ----------

@dataclass
class Need:
    """One document a step needs on a case, and where the case stands with it."""
    template: DocumentTemplate
    #: Issued documents of the template on the case, oldest first.
    issued: list[CaseDocument] = field(default_factory=list)
    #: Drafts not yet issued.
    drafts: list[CaseDocument] = field(default_factory=list)
    #: How many were needed for the step's earlier firings.
    used: int = 0

    @property
    def satisfied(self) -> bool:
        return len(self.issued) > self.used

    @property
    def document(self) -> CaseDocument | None:
        """The issued document this firing rests on (the newest)."""
        return self.issued[-1] if self.satisfied else None


def step_templates(case, action) -> list[DocumentTemplate]:
    """The templates among `action.documents` that apply to `case` (its family and the
    template's condition, whatever the state): a denunciation's step needs the denunciation's
    decision, a complaint's the complaint's."""
    return applicable_templates(case, action.documents)


def applicable_templates(case, codes) -> list[DocumentTemplate]:
    """The registered templates among `codes` that apply to `case` whatever its state."""
    found = []
    for code in codes:
        tpl = get_template(code)
        if tpl is not None and case.family in tpl.families and (
                tpl.condition is None or tpl.condition(case)):
            found.append(tpl)
    return found


def needs(case, action) -> list[Need]:
    """What `action` needs on `case` (two statements; none when it names no document)."""
    templates = step_templates(case, action)
    if not templates:
        return []
    used = db.session.scalar(sa.select(sa.func.count()).select_from(CaseEvent).where(
        CaseEvent.case_id == case.id, CaseEvent.action == action.trigger,
        CaseEvent.to_state.is_not(None)))
    by_code = {tpl.code: Need(tpl, used=used) for tpl in templates}
    for doc in db.session.scalars(sa.select(CaseDocument).where(
            CaseDocument.case_id == case.id, CaseDocument.template.in_(list(by_code)))
            .order_by(CaseDocument.id)):
        need = by_code[doc.template]
        (need.issued if doc.is_issued else need.drafts).append(doc)
    return list(by_code.values())


def signer_among(users, org):
    """The first of `users` who signs for `org`: an approver at the unit itself (a role in a
    unit above does not number this unit's documents)."""
    return next((user for user in users if _holds(user, org, APPROVER)), None)


def issue_needed(case, trigger: str, actor, today=None) -> list[CaseDocument]:
    """Draft and issue at once, signed by `actor` (an approver of the case's unit), each
    document `trigger` still needs: for the demo data and for scripts replaying a case."""
    action = case.workflow.action(trigger)
    return [issue_now(case, actor, need.template.code, today)
            for need in needs(case, action) if not need.satisfied]


# --------------------------------------------------------------------------- unit documents
def draft_unit_document(org, actor, template_code: str, *, summary: str, content: dict,
                        period_start: date | None = None,
                        period_end: date | None = None) -> CaseDocument:
    """A draft of a document the unit issues on no case (a periodic report): `content` is
    what the template's `draw` lays out, frozen as it is now; approved and issued like any
    other, numbered in the unit's register."""
    tpl = get_template(template_code)
    if tpl is None or not tpl.is_unit:
        raise Invalid(_("This template does not apply here."), field="template")
    if not permissions.can_view_org(actor, org):
        raise NotFound(_("Unit not found."))
    if not can_draft_for(actor, org):
        raise Forbidden(_("Your role does not allow drafting documents in this unit."))
    content = dict(content, signature=unit_signature(org, content.get("signature") or {}))
    doc = CaseDocument(case_id=None, org_id=org.id, template=tpl.code, type_code=tpl.type_code,
                       register=tpl.register, summary=nfc(summary)[:500], content=content,
                       period_start=period_start, period_end=period_end,
                       created_by_id=actor.id)
    db.session.add(doc)
    db.session.flush()
    return doc


# --------------------------------------------------------------------------- corrections
#: The words of each kind of correction, in the register and the documents (Vietnamese).
CORRECTION_WORDS = {"replace": ("thay thế", "đã bị thay thế bởi"),
                    "correct": ("đính chính", "đã được đính chính bởi")}


def reference(doc: CaseDocument) -> str:
    """"Văn bản số 05/QĐ-LĐLĐ ngày 15/03/2026" of an issued document."""
    return f"Văn bản số {number_label(doc)} ngày {format_day(doc.issued_on)}"


def _correction_content(old: CaseDocument, kind: str) -> tuple[str, dict]:
    content = copy.deepcopy(old.content)
    content["signature"] = dict(content.get("signature") or {}, signer_name="")
    about = f"{reference(old)} của {old.org.name} về việc {old.summary[:1].lower()}" \
            f"{old.summary[1:]}".rstrip(".")
    if kind == "replace":
        content["body"] = "\n".join([f"Văn bản này thay thế {about}.",
                                     content.get("body", "")]).strip()
        return old.summary, content
    content["body"] = "\n".join([
        f"Đính chính {about} như sau:",
        "Tại …, đã ghi: “…”; nay sửa lại là: “…”.",
        f"Các nội dung khác của {reference(old)} giữ nguyên giá trị.",
    ])
    return f"Đính chính {reference(old)}", content


def draft_correction(old: CaseDocument, actor, kind: str) -> CaseDocument:
    """A new draft on the same case that replaces (thay thế) or corrects (đính chính) the
    issued `old`, prefilled from it and naming it; `old` stays in the register as it is."""
    if kind not in CORRECTIONS:
        raise Invalid(_("Choose whether the new document replaces or corrects this one."),
                      field="kind")
    if old.case is None:
        raise Conflict(_("A report is not corrected: draft it again from the statistics page "
                         "and issue the new one."))
    _check_draft(actor, old.case)
    _check_may_handle(actor, old.case, get_template(old.template))
    if not old.is_issued:
        raise Conflict(_("A draft is not corrected: edit it."))
    summary, content = _correction_content(old, kind)
    doc = CaseDocument(case_id=old.case_id, org_id=old.org_id, template=old.template,
                       type_code=old.type_code, register=old.register,
                       to_subject=old.to_subject, summary=summary[:500], content=content,
                       replaces_id=old.id, correction=kind, created_by_id=actor.id)
    db.session.add(doc)
    db.session.flush()
    record_event(old.case, actor, "document_drafted", data={
        "document_id": doc.id, "template": doc.template, "replaces": old.id,
        "correction": kind})
    db.session.flush()
    return doc


def corrections_of(doc: CaseDocument) -> list[CaseDocument]:
    """The issued documents that replace or correct `doc`, in the order they were issued."""
    return sorted((d for d in doc.corrected_by if d.is_issued), key=lambda d: d.issued_at)


def correction_notes(doc: CaseDocument) -> list[str]:
    """What the register book says of `doc`'s links (Vietnamese): "Thay thế Văn bản số …",
    "Đã bị thay thế bởi Văn bản số …"."""
    notes = []
    if doc.replaces is not None and doc.replaces.is_issued:
        notes.append(f"{CORRECTION_WORDS[doc.correction][0].capitalize()} "
                     f"{reference(doc.replaces)}")
    notes += [f"{CORRECTION_WORDS[d.correction][1].capitalize()} {reference(d)}"
              for d in corrections_of(doc)]
    return notes


def rotate_sealed_pdfs() -> int:
    """Re-encrypt the sealed issued PDFs under the first key of IDENTITY_KEY (with the
    identity store's own rotation)."""
    count = 0
    for doc in db.session.scalars(sa.select(CaseDocument).where(
            CaseDocument.pdf_sealed.is_(True))):
        doc.pdf = identity.rotate_token(doc.pdf)
        count += 1
    return count


def all_issued(case, codes) -> bool:
    """Every template among `codes` that applies to `case` has an issued document on it (the
    documents that meet a deadline, DeadlineRule.met_by). One statement."""
    wanted = {tpl.code for tpl in applicable_templates(case, codes)}
    if not wanted:
        return False
    issued = set(db.session.scalars(sa.select(CaseDocument.template).where(
        CaseDocument.case_id == case.id, CaseDocument.template.in_(list(wanted)),
        CaseDocument.issued_at.is_not(None)).distinct()))
    return wanted <= issued
