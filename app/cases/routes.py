import dataclasses

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user

from app.auth import permissions
from app.cases import queries, services
from app.cases.forms import ActionForm, NewCaseForm, WordingForm
from app.cases.views import (
    filter_from_args,
    load_case,
    per_page,
    render_detail,
    require_action,
)
from app.core.calendar import local_today
from app.core.errors import DomainError
from app.core.forms import handle_form
from app.core.i18n import label_text
from app.core.text import fold
from app.extensions import db
from app.orgs import queries as org_queries
from app.orgs.models import Organisation
from workflows.registry import WORKFLOWS

bp = Blueprint("cases", __name__, url_prefix="/cases")


@bp.route("/")
def index():
    f = filter_from_args(request.args)
    after = request.args.get(queries.PAGE_TOKEN_ARG)
    before = request.args.get(queries.PREV_TOKEN_ARG)
    page = queries.case_page(current_user, f, per_page(request.args), after=after,
                             before=before)
    if (f.q and not f.words and not page.items and not (after or before)
            and len(fold(f.q).split()) > 1):
        # The phrase matched nothing: the cases holding every word, said so on the page.
        f = dataclasses.replace(f, words=True)
        page = queries.case_page(current_user, f, per_page(request.args))
    states = []
    for family, wf in WORKFLOWS.items():
        if f.family in (None, family):
            states.extend((s.name, s.label) for s in wf.states if (s.name, s.label) not in states)
    return render_template("cases/index.html", page=page, f=f, states=states,
                           orgs=_unit_choices(f.org_id), today=local_today())


@queries.kept_statement
def _nearby_units(shape):
    return org_queries.choice_columns(permissions.nearby_orgs(shape))


def _unit_choices(selected_id: int | None) -> list[tuple[int, str]]:
    """The units offered by the list's unit filter: the user's units and the units just below,
    and around the chosen unit its ancestors and children, so a national user drills down
    through 10^4 units without a page that lists them all."""
    selected = db.session.get(Organisation, selected_id) if selected_id else None
    if selected is None:  # most lists: the statement is the same for everyone with these roles
        return org_queries.choices(_nearby_units(queries.role_shape(current_user)))
    return org_queries.choices(org_queries.choice_columns(
        permissions.nearby_orgs(current_user, selected)))


@bp.route("/new", methods=["GET", "POST"])
def new():
    orgs = db.session.scalars(permissions.creatable_orgs(current_user)).all()
    if not orgs:
        abort(403)
    form = NewCaseForm()
    form.fill_choices(orgs)
    if request.method == "GET":
        # Families with their own registration page.
        own_page = {"letter": "letters.new", "critique": "critique.new",
                    "dialogue": "workplace.new_dialogue"}
        if request.args.get("family") in own_page:
            return redirect(url_for(own_page[request.args["family"]]))
        form.family.data = request.args.get("family") or form.family.data

    def save():
        return services.open_case(
            current_user, db.session.get(Organisation, form.org_id.data), form.family.data,
            kind=form.kind.data or None, channel=form.channel.data, intake_form=form.intake_form.data,
            title=form.title.data, subject_matter=form.subject_matter.data or "",
            summary=form.summary.data or "",
            subject_kind=form.subject_kind.data, subject_name=form.subject_name.data or "",
            subject_category=form.subject_category.data or None,
            subject_position=form.subject_position.data or "",
            subject_unit=form.subject_unit.data or "",
            subject_party_committee=form.subject_party_committee.data or "",
            is_anonymous=form.is_anonymous.data,
            reporter_name=form.reporter_name.data or "",
            reporter_contact=form.reporter_contact.data or "",
            reporter_confidential=form.reporter_confidential.data,
            **({"received_on": form.received_on.data} if form.received_on.data else {}),
        )

    def done(case):
        flash(_("Case %(code)s has been logged.", code=case.code), "success")
        return redirect(url_for("cases.detail", case_id=case.id))

    return handle_form(form, save, lambda: render_template("cases/new.html", form=form), done)


#: The session key of what a refused step on the case page was posted with, kept for the
#: page's next read only (post/redirect/get).
KEPT = "cases.refused_input"
#: The largest signed session cookie we write (browsers drop a cookie over 4096 bytes).
COOKIE_ROOM = 3800
#: Refusals that send the user back to the case page with the reason; a role's (403) and an
#: unknown step's (404) stay what they are.
BACK_TO_PAGE = (409, 422)


