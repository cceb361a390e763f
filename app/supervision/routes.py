"""Supervision pages: programme, plan, delegation, sessions, dialogues and reports."""
from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.auth import permissions
from app.auth.models import RoleAssignment, User
from app.cases.models import Attachment, Case
from app.cases.views import load_case
from app.core import uploads
from app.core.calendar import local_today
from app.core.errors import Invalid
from app.core.forms import BaseForm, handle_form
from app.core.params import year_arg
from app.extensions import db
from app.orgs.models import Organisation
from app.supervision import feature, rules, services
from app.supervision.forms import (
    DelegationForm,
    DialogueForm,
    PlanForm,
    ProgrammeForm,
    ReportForm,
    WorkingSessionForm,
)
from app.supervision.models import (
    DialogueSession,
    ProgrammeItem,
    SupervisionReport,
    WorkingSession,
)
from workflows.registry import WORKFLOWS
from workflows.vocab import RECOMMENDATION, SUPERVISION

bp = Blueprint("supervision", __name__, url_prefix="/supervision")


@feature.panel("open_supervision", "supervision/_from_signal.html", slot="actions",
               families=set(WORKFLOWS) - {SUPERVISION, RECOMMENDATION})
def from_signal_panel(case):
    """A signal of any other family can open a supervision, where the user may log cases."""
    return {"can_open": permissions.can_create_in(current_user, case.org)}


def _case_form(case, record, form, template, save, message, **extra):
    """A supervision record form on `case`: saved by `save`, back to the case page when done.
    A POST by someone who may not write the `record` is refused before the form is read."""
    if request.method == "POST" and not services.can_write(current_user, case, record):
        abort(403)

    def done(_result):
        flash(message, "success")
        return redirect(url_for("cases.detail", case_id=case.id))

    return handle_form(form, save, lambda: render_template(template, case=case, form=form,
                                                           **extra), done)


@feature.panel("supervision", "supervision/_panel.html", families={SUPERVISION}, order=10)
def records_panel(case):
    return {
        "plan": rules.plan_of(case),
        "delegation": rules.delegation_of(case),
        "sessions": db.session.scalars(db.select(WorkingSession).where(
            WorkingSession.case_id == case.id).order_by(WorkingSession.held_on)).all(),
        "dialogues": db.session.scalars(db.select(DialogueSession).where(
            DialogueSession.case_id == case.id).order_by(DialogueSession.held_on)).all(),
        "reports": rules.reports_of(case),
        "attachments": db.session.scalars(db.select(Attachment).where(
            Attachment.case_id == case.id, Attachment.owner_kind == "working_session")).all(),
        # What the panel lists of the cases it issued: their columns, not the cases.
        "children": db.session.execute(db.select(
            Case.id, Case.code, Case.subject_name, Case.family, Case.state, Case.due_on)
            .where(Case.parent_id == case.id).order_by(Case.id)).all(),
        "earliest_fieldwork": rules.fieldwork_awaited(case),
        # The buttons of each record, by the rule its service enforces.
        "can": {record: services.can_edit(current_user, case, record)
                for record in services.RECORDS},
    }


@bp.route("/<int:case_id>/plan", methods=["GET", "POST"])
def plan(case_id: int):
    case = load_case(case_id)
    existing = rules.plan_of(case)
    form = PlanForm(obj=existing)
    if request.method == "GET" and existing is None:
        form.prefill(case)
    return _case_form(
        case, "plan", form, "supervision/plan.html",
        lambda: services.save_plan(
            case, current_user, purpose=form.purpose.data, content=form.content.data,
            form=form.form.data, place=form.place.data, starts_on=form.starts_on.data,
            ends_on=form.ends_on.data, subject_preparation=form.subject_preparation.data),
        _("The plan has been saved."))


def _member_choices(case):
    users = db.session.scalars(
        db.select(User).join(RoleAssignment).join(Organisation)
        .where(User.active.is_(True))
        .where(Organisation.id.in_(case.org.ancestor_ids)).distinct()
        .order_by(User.full_name)).all()
    return [("", "—")] + [(str(u.id), u.full_name) for u in users]


@bp.route("/<int:case_id>/delegation", methods=["GET", "POST"])
def delegation(case_id: int):
    case = load_case(case_id)
    form = DelegationForm()
    choices = _member_choices(case)
    if request.method == "GET":
        form.prefill(rules.delegation_of(case))
    for entry in form.members.entries:
        entry.form.user_id.choices = choices
    return _case_form(
        case, "delegation", form, "supervision/delegation.html",
        lambda: services.set_delegation(case, current_user, [
            {"user_id": e.form.user_id.data, "name": e.form.name.data,
             "position": e.form.position.data, "role": e.form.role.data}
            for e in form.members.entries]),
        _("The delegation has been named."))


@bp.route("/<int:case_id>/sessions", methods=["GET", "POST"])
def working_session(case_id: int):
    case = load_case(case_id)
    form = WorkingSessionForm()
    if request.method == "GET":
        form.prefill(case, rules.plan_of(case), rules.delegation_of(case), local_today())
    return _case_form(
        case, "session", form, "supervision/session.html",
        lambda: services.record_working_session(
            case, current_user, held_on=form.held_on.data, place=form.place.data,
            participants=form.participants.data, minutes=form.minutes.data,
            documents_received=form.documents_received.data,
            files=uploads.read_uploads(request.files.getlist("files"))),
        _("The working session has been recorded."))


