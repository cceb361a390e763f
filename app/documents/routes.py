"""Drafting, issuing and downloading documents; the unit's register (sổ văn bản)."""
from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.auth import permissions
from app.cases.views import load_case, render_detail
from app.core.calendar import local_today
from app.core.dates import format_day
from app.core.errors import DomainError
from app.core.forms import BaseForm, handle_form
from app.core.i18n import label_text
from app.core.params import int_arg, year_arg
from app.core.pdf.register import register_pdf
from app.documents import feature, queries, services
from app.documents.forms import CorrectionForm, DraftForm, NewDocumentForm
from app.documents.models import CaseDocument
from app.documents.registry import (
    OUTGOING,
    REGISTERS,
    get_template,
    org_header,
    templates_for,
)
from app.extensions import db
from app.identity import services as identity

bp = Blueprint("documents", __name__, url_prefix="/documents")


def load_document(doc_id: int) -> CaseDocument:
    """The document, or 404 when it is missing or outside the user's scope (its case's, or
    for a unit's report, the unit's)."""
    doc = db.session.get(CaseDocument, doc_id)
    if doc is None:
        abort(404)
    if doc.case_id is None:
        if not services.can_view(current_user, doc):
            abort(404)
        return doc
    load_case(doc.case_id)
    if services.names_sealed_reporter(doc):
        if services.keeps_tokens(doc):
            # Its text holds tokens: opening it reveals nothing, rendering it is audited.
            identity.check_can_see(doc.case, current_user)
        else:
            identity.read_document_naming_reporter(doc.case, current_user,
                                                   f"document:{doc.id}")
            db.session.commit()  # the read is on record whatever the request does next
    return doc


def recipient_of(doc: CaseDocument) -> str:
    """Nơi nhận in the register; never the name of a sender who was ever sealed."""
    if services.names_sealed_reporter(doc):
        return identity.sealed_recipient(doc.case)
    return "; ".join(doc.content.get("recipients") or doc.content.get("addressees") or [])


def filed_under(doc: CaseDocument) -> str:
    """The case code, or the period of a unit's report."""
    if doc.case is not None:
        return doc.case.code or ""
    if doc.period_start and doc.period_end:
        return f"{format_day(doc.period_start)} – {format_day(doc.period_end)}"
    return ""


def _new_form(case) -> NewDocumentForm:
    form = NewDocumentForm()
    form.template.choices = [(t.code, label_text(t.title)) for t in templates_for(case)]
    return form


def title_of(doc: CaseDocument) -> str:
    tpl = get_template(doc.template)
    return label_text(tpl.title) if tpl else doc.template


#: Template helpers of the documents' pages and panel.
HELPERS = {"document_title": title_of, "document_number": services.number_label,
           "document_recipient": recipient_of, "document_filed_under": filed_under,
           "document_corrections": services.corrections_of}


@bp.context_processor
def helpers():
    return HELPERS


@feature.panel("documents", "documents/_panel.html", order=70)
def panel(case) -> dict:
    drafting = services.can_draft(current_user, case)
    return {"documents": queries.documents_of(case), "can_draft": drafting,
            "form": _new_form(case) if drafting else None, **HELPERS}


@bp.route("/case/<int:case_id>/new", methods=["POST"])
def new(case_id: int):
    case = load_case(case_id)
    if not services.can_draft(current_user, case):
        abort(403)
    form = _new_form(case)
    if not form.validate_on_submit():
        return render_detail(case, 422, _("Choose a template that applies to this case."))
    try:
        doc = services.draft_document(case, current_user, form.template.data)
    except DomainError as exc:
        db.session.rollback()
        return render_detail(case, exc.status, exc.message)
    db.session.commit()
    flash(_("The draft has been prepared: check and complete the text."), "success")
    return redirect(url_for("documents.show", doc_id=doc.id))


def _render(doc, form):
    correcting = (doc.is_issued and doc.case is not None
                  and services.can_draft(current_user, doc.case)
                  and services.may_handle(current_user, doc))
    return render_template(
        "documents/document.html", doc=doc, case=doc.case, form=form,
        can_draft=services.can_edit(current_user, doc),
        can_approve=services.can_approve(current_user, doc),
        can_issue=services.can_issue(current_user, doc),
        # Who will sign, until an approver approves it: the unit's signer.
        signer=None if doc.approved_by_id else queries.unit_signer(doc.org)[0],
        correction_form=CorrectionForm() if correcting else None)


@bp.route("/<int:doc_id>", methods=["GET", "POST"])
def show(doc_id: int):
    doc = load_document(doc_id)
    form = DraftForm()
    if request.method == "POST" and doc.case is not None and not services.can_draft(
            current_user, doc.case):
        abort(403)
    if request.method == "GET":
        form.fill(doc)

    def done(_doc):
        flash(_("The draft has been saved."), "success")
        return redirect(url_for("documents.show", doc_id=doc.id))

    return handle_form(form, lambda: services.update_draft(doc, current_user, **form.values()),
                       lambda: _render(doc, form), done)


