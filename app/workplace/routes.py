"""Workplace pages: employers and their yearly duties, and the steps of a dialogue case."""
from __future__ import annotations

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy.orm import joinedload

from app.auth import permissions
from app.cases.views import load_case, step_form, step_hints
from app.core.calendar import local_today
from app.core.errors import DomainError
from app.core.forms import handle_form
from app.core.params import int_arg
from app.extensions import db
from app.orgs.models import Organisation
from app.workplace import documents as wp_documents
from app.workplace import feature, queries, rules, services
from app.workplace.forms import (
    BoardForm,
    BoardReportForm,
    ConferenceForm,
    EmployerEditForm,
    EmployerForm,
    FollowItemForm,
    HeadcountForm,
    HoldForm,
    ItemActionForm,
    ItemForm,
    MinutesForm,
    OpenDialogueForm,
    PlainForm,
    PublishForm,
    RegulationForm,
    RescheduleForm,
)
from app.workplace.models import Employer, InspectionBoard
from workflows.vocab import DIALOGUE

bp = Blueprint("workplace", __name__, url_prefix="/workplace")
#: The pages of the steps fired from their own forms, linked from the case page's next steps.
feature.step_pages.update({(DIALOGUE, "hold"): "workplace.hold",
                           (DIALOGUE, "publish"): "workplace.publish"})

#: Employers listed on one page; narrow by unit or name beyond that.
PAGE = 200


def _to_case(case, message):
    def done(_result):
        flash(message, "success")
        return redirect(url_for("cases.detail", case_id=case.id))
    return done


def _to_employer(employer, message):
    def done(_result):
        flash(message, "success")
        return redirect(url_for("workplace.employer", employer_id=employer.id))
    return done


def _employer(employer_id: int, write: bool = False):
    employer = queries.get_employer_for(current_user, employer_id)
    if employer is None:
        abort(404)
    if write and not services.can_manage(current_user, employer.org):
        abort(403)
    return employer


@bp.route("/")
def index():
    """Employers of the user's units with this year's duties, and each unit's share."""
    today = local_today()
    org = None
    org_id = int_arg(request.args, "org")
    if org_id:
        org = db.session.get(Organisation, org_id)
        if org is None or not permissions.can_view_org(current_user, org):
            abort(404)
    q = (request.args.get("q") or "").strip()
    stmt = queries.employers_in(current_user, org)
    if q:
        stmt = stmt.where(queries.Employer.name.icontains(q, autoescape=True))
    employers = list(db.session.scalars(stmt.limit(PAGE + 1)))
    more = len(employers) > PAGE
    duties = queries.duties_of(employers[:PAGE], today)
    units = [a.org for a in current_user.roles]
    shares = [(u, queries.dialogue_share(u, today.year, until=today))
              for u in sorted({u.id: u for u in units}.values(), key=lambda u: u.path)]
    return render_template(
        "workplace/index.html", duties=duties, more=more, org=org, q=q, shares=shares,
        year=today.year, can_register=any(services.can_manage(current_user, u) for u in units),
        # Scheduling a dialogue opens a case: who logs none is refused (new_dialogue).
        can_schedule=permissions.creates_somewhere(current_user))


@bp.route("/employers/new", methods=["GET", "POST"])
def new_employer():
    form = EmployerForm()
    orgs = [o for o in db.session.scalars(permissions.visible_orgs(current_user))
            if o.level >= 2 and o.is_active and services.can_manage(current_user, o)]
    if not orgs:
        abort(403)
    form.org_id.choices = [(o.id, o.display_name) for o in orgs]
    if request.method == "GET" and request.args.get("org"):
        form.org_id.data = int_arg(request.args, "org")

    def save():
        org = db.session.get(Organisation, form.org_id.data or 0)
        return services.register_employer(
            current_user, org, name=form.name.data, kind=form.kind.data,
            tax_code=form.tax_code.data, address=form.address.data, sector=form.sector.data,
            representative=form.representative.data, covered_since=form.covered_since.data,
            workers=form.workers.data)

    def done(employer):
        flash(_("The employer has been registered."), "success")
        return redirect(url_for("workplace.employer", employer_id=employer.id))

    return handle_form(form, save, lambda: render_template(
        "workplace/form.html", form=form, heading=_("Register an employer")), done)