@bp.route("/<int:case_id>/attachments/<int:att_id>")
def attachment(case_id: int, att_id: int):
    case = load_case(case_id)
    att = db.session.get(Attachment, att_id)
    if att is None or att.case_id != case.id:
        abort(404)
    return uploads.attachment_response(att)


@bp.route("/<int:case_id>/dialogues", methods=["GET", "POST"])
def dialogue(case_id: int):
    case = load_case(case_id)
    form = DialogueForm()
    form.fill_choices()
    if request.method == "GET":
        form.prefill(case, rules.delegation_of(case), local_today())
    return _case_form(
        case, "dialogue", form, "supervision/dialogue.html",
        lambda: services.record_dialogue(
            case, current_user, kind=form.kind.data, held_on=form.held_on.data,
            union_side=form.union_side.data, other_side=form.other_side.data,
            agenda=form.agenda.data, agreed=form.agreed.data, not_agreed=form.not_agreed.data),
        _("The dialogue has been recorded."))


@bp.route("/<int:case_id>/report", methods=["GET", "POST"])
def report(case_id: int):
    case = load_case(case_id)
    latest = rules.latest_report(case)
    form = ReportForm()
    if request.method == "GET":
        form.prefill_addressees(case, len(latest.recommendations) if latest else 0)
    if request.method == "GET" and latest is not None:
        form.conclusion.data = latest.conclusion
        for i, f in enumerate(latest.findings[:len(form.findings.entries)]):
            for key, value in f.items():
                getattr(form.findings.entries[i].form, key).data = value
        for i, r in enumerate(latest.recommendations[:len(form.recommendations.entries)]):
            for key, value in r.items():
                getattr(form.recommendations.entries[i].form, key).data = value
    return _case_form(
        case, "report", form, "supervision/report_form.html",
        lambda: services.save_report(
            case, current_user, findings=[e.form.data for e in form.findings.entries],
            recommendations=[e.form.data for e in form.recommendations.entries],
            conclusion=form.conclusion.data),
        _("The draft report has been saved."), latest=latest)


@bp.route("/<int:case_id>/report/v<int:version>")
def report_version(case_id: int, version: int):
    case = load_case(case_id)
    rep = db.session.scalar(db.select(SupervisionReport).where(
        SupervisionReport.case_id == case.id, SupervisionReport.version == version))
    if rep is None:
        abort(404)
    return render_template("supervision/report.html", case=case, report=rep)


@bp.route("/from-signal/<int:case_id>", methods=["POST"])
def from_signal(case_id: int):
    source = load_case(case_id)
    form = BaseForm()
    if not form.validate_on_submit():
        abort(400)
    case = services.supervision_from_signal(source, current_user)
    db.session.commit()
    flash(_("Supervision case %(code)s opened from this signal.", code=case.code), "success")
    return redirect(url_for("cases.detail", case_id=case.id))


@bp.route("/programme", methods=["GET", "POST"])
def programme():
    if request.method == "POST" and not services.can_add_to_programme(current_user):
        abort(403)
    year = year_arg(request.args, default=local_today().year)
    orgs = db.session.scalars(permissions.visible_orgs(current_user)).all()
    form = ProgrammeForm()
    form.org_id.choices = [(o.id, o.display_name) for o in orgs]
    if request.method == "GET":
        form.year.data = year
    # The choices are the visible units, so a validated org_id is always in scope.
    items = db.session.scalars(
        db.select(ProgrammeItem)
        .where(permissions.scope_condition(current_user, ProgrammeItem.org_id))
        .where(ProgrammeItem.year == year)
        .order_by(ProgrammeItem.planned_quarter, ProgrammeItem.id)).all()

    def done(item):
        flash(_("Added to the programme."), "success")
        return redirect(url_for("supervision.programme", year=item.year))

    return handle_form(
        form,
        lambda: services.add_programme_item(
            current_user, db.session.get(Organisation, form.org_id.data), year=form.year.data,
            title=form.title.data, subject_name=form.subject_name.data,
            planned_quarter=form.planned_quarter.data),
        lambda: render_template("supervision/programme.html", items=items, form=form,
                                year=year),
        done)


@bp.route("/programme/<int:item_id>/start", methods=["POST"])
def start_programme(item_id: int):
    item = db.session.get(ProgrammeItem, item_id)
    org = db.session.get(Organisation, item.org_id) if item else None
    if item is None or not permissions.can_view_org(current_user, org):
        abort(404)
    if not permissions.can_create_in(current_user, org):
        abort(403)  # before "already started" (409): the answer never depends on the state
    if not BaseForm().validate_on_submit():
        abort(400)
    try:
        case = services.start_programme_item(item, current_user, org,
                                             channel=request.form.get("channel"))
    except Invalid as exc:  # no channel chosen: nothing was written
        db.session.rollback()
        flash(exc.message, "danger")
        return redirect(url_for("supervision.programme", year=item.year), code=303)
    db.session.commit()
    flash(_("Supervision case %(code)s opened.", code=case.code), "success")
    return redirect(url_for("cases.detail", case_id=case.id))
