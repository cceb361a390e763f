import sqlalchemy as sa
from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy.orm.attributes import set_committed_value

from app.auth import permissions
from app.auth.models import User
from app.cases import services as case_services
from app.cases.models import Attachment, Case
from app.cases.views import (
    load_case,
    render_detail,
    require_action,
    step_form,
    step_hints,
)
from app.core import uploads
from app.core.dates import format_day
from app.core.errors import DomainError, NotFound
from app.core.forms import handle_form
from app.core.pdf.layout import build_pdf
from app.extensions import db
from app.identity import services as identity
from app.letters import documents, feature, queries, rules, services
from app.letters.forms import (
    COMPLEXITY,
    FORWARD_RESULT_LABELS,
    AcceptForm,
    ClassifyForm,
    DuplicateForm,
    EscalateForm,
    ForwardReplyForm,
    LetterForm,
    SecondComplaintForm,
)
from app.letters.models import LetterDetails
from app.orgs.models import Organisation
from workflows.letter import FORWARD_PENDING
from workflows.vocab import LETTER

bp = Blueprint("letters", __name__, url_prefix="/letters")
#: The pages of the steps fired from their own forms, linked from the case page's next steps.
feature.step_pages.update({(LETTER, "accept"): "letters.accept",
                           (LETTER, "record_reply"): "letters.forward_reply",
                           (LETTER, "escalate"): "letters.escalate"})


def _to_case(message):
    def done(case):
        flash(message(case), "success")
        return redirect(url_for("cases.detail", case_id=case.id))
    return done


def _letter_with_receiver(case) -> tuple[LetterDetails | None, str | None]:
    """``case.letter`` and the name of the officer who received it, in one statement when the
    details are not loaded yet (the panel shows that name)."""
    if "letter" in sa.inspect(case).dict:
        letter = case.letter
        return letter, (letter.received_by.full_name
                        if letter is not None and letter.received_by is not None else None)
    row = db.session.execute(
        sa.select(LetterDetails, User.full_name)
        .outerjoin(User, User.id == LetterDetails.received_by_id)
        .where(LetterDetails.case_id == case.id)).first()
    letter, received_by = row if row is not None else (None, None)
    set_committed_value(case, "letter", letter)
    return letter, received_by


@feature.panel("letter", "letters/_panel.html", families={LETTER}, order=10)
def panel(case) -> dict:
    """What the letter panel shows this user; never another letter's sender."""
    letter, received_by = _letter_with_receiver(case)
    primary = rules.primary_of(case)
    can_merge = case_services.may_fire(current_user, case, "merge_duplicate")
    can_see_sender = identity.can_see(current_user, case)
    return {
        "letter": letter,
        "received_by": received_by,
        "primary": primary if primary.id != case.id else None,
        "duplicates": rules.duplicates_of(case),
        "candidates": rules.duplicate_candidates(case, current_user) if can_merge else [],
        "show_sender_reason": can_see_sender,
        "can_classify": rules.can_classify(current_user, case),
        "classifies_first": rules.classifies_first(case),
        # Drafts addressed to a denouncer: revealed per download and audited, never stored.
        # Every other letter document is drafted and issued in the documents panel.
        "documents": [(slug, documents.DOCUMENTS[slug].label)
                      for slug in documents.available(case)
                      if can_see_sender and identity.is_sealed(case)
                      and documents.needs_reporter(slug, case)],
        "attachments": db.session.scalars(db.select(Attachment).where(
            Attachment.case_id == case.id, Attachment.owner_kind == services.OWNER_KIND)
            .order_by(Attachment.id)).all(),
        "can_accept": case_services.may_fire(current_user, case, "accept"),
        # Lodged at the unit above: its people handle it; here only a summary shows.
        "second_complaints": [
            (c, permissions.can_view_case(current_user, c), rules.result_of(c))
            for c in case.children if c.family == LETTER],
        "can_open_second": services.can_open_second_complaint(current_user, case),
        "complexity_labels": COMPLEXITY,
    }