@bp.route("/employers/<int:employer_id>")
def employer(employer_id: int):
    employer = _employer(employer_id)
    today = local_today()
    (duties,) = queries.duties_of([employer], today)
    return render_template(
        "workplace/employer.html", employer=employer, d=duties, today=today,
        dialogues=queries.dialogues_of_employer(employer),
        conferences=queries.conferences_of(employer),
        regulations=queries.regulations_of(employer), boards=queries.boards_of(employer),
        can_manage=services.can_manage(current_user, employer.org),
        can_open=permissions.can_create_in(current_user, employer.org),
        plain_form=PlainForm(formdata=None), threshold=rules.REGULATION_THRESHOLD)


def _employer_form(employer_id, form_class, heading, save, message, **extra):
    employer = _employer(employer_id, write=True)
    form = form_class()
    return handle_form(form, lambda: save(employer, form),
                       lambda: render_template("workplace/form.html", form=form,
                                               heading=heading, employer=employer, **extra),
                       _to_employer(employer, message))


@bp.route("/employers/<int:employer_id>/edit", methods=["GET", "POST"])
def edit_employer(employer_id: int):
    employer = _employer(employer_id, write=True)
    form = EmployerEditForm(obj=employer)
    return handle_form(
        form, lambda: services.update_employer(
            employer, current_user, name=form.name.data, kind=form.kind.data,
            tax_code=form.tax_code.data, address=form.address.data, sector=form.sector.data,
            representative=form.representative.data),
        lambda: render_template("workplace/form.html", form=form, employer=employer,
                                heading=_("Edit the employer")),
        _to_employer(employer, _("The employer has been saved.")))


@bp.route("/employers/<int:employer_id>/headcount", methods=["GET", "POST"])
def headcount(employer_id: int):
    return _employer_form(
        employer_id, HeadcountForm, _("Number of workers"),
        lambda e, f: services.record_headcount(e, current_user, as_of=f.as_of.data,
                                               workers=f.workers.data),
        _("The number of workers has been recorded."))


@bp.route("/employers/<int:employer_id>/conference", methods=["GET", "POST"])
def conference(employer_id: int):
    return _employer_form(
        employer_id, ConferenceForm, _("Record a workers' conference"),
        lambda e, f: services.record_conference(e, current_user, held_on=f.held_on.data,
                                                participants=f.participants.data,
                                                resolutions=f.resolutions.data),
        _("The workers' conference has been recorded."))


@bp.route("/employers/<int:employer_id>/regulation", methods=["GET", "POST"])
def regulation(employer_id: int):
    return _employer_form(
        employer_id, RegulationForm, _("Record the democracy regulations"),
        lambda e, f: services.record_regulation(e, current_user, kind=f.kind.data,
                                                issued_on=f.issued_on.data,
                                                reference=f.reference.data, note=f.note.data),
        _("The regulations have been recorded."))


@bp.route("/employers/<int:employer_id>/board", methods=["GET", "POST"])
def board(employer_id: int):
    return _employer_form(
        employer_id, BoardForm, _("Record the People's Inspection Board"),
        lambda e, f: services.record_board(e, current_user, elected_on=f.elected_on.data,
                                           members=f.members.data),
        _("The board has been recorded."))


@bp.route("/employers/<int:employer_id>/board/<int:board_id>/report", methods=["GET", "POST"])
def board_report(employer_id: int, board_id: int):
    employer = _employer(employer_id, write=True)
    board = db.session.get(InspectionBoard, board_id)
    if board is None or board.employer_id != employer.id:
        abort(404)
    form = BoardReportForm()
    return handle_form(
        form, lambda: services.record_board_report(board, current_user,
                                                   reported_on=form.reported_on.data,
                                                   content=form.content.data),
        lambda: render_template("workplace/form.html", form=form, employer=employer,
                                heading=_("Record a report of the board")),
        _to_employer(employer, _("The board's report has been recorded.")))


@bp.route("/employers/<int:employer_id>/supervise", methods=["POST"])
def supervise_duties(employer_id: int):
    """Missing or late duties open a supervision on channel 4 with the employer as subject."""
    employer = _employer(employer_id)
    if not permissions.can_create_in(current_user, employer.org):
        abort(403)
    if not PlainForm().validate():
        abort(400)
    (duties,) = queries.duties_of([employer], local_today())
    return _open_supervision(
        lambda: services.supervise_duties(current_user, employer, duties.missing),
        url_for("workplace.employer", employer_id=employer.id))