def _act(doc_id: int, act, done_message):
    """Approve or issue from the document page: the service says who may (403 with its reason)."""
    doc = load_document(doc_id)
    if not BaseForm().validate_on_submit():
        abort(400)
    try:
        act(doc, current_user)
    except DomainError as exc:
        # `doc` is the row the service locked; the rollback expires it, so it reloads as
        # stored (loading it again would record a second read of a sealed sender's name).
        db.session.rollback()
        flash(exc.message, "danger")
        return _render(doc, _filled(doc)), exc.status
    db.session.commit()
    flash(done_message(doc), "success")
    return redirect(url_for("documents.show", doc_id=doc.id))


@bp.route("/<int:doc_id>/approve", methods=["POST"])
def approve(doc_id: int):
    return _act(doc_id, services.approve_document,
                lambda _doc: _("Approved for issuing: the clerk may now issue it, signed in "
                               "your name. Any change to the draft voids the approval."))


@bp.route("/<int:doc_id>/issue", methods=["POST"])
def issue(doc_id: int):
    return _act(doc_id, services.issue_document,
                lambda doc: _("Issued as number %(number)s.",
                              number=services.number_label(doc)))


def _pdf_response(pdf: bytes, name: str):
    from flask import make_response

    response = make_response(pdf)
    response.headers["Content-Type"] = "application/pdf"
    response.headers["Content-Disposition"] = f'inline; filename="{name}"'
    response.headers["Cache-Control"] = "private, no-store"
    return response


@bp.route("/<int:doc_id>/correct", methods=["POST"])
def correct(doc_id: int):
    """Draft a new document that replaces or corrects this issued one (never edit it)."""
    doc = load_document(doc_id)
    form = CorrectionForm()
    if not form.validate_on_submit():
        flash(_("Choose whether the new document replaces or corrects this one."), "danger")
        return _render(doc, _filled(doc)), 422
    try:
        new_doc = services.draft_correction(doc, current_user, form.kind.data)
    except DomainError as exc:
        db.session.rollback()
        flash(exc.message, "danger")
        return _render(doc, _filled(doc)), exc.status
    db.session.commit()
    flash(_("The new document naming No. %(number)s has been drafted: check and complete it.",
            number=services.number_label(doc)), "success")
    return redirect(url_for("documents.show", doc_id=new_doc.id))


def _filled(doc) -> DraftForm:
    form = DraftForm(formdata=None)
    form.fill(doc)
    return form


@bp.route("/<int:doc_id>.pdf")
def pdf(doc_id: int):
    doc = load_document(doc_id)
    label = services.number_label(doc)
    name = f"{doc.year}-{doc.number:03d}.pdf" if label else f"du-thao-{doc.id}.pdf"
    data = services.pdf_of(doc, current_user)
    db.session.commit()  # the audit line of a read of a sealed sender's identity, if any
    return _pdf_response(data, name)


def _register_args():
    """(unit, year, register, visible units) from the query string; 404 outside scope."""
    orgs = db.session.scalars(permissions.visible_orgs(current_user)).all()
    if not orgs:
        abort(404)
    wanted = int_arg(request.args, "org")
    if wanted is None and request.args.get("org"):
        abort(404)
    home = current_user.home_org
    default = home if home in orgs else orgs[0]
    org = default if wanted is None else next((o for o in orgs if o.id == wanted), None)
    if org is None:
        abort(404)
    year = year_arg(request.args, default=local_today().year)
    register = request.args.get("register", OUTGOING)
    if register not in REGISTERS:
        abort(404)
    return org, year, register, orgs


@bp.route("/register")
def register():
    org, year, reg, orgs = _register_args()
    years = sorted({year, local_today().year, *queries.register_years(org.id)},
                   reverse=True)
    return render_template("documents/register.html", org=org, year=year, register=reg,
                           orgs=orgs, years=years, registers=REGISTERS,
                           entries=queries.register_entries(org.id, year, reg))


@bp.route("/register.pdf")
def register_file():
    org, year, reg, _orgs = _register_args()
    rows = []
    for doc in queries.register_entries(org.id, year, reg):
        sig = doc.content.get("signature") or {}
        kind = doc.content.get("type_name") or "Công văn"
        notes = "".join(f" ({note})" for note in services.correction_notes(doc))
        rows.append([services.number_label(doc), format_day(doc.issued_on),
                     f"{kind} {doc.summary}{notes}", sig.get("signer_name", ""),
                     recipient_of(doc), filed_under(doc)])
    pdf = register_pdf(org_header(org), REGISTERS[reg].vi, year, local_today(), rows)
    return _pdf_response(pdf, f"so-van-ban-{org.id}-{year}.pdf")