@bp.route("/new", methods=["GET", "POST"])
def new():
    orgs = db.session.scalars(permissions.creatable_orgs(current_user)).all()
    if not orgs:
        abort(403)
    form = LetterForm()
    form.fill_choices(orgs)

    def save():
        return services.receive_letter(
            current_user, db.session.get(Organisation, form.org_id.data),
            title=form.title.data, summary=form.summary.data, channel=form.channel.data,
            intake_form=form.intake_form.data, received_on=form.received_on.data,
            is_anonymous=form.is_anonymous.data,
            reporter=identity.Reporter(
                name=form.sender_name.data or "", address=form.sender_address.data or "",
                contact=form.sender_contact.data or "",
                representative=(form.sender_name.data or "") if form.signers else "",
                signers=form.signers),
            signer_count=form.signer_count.data, subject=form.subject,
            confidential=form.keep_confidential.data,
            files=uploads.read_uploads(request.files.getlist("files")),
            sender_files=uploads.read_uploads(request.files.getlist("sender_files")))

    return handle_form(form, save, lambda: render_template("letters/new.html", form=form),
                       _to_case(lambda case: _("Letter %(code)s has been logged. Print the "
                                               "receipt for the sender from the letter panel.",
                                               code=case.code)))


@bp.route("/<int:case_id>/classify", methods=["GET", "POST"])
def classify(case_id: int):
    case = load_case(case_id, LETTER)
    if not permissions.can_fire(current_user, case, case.workflow.action("classify")):
        abort(403)
    if not case.takes("classification"):
        abort(409)
    letter = case.letter
    form = ClassifyForm()
    form.fill_choices()
    if request.method == "GET":
        form.version.data = case.version
        form.kind.data = case.kind or ""
        if letter is not None:
            for name in ("invalid_reason", "names_violator", "has_evidence", "competent_body",
                         "complexity", "remote_area"):
                getattr(form, name).data = getattr(letter, name)
            for name in ("is_valid", "within_competence"):
                value = getattr(letter, name)
                getattr(form, name).data = "" if value is None else ("yes" if value else "no")
    return handle_form(
        form, lambda: services.classify_letter(case, current_user, **form.values()),
        lambda: render_template("letters/classify.html", case=case, form=form),
        _to_case(lambda c: _("The classification has been saved.")))


def _step_form(case_id: int, trigger: str, form_class):
    """The letter and the form of a step fired from its own page: 404 outside the user's
    scope, 403 for a role that may not fire it, 409 when the letter's state does not allow
    it now."""
    case = load_case(case_id, LETTER)
    return case, step_form(case, trigger, form_class)


@bp.route("/<int:case_id>/accept", methods=["GET", "POST"])
def accept(case_id: int):
    """Thụ lý on the day the officer enters; the resolution deadline counts from it."""
    case, form = _step_form(case_id, "accept", AcceptForm)
    return handle_form(
        form, lambda: services.accept_letter(
            case, current_user, accepted_on=form.accepted_on.data, comment=form.comment.data,
            expected_version=form.version.data),
        lambda: render_template("letters/accept.html", case=case, form=form,
                                hints=step_hints(case, case.workflow.action("accept"))),
        _to_case(lambda c: _("The letter has been accepted for handling on %(day)s.",
                             day=format_day(form.accepted_on.data))))


@feature.panel("letter_forward", "letters/_forward_panel.html", families={LETTER}, order=11)
def forward_panel(case) -> dict | None:
    """A forwarded letter: the reply deadline, the receiving body's replies, and the steps
    that follow an unanswered forward. Nothing for a letter never forwarded."""
    if case.letter is None or case.letter.forwarded_on is None:
        return None
    return {
        "letter": case.letter,
        "replies": queries.forward_replies(case),
        "results": FORWARD_RESULT_LABELS,
        "waiting": case.state in FORWARD_PENDING,
        "is_overdue": case.state in FORWARD_PENDING and case.is_overdue(),
        "can_reply": case_services.may_fire(current_user, case, "record_reply"),
        "can_escalate": case_services.may_fire(current_user, case, "escalate"),
    }


