from flask import (
    Blueprint,
    abort,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user

from app.auth import permissions
from app.cases.models import Attachment, Case
from app.cases.views import load_case, render_detail
from app.core import uploads
from app.core.calendar import local_today
from app.core.errors import DomainError
from app.core.forms import BaseForm, handle_form
from app.critique import feature, queries, rules, services
from app.critique.documents import critique_pdf, issued_critique
from app.critique.forms import (
    MEETING_LABELS,
    POSITION_LABELS,
    RESPONSE_LABELS,
    ArticlesForm,
    CommentsForm,
    ConsultationForm,
    MeetingForm,
    PointsForm,
    RegisterForm,
    ResponseForm,
)
from app.critique.models import Consultation, CritiqueMeeting, CritiquePoint
from app.documents import services as document_services
from app.extensions import db
from app.orgs.models import Organisation
from workflows.vocab import CRITIQUE

bp = Blueprint("critique", __name__, url_prefix="/critique", static_folder="static")

#: Where files are kept: the draft's text (owner_kind of app.cases.models.Attachment).
DRAFT_FILES = "critique_draft"


#: The labels of comments, responses and meetings, for the critique pages and the case panel.
LABELS = {"positions": POSITION_LABELS, "responses": RESPONSE_LABELS, "meetings": MEETING_LABELS}


@bp.context_processor
def labels():
    return {"critique_labels": LABELS}


def _draft_files(case):
    return db.session.scalars(db.select(Attachment).where(
        Attachment.case_id == case.id, Attachment.owner_kind == DRAFT_FILES)).all()


@feature.panel("critique", "critique/_panel.html", families={CRITIQUE}, order=10)
def records_panel(case):
    critique = rules.critique_of(case)
    points = rules.points_of(case)
    document = issued_critique(case)
    notice = rules.notice(case.received_on, critique.submission_on) if critique else None
    return {
        "critique": critique,
        "document": document,
        "number": document_services.number_label(document) if document else None,
        "notice": notice,
        "short_notice": short_notice(notice) if notice and notice.is_short else None,
        "labels": LABELS,
        "articles": rules.articles_of(case),
        "meetings": rules.meetings_of(case),
        "consultations": rules.consultations_of(case),
        "points": points,
        "tally": queries.response_tally(points),
        "issued": rules.was_issued(case),
        "files": _draft_files(case),
        # The buttons of each record, by the rule its service enforces.
        "can": {record: services.can_edit(current_user, case, record)
                for record in services.RECORDS},
    }


def _case_form(case, record, form, template, save, message, **extra):
    """A critique record form on `case`: saved by `save`, back to the case page when done.
    A POST by someone who may not write the `record` is refused before the form is read."""
    if request.method == "POST" and not services.can_write(current_user, case, record):
        abort(403)

    def done(_result):
        flash(message, "success")
        return redirect(url_for("cases.detail", case_id=case.id))

    return handle_form(form, save, lambda: render_template(template, case=case, form=form,
                                                           **extra), done)


@bp.route("/new", methods=["GET", "POST"])
def new():
    orgs = db.session.scalars(permissions.creatable_orgs(current_user)).all()
    if not orgs:
        abort(403)
    form = RegisterForm()
    form.fill_choices(orgs)
    if request.method == "GET":
        form.received_on.data = local_today()

    def save():
        # The choices are the units the user may log cases in, so a valid org_id is in scope.
        return services.register_draft(
            current_user, db.session.get(Organisation, form.org_id.data), title=form.title.data,
            drafting_body=form.drafting_body.data, kind=form.kind.data,
            received_on=form.received_on.data, submission_on=form.submission_on.data,
            summary=form.summary.data, articles=services.split_articles(form.articles_text.data),
            files=uploads.read_uploads(request.files.getlist("files")))

    def done(critique):
        case = db.session.get(Case, critique.case_id)
        flash(_("Case %(code)s has been logged.", code=case.code), "success")
        return redirect(url_for("cases.detail", case_id=case.id))

    return handle_form(form, save, lambda: render_template(
        "critique/new.html", form=form, required_days=rules.notice_days_required()),
        done)


def short_notice(notice) -> str:
    """The warning shown on a case whose draft arrived with less notice than the rule."""
    return _("The draft arrived %(days)d days before its submission; the drafting body must send "
             "it at least %(required)d days before (%(basis)s).", days=notice.days,
             required=notice.required, basis=notice.legal_basis)


@bp.route("/<int:case_id>/articles", methods=["GET", "POST"])
def articles(case_id: int):
    case = load_case(case_id, CRITIQUE)
    if request.method == "GET":
        rows = [{"number": a.number, "heading": a.heading, "text": a.text}
                for a in rules.articles_of(case)]
        form = ArticlesForm(data={"articles": rows + [{}] * 3})
    else:
        form = ArticlesForm()
    return _case_form(
        case, "articles", form, "critique/articles.html",
        lambda: services.set_articles(case, current_user, [
            e.form.data for e in form.articles.entries] + services.split_articles(
            form.paste.data)),
        _("The articles have been saved."))


@bp.route("/<int:case_id>/meetings/new/<kind>", methods=["GET", "POST"])
@bp.route("/<int:case_id>/meetings/<int:meeting_id>", methods=["GET", "POST"])
def meeting(case_id: int, kind: str | None = None, meeting_id: int | None = None):
    case = load_case(case_id, CRITIQUE)
    existing = None
    if meeting_id is not None:
        existing = db.session.get(CritiqueMeeting, meeting_id)
        if existing is None or existing.case_id != case.id:
            abort(404)
        kind = existing.kind
    if kind not in MEETING_LABELS:
        abort(404)
    form = MeetingForm(obj=existing)
    if request.method == "GET" and existing is None:
        # Held today, with the body that drafted the text (the other side of a dialogue).
        form.held_on.data = local_today()
        form.participants.data = rules.critique_of(case).drafting_body
    return _case_form(
        case, "meeting", form, "critique/meeting.html",
        lambda: services.record_meeting(
            case, current_user, kind=kind, held_on=form.held_on.data, place=form.place.data,
            participants=form.participants.data, minutes=form.minutes.data, meeting=existing),
        _("The meeting has been recorded."), heading=MEETING_LABELS[kind])


@bp.route("/<int:case_id>/consultations/new", methods=["GET", "POST"])
def consultation(case_id: int):
    case = load_case(case_id, CRITIQUE)
    form = ConsultationForm()
    form.org_ids.choices = [(u.id, u.display_name) for u in services.invitable_units(case)]
    return _case_form(
        case, "consultation", form, "critique/consultation.html",
        lambda: services.send_consultation(
            case, current_user, deadline=form.deadline.data, org_ids=form.org_ids.data,
            experts=[e.form.data for e in form.experts.entries], message=form.message.data),
        _("The draft has been sent for comments."))


@bp.route("/<int:case_id>/consultations/<int:consultation_id>/remind", methods=["POST"])
def remind(case_id: int, consultation_id: int):
    case = load_case(case_id, CRITIQUE)
    found = db.session.get(Consultation, consultation_id)
    if found is None or found.case_id != case.id:
        abort(404)
    if not services.can_write(current_user, case, "reminder"):
        abort(403)
    if not BaseForm().validate_on_submit():
        abort(400)
    try:
        sent = services.send_reminder(found, current_user)
    except DomainError as exc:
        db.session.rollback()
        return render_detail(case, exc.status, exc.message)
    db.session.commit()
    flash(_("A reminder has been sent to %(n)d invitees.", n=len(sent)), "success")
    return redirect(url_for("cases.detail", case_id=case.id))


@bp.route("/<int:case_id>/consolidation", methods=["GET", "POST"])
def consolidation(case_id: int):
    case = load_case(case_id, CRITIQUE)
    articles = rules.articles_of(case)
    if request.method == "GET":
        rows = [{"article_id": p.article_id, "text": p.text} for p in rules.points_of(case)]
        form = PointsForm(data={"points": rows + [{}] * 3})
    else:
        form = PointsForm()
    choices = [("", _("General point"))] + [(str(a.id), f"{a.reference}. {a.heading}")
                                            for a in articles]
    for entry in form.points.entries:
        entry.form.article_id.choices = choices
    return _case_form(
        case, "points", form, "critique/consolidation.html",
        lambda: services.save_points(case, current_user,
                                     [e.form.data for e in form.points.entries]),
        _("The points of the critique have been saved."),
        table=queries.comments_side_by_side(case),
        can_edit=services.can_edit(current_user, case, "points"))


@bp.route("/<int:case_id>/points/<int:point_id>/response", methods=["GET", "POST"])
def response(case_id: int, point_id: int):
    case = load_case(case_id, CRITIQUE)
    point = db.session.get(CritiquePoint, point_id)
    if point is None or point.case_id != case.id:
        abort(404)
    form = ResponseForm(obj=point)
    if request.method == "GET" and point.responded_on is None:
        form.responded_on.data = local_today()
    return _case_form(
        case, "response", form, "critique/response.html",
        lambda: services.record_response(point, case, current_user,
                                         response=form.response.data, text=form.text.data,
                                         responded_on=form.responded_on.data),
        _("The response has been recorded."), point=point)


@bp.route("/<int:case_id>/critique.pdf")
def document(case_id: int):
    case = load_case(case_id, CRITIQUE)
    issued = issued_critique(case)
    if issued is not None:  # the frozen PDF, served by the documents layer
        return redirect(url_for("documents.pdf", doc_id=issued.id))
    if not rules.points_of(case):
        abort(404)
    return uploads.file_response(f"{case.code}-phan-bien-xa-hoi.pdf", "application/pdf",
                                 critique_pdf(case))


def _draft_file(case, att_id: int):
    att = db.session.get(Attachment, att_id)
    if att is None or att.case_id != case.id or att.owner_kind != DRAFT_FILES:
        abort(404)
    return uploads.attachment_response(att)


@bp.route("/<int:case_id>/attachments/<int:att_id>")
def attachment(case_id: int, att_id: int):
    return _draft_file(load_case(case_id, CRITIQUE), att_id)


@bp.route("/requests")
def requests():
    can_register = db.session.scalar(permissions.creatable_orgs(current_user).limit(1))
    return render_template("critique/requests.html",
                           invitations=queries.requests_for(current_user),
                           can_register=can_register is not None, today=local_today())


def _load_request(invitee_id: int):
    invitee = queries.request_for(current_user, invitee_id)
    if invitee is None:
        abort(404)
    return invitee


@bp.route("/requests/<int:invitee_id>", methods=["GET", "POST"])
def request_page(invitee_id: int):
    invitee = _load_request(invitee_id)
    case = invitee.consultation.case
    articles = rules.articles_of(case)
    if request.method == "GET":
        mine = {c.article_id: c for c in invitee.comments}
        form = CommentsForm(data={"comments": [
            {"article_id": a.id, "position": mine[a.id].position if a.id in mine else "",
             "text": mine[a.id].text if a.id in mine else ""} for a in articles]})
    else:
        form = CommentsForm()
    entries = {e.form.article_id.data: e.form for e in form.comments.entries}

    def done(_saved):
        flash(_("Your comments have been sent."), "success")
        return redirect(url_for("critique.request_page", invitee_id=invitee.id))

    return handle_form(
        form,
        lambda: services.submit_comments(invitee, current_user,
                                         [e.form.data for e in form.comments.entries]),
        lambda: render_template("critique/request.html", invitee=invitee, case=case,
                                critique=rules.critique_of(case), articles=articles,
                                entries=entries, form=form, files=_draft_files(case),
                                open_for_comments=case.takes("comments"),
                                today=local_today()),
        done)


@bp.route("/requests/<int:invitee_id>/attachments/<int:att_id>")
def request_attachment(invitee_id: int, att_id: int):
    return _draft_file(_load_request(invitee_id).consultation.case, att_id)