@bp.route("/<int:case_id>")
def detail(case_id: int):
    case = load_case(case_id)
    kept = session.get(KEPT)
    if not kept or kept.get("case") != case.id:
        return render_detail(case)
    session.pop(KEPT)
    errors = kept.get("errors") or {}
    if "wording" in kept:
        form = WordingForm(formdata=None, **kept["wording"])
        _attach(form, errors)
        return render_detail(case, error=kept.get("error"), wording_form=form)
    form = ActionForm(formdata=None, **kept.get("step", {}))
    _attach(form, errors)
    return render_detail(case, error=kept.get("error"), failed_trigger=kept.get("trigger"),
                         form=form)


def _attach(form, errors: dict) -> None:
    for name, messages in errors.items():
        if name in form and name != "version":
            form[name].errors = list(messages)


def _back_to_page(case, status: int, message: str, kept: dict, render):
    """A refused form of the case page: the reason and the input kept in the session for the
    page's next read only (a flash: shown where the page shows a refusal, with the input back
    in its form), then 303 to the page, so that refreshing it never posts again. Input too
    long for the session cookie is not dropped: the page is rendered with it (`render`) under
    `status`, as a form page does."""
    kept = {"case": case.id, "error": message, **kept}
    if not _fits_session({**session, KEPT: kept}):
        return render()
    session[KEPT] = kept
    return redirect(url_for("cases.detail", case_id=case.id), 303)


def _fits_session(values: dict) -> bool:
    serializer = getattr(current_app.session_interface, "get_signing_serializer",
                         lambda app: None)(current_app)
    return serializer is None or len(serializer.dumps(values)) <= COOKIE_ROOM


def _form_errors(form, fields) -> dict:
    return {f.name: list(f.errors) for f in fields if f.errors}


@bp.route("/<int:case_id>/actions/<trigger>", methods=["POST"])
def act(case_id: int, trigger: str):
    case = load_case(case_id)
    require_action(case, trigger)
    form = ActionForm()
    typed = {"comment": form.comment.data or "",
             "propose_discipline": bool(form.propose_discipline.data)}
    if not form.validate():
        message = " ".join(form.comment.errors) or _("The form is incomplete; reload the page.")
        return _back_to_page(
            case, 422, message,
            {"trigger": trigger, "step": typed, "errors": _form_errors(form, [form.comment])},
            lambda: render_detail(case, 422, message, trigger, form))
    try:
        services.transition_case(case, trigger, current_user, comment=form.comment.data or "",
                                 expected_version=form.version.data,
                                 context={"propose_discipline": form.propose_discipline.data})
    except DomainError as exc:
        db.session.rollback()
        db.session.refresh(case)
        status, message = exc.status, exc.message
        if status not in BACK_TO_PAGE:
            return render_detail(case, status, message, trigger, form)
        errors = {"comment": [message]} if exc.field == "comment" else {}
        return _back_to_page(case, status, message,
                             {"trigger": trigger, "step": typed, "errors": errors},
                             lambda: render_detail(case, status, message, trigger, form))
    db.session.commit()
    flash(_("Done: %(action)s.", action=label_text(case.workflow.action(trigger).label)),
          "success")
    return redirect(url_for("cases.detail", case_id=case.id))


@bp.route("/<int:case_id>/wording", methods=["POST"])
def wording(case_id: int):
    case = load_case(case_id)
    if not services.can_edit_wording(current_user, case):
        abort(403)
    form = WordingForm()
    typed = {"title": form.title.data or "", "subject_matter": form.subject_matter.data or ""}
    fields = (form.title, form.subject_matter)
    if not form.validate():
        errors = [e for f in (*fields, form.version) for e in f.errors]
        message = " ".join(errors) or _("The form is incomplete; reload the page.")
        return _back_to_page(case, 422, message,
                             {"wording": typed, "errors": _form_errors(form, fields)},
                             lambda: render_detail(case, 422, message, wording_form=form))
    try:
        changes = services.edit_wording(case, current_user, title=form.title.data,
                                        subject_matter=form.subject_matter.data or "",
                                        expected_version=form.version.data)
    except DomainError as exc:
        db.session.rollback()
        db.session.refresh(case)
        status, message = exc.status, exc.message
        if status not in BACK_TO_PAGE:
            return render_detail(case, status, message, wording_form=form)
        errors = {exc.field: [message]} if exc.field in ("title", "subject_matter") else {}
        return _back_to_page(case, status, message, {"wording": typed, "errors": errors},
                             lambda: render_detail(case, status, message, wording_form=form))
    db.session.commit()
    if changes:
        flash(_("The title and subject matter have been saved."), "success")
    return redirect(url_for("cases.detail", case_id=case.id))