@bp.route("/employers/<int:employer_id>/summary", methods=["POST"])
def employer_summary(employer_id: int):
    """Draft the yearly summary of dialogue and democracy at the employer (?year=YYYY, this
    year by default), a document of the union that covers it: to the draft's page, where an
    approver approves it and it is issued with a number (app.documents)."""
    employer = _employer(employer_id, write=True)
    if "documents.show" not in current_app.view_functions:
        abort(404)
    if not PlainForm().validate():
        abort(400)
    today = local_today()
    year = (int_arg(request.args, "year", maximum=9999)
            or int_arg(request.form, "year", maximum=9999) or today.year)
    try:
        doc = wp_documents.draft_summary(employer, current_user, year, today)
    except DomainError as exc:
        db.session.rollback()
        flash(exc.message, "danger")
        return redirect(url_for("workplace.employer", employer_id=employer.id))
    db.session.commit()
    flash(_("The summary has been drafted with the records as they stand: an approver of the "
            "unit approves it, then it is issued with a number."), "success")
    return redirect(url_for("documents.show", doc_id=doc.id))


def _open_supervision(open_it, back: str):
    """Open a supervision (one POST, no form to show again): to its page, or back with the
    refusal's message."""
    try:
        opened = open_it()
    except DomainError as exc:
        db.session.rollback()
        flash(exc.message, "danger")
        return redirect(back)
    db.session.commit()
    flash(_("Supervision %(code)s has been opened.", code=opened.code), "success")
    return redirect(url_for("cases.detail", case_id=opened.id))


# -- dialogue cases ---------------------------------------------------------------------------


@bp.route("/dialogues/new", methods=["GET", "POST"])
def new_dialogue():
    """Schedule a dialogue at an employer; from a case it concerns (parent) when given."""
    parent = None
    parent_id = int_arg(request.args, "parent")
    if parent_id:
        parent = load_case(parent_id)
    form = OpenDialogueForm()
    # Where the user may open a case (permissions.can_create_in), read in the query.
    employers = db.session.scalars(queries.employers_in(
        current_user, parent.org if parent is not None else None,
        roles=permissions.CREATOR_ROLES).options(joinedload(Employer.org)).limit(1000)).all()
    if not employers and not permissions.creates_somewhere(current_user):
        abort(403)
    form.employer_id.choices = [(e.id, f"{e.name} ({e.org.display_name})") for e in employers]
    if request.method == "GET":
        chosen = int_arg(request.args, "employer")
        if not chosen and parent is not None:
            match = queries.employer_matching(current_user, parent)
            chosen = match.id if match else None
        form.employer_id.data = chosen
        if request.args.get("kind") in ("periodic", "on_request", "on_event"):
            form.kind.data = request.args["kind"]
        if parent is not None:
            form.summary.data = parent.title

    def save():
        employer = queries.get_employer_for(current_user, form.employer_id.data or 0)
        return services.open_dialogue(
            current_user, employer, kind=form.kind.data, scheduled_on=form.scheduled_on.data,
            place=form.place.data, requested_by=form.requested_by.data or None,
            requested_on=form.requested_on.data, event=form.event.data or None, parent=parent,
            summary=form.summary.data)

    def done(case):
        flash(_("Dialogue %(code)s has been scheduled.", code=case.code), "success")
        return redirect(url_for("cases.detail", case_id=case.id))

    return handle_form(form, save, lambda: render_template(
        "workplace/new_dialogue.html", form=form, parent=parent,
        has_employers=bool(employers)), done)


def _dialogue(case_id: int):
    case = load_case(case_id, DIALOGUE)
    if queries.record_of(case) is None:
        abort(404)
    return case


def _record_post(case, record: str):
    if not services.RECORDS.can_write(current_user, case, record):
        abort(403)


@bp.route("/dialogues/<int:case_id>/schedule", methods=["GET", "POST"])
def reschedule(case_id: int):
    case = _dialogue(case_id)
    _record_post(case, "dialogue_agenda")
    record = queries.record_of(case)
    form = RescheduleForm(obj=record)
    return handle_form(
        form, lambda: services.reschedule(case, current_user,
                                          scheduled_on=form.scheduled_on.data,
                                          place=form.place.data),
        lambda: render_template("workplace/form.html", form=form, case=case,
                                heading=_("Day and place of the dialogue")),
        _to_case(case, _("The dialogue's day has been saved.")))


@bp.route("/dialogues/<int:case_id>/items", methods=["POST"])
def add_item(case_id: int):
    case = _dialogue(case_id)
    if not (services.RECORDS.can_write(current_user, case, "dialogue_agenda")
            or services.RECORDS.can_write(current_user, case, "dialogue_minutes")):
        abort(403)
    form = ItemForm()
    return handle_form(
        form, lambda: services.add_item(case, current_user, source=form.source.data,
                                        text=form.text.data),
        lambda: render_template("workplace/form.html", form=form, case=case,
                                heading=_("Add an item")),
        _to_case(case, _("The item has been added.")))