@bp.route("/<int:case_id>/forward-reply", methods=["GET", "POST"])
def forward_reply(case_id: int):
    """The receiving body's answer to a forwarded letter, and its result."""
    case, form = _step_form(case_id, "record_reply", ForwardReplyForm)
    return handle_form(
        form, lambda: services.record_forward_reply(
            case, current_user, received_on=form.received_on.data, text=form.text.data,
            result=form.result.data, document_number=form.document_number.data or "",
            document_date=form.document_date.data, expected_version=form.version.data),
        lambda: render_template("letters/forward_reply.html", case=case, form=form),
        _to_case(lambda c: _("The reply of %(body)s has been recorded.",
                             body=c.letter.competent_body)))


@bp.route("/<int:case_id>/escalate", methods=["GET", "POST"])
def escalate(case_id: int):
    """Kiến nghị cấp trên of a receiving body that has not answered."""
    case, form = _step_form(case_id, "escalate", EscalateForm)
    return handle_form(
        form, lambda: services.escalate_forward(
            case, current_user, superior=form.superior.data, comment=form.comment.data,
            expected_version=form.version.data),
        lambda: render_template("letters/escalate.html", case=case, form=form),
        _to_case(lambda c: _("The letter has been taken to %(superior)s.",
                             superior=c.letter.escalated_to)))


@bp.route("/<int:case_id>/duplicate", methods=["POST"])
def duplicate(case_id: int):
    case = load_case(case_id, LETTER)
    require_action(case, "merge_duplicate")
    form = DuplicateForm()
    if not form.validate():
        return render_detail(case, 422, _("The form is incomplete; reload the page."))
    primary = db.session.scalar(
        db.select(Case).where(Case.id == form.primary_id.data, Case.family == LETTER,
                              permissions.scope_condition(current_user, Case.org_id)))
    try:
        services.mark_duplicate(case, current_user, primary, comment=form.comment.data or "",
                                expected_version=form.version.data)
    except DomainError as exc:
        db.session.rollback()
        db.session.refresh(case)
        return render_detail(case, exc.status, exc.message)
    db.session.commit()
    flash(_("Letter %(code)s is now handled together with %(primary)s.", code=case.code,
            primary=case.letter.duplicate_of.code), "success")
    return redirect(url_for("cases.detail", case_id=case.id))


@bp.route("/<int:case_id>/second-complaint", methods=["GET", "POST"])
def second_complaint(case_id: int):
    first = load_case(case_id, LETTER)
    if not services.can_open_second_complaint(current_user, first):
        superior = services.superior_of(first)
        abort(409 if superior is None or permissions.can_create_in(current_user, superior)
              else 403)
    form = SecondComplaintForm()
    if request.method == "GET":
        form.title.data = first.title  # the same matter, taken to the unit above
    return handle_form(
        form,
        lambda: services.open_second_complaint(
            first, current_user, title=form.title.data, summary=form.summary.data,
            received_on=form.received_on.data,
            files=uploads.read_uploads(request.files.getlist("files"))),
        lambda: render_template("letters/second.html", case=first, form=form),
        _to_case(lambda c: _("Second complaint %(code)s has been opened.", code=c.code)))


@bp.route("/<int:case_id>/documents/<slug>.pdf")
def document(case_id: int, slug: str):
    """A draft document of the letter; those addressed to the sender reveal them (audited)."""
    case = load_case(case_id, LETTER)
    if slug not in documents.available(case):
        raise NotFound(_("This document cannot be drafted at this stage of the letter."))
    reporter = None
    if documents.needs_reporter(slug, case):
        reporter = identity.reveal(case, current_user, f"document:{slug}")
        if reporter is None:
            raise NotFound(_("No sender was recorded for this letter."))
    pdf = build_pdf(documents.build(slug, case, reporter))
    db.session.commit()  # the audit line of the reveal
    return uploads.file_response(f"{case.code}-{slug}.pdf", "application/pdf", pdf)


@bp.route("/<int:case_id>/attachments/<int:att_id>")
def attachment(case_id: int, att_id: int):
    case = load_case(case_id, LETTER)
    att = db.session.get(Attachment, att_id)
    if att is None or att.case_id != case.id or att.owner_kind != services.OWNER_KIND:
        abort(404)
    return uploads.attachment_response(att)