@bp.route("/dialogues/<int:case_id>/items/remove", methods=["POST"])
def remove_item(case_id: int):
    case = _dialogue(case_id)
    _record_post(case, "dialogue_agenda")
    form = ItemActionForm()
    return handle_form(
        form, lambda: services.remove_item(case, current_user, form.item_id.data),
        lambda: redirect(url_for("cases.detail", case_id=case.id)),
        _to_case(case, _("The item has been removed.")))


@bp.route("/dialogues/<int:case_id>/hold", methods=["GET", "POST"])
def hold(case_id: int):
    case = _dialogue(case_id)
    form = step_form(case, "hold", HoldForm)
    record = queries.record_of(case)
    if request.method == "GET":
        form.place.data = record.place
        if record.employer.representative:
            # Printed in the Vietnamese minutes as typed: document data, not interface text.
            form.employer_side.data = (f"{record.employer.representative}, "
                                       "người đại diện theo pháp luật")
    return handle_form(
        form, lambda: services.hold_dialogue(
            case, current_user, held_on=form.held_on.data, place=form.place.data,
            participants=form.people(), expected_version=form.version.data),
        lambda: _hold_page(form, case, record),
        _to_case(case, _("The dialogue has been recorded as held.")))


def _hold_page(form, case, record):
    """The hold form, with the minimum of participants for the workforce on the day typed."""
    workers = record.employer.workers_on(form.held_on.data or local_today())
    return render_template(
        "workplace/hold.html", form=form, case=case, record=record, workers=workers,
        minimum=rules.workers_side_minimum(workers), employer_minimum=rules.EMPLOYER_SIDE_MINIMUM,
        basis=rules.PARTICIPANTS_BASIS, hints=step_hints(case, case.workflow.action("hold")))


@bp.route("/dialogues/<int:case_id>/minutes", methods=["GET", "POST"])
def minutes(case_id: int):
    case = _dialogue(case_id)
    _record_post(case, "dialogue_minutes")
    if not case.takes("dialogue_minutes"):
        abort(409)
    items = queries.items_of(case)
    people = queries.participants_of(case)
    form = MinutesForm()
    form.signatories.choices = [(p.id, p.name) for p in people]
    if request.method == "GET":
        while len(form.items.entries):
            form.items.pop_entry()
        for item in items:
            form.items.append_entry({"item_id": item.id, "outcome": item.outcome or "",
                                     "note": item.outcome_note, "due_on": item.due_on})
        form.signatories.data = [p.id for p in people if p.signs]

    def save():
        outcomes = {row.item_id.data: {"outcome": row.outcome.data, "note": row.note.data,
                                       "due_on": row.due_on.data}
                    for row in form.items}
        return services.record_minutes(case, current_user, outcomes=outcomes,
                                       signatories=set(form.signatories.data or ()))

    by_id = {i.id: i for i in items}
    return handle_form(
        form, save,
        lambda: render_template("workplace/minutes.html", form=form, case=case, by_id=by_id,
                                people=people),
        _to_case(case, _("The minutes have been saved.")))


@bp.route("/dialogues/<int:case_id>/publish", methods=["GET", "POST"])
def publish(case_id: int):
    case = _dialogue(case_id)
    form = step_form(case, "publish", PublishForm)
    return handle_form(
        form, lambda: services.publish_minutes(
            case, current_user, published_on=form.published_on.data, how=form.how.data,
            expected_version=form.version.data),
        lambda: render_template("workplace/form.html", form=form, case=case,
                                heading=_("Make the minutes public to the workers"),
                                hints=step_hints(case, case.workflow.action("publish"))),
        _to_case(case, _("The minutes have been made public.")))


@bp.route("/dialogues/<int:case_id>/follow", methods=["POST"])
def follow(case_id: int):
    case = _dialogue(case_id)
    _record_post(case, "dialogue_follow_up")
    form = FollowItemForm()
    return handle_form(
        form, lambda: services.follow_item(case, current_user, form.item_id.data,
                                           status=form.status.data,
                                           status_on=form.status_on.data, note=form.note.data),
        lambda: render_template("workplace/form.html", form=form, case=case,
                                heading=_("Follow up an agreed item")),
        _to_case(case, _("The item's follow-up has been recorded.")))


@bp.route("/dialogues/<int:case_id>/supervise", methods=["POST"])
def supervise_item(case_id: int):
    case = _dialogue(case_id)
    if not permissions.can_create_in(current_user, case.org):
        abort(403)
    form = ItemActionForm()
    if not form.validate():
        abort(400)
    return _open_supervision(
        lambda: services.supervise_item(case, current_user, form.item_id.data),
        url_for("cases.detail", case_id=case.id))
