import dataclasses
from datetime import date

import sqlalchemy as sa

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from app.cases import queries, services
from app.cases.forms import ActionForm, NewCaseForm
from app.core import permissions
from app.core.errors import DomainError, Forbidden
from app.core.forms import handle_form
from app.core.i18n import label_text
from app.core.params import int_arg
from app.core.text import fold
from app.extensions import db
from app.orgs.models import Organisation
from workflows.registry import WORKFLOWS

bp = Blueprint("cases", __name__, url_prefix="/cases")


def load_case(case_id: int, family: str | None = None):
    """The case for the current user, or 404 when it is missing, out of scope or of another
    family (the three are indistinguishable on purpose)."""
    case = queries.get_case_for(current_user, case_id)
    if case is None or (family is not None and case.family != family):
        abort(404)
    return case


def require_action(case, trigger: str) -> None:
    """403 before the form is read when the user's role may not fire `trigger` on the case: a
    refusal by permission never depends on what was typed (unknown triggers go on to 404)."""
    workflow = case.workflow
    if not workflow.has_action(trigger):
        return
    action = workflow.action(trigger)
    if not permissions.can_fire(current_user, case, action):
        raise Forbidden(_("Your role does not allow “%(action)s” in this unit.",
                          action=label_text(action.label)))


def _filter_from_args(args) -> queries.CaseFilter:
    org_id = int_arg(args, "org")
    return queries.CaseFilter(
        family=args.get("family") or None,
        channel=args.get("channel") or None,
        state=args.get("state") or None,
        org_id=org_id,
        q=(args.get("q") or "").strip()[:200] or None,
        overdue=args.get("overdue") == "1",
        open_only=args.get("open") == "1",
        due_by=_day(args.get("due_by")),
        sort=args.get("sort") if args.get("sort") in queries.SORTS else "newest",
        words=args.get("words") == "1",
    )


def _day(value: str | None):
    """A yyyy-mm-dd filter value, or None when absent or malformed (a filter never errors)."""
    try:
        return date.fromisoformat(value) if value else None
    except ValueError:
        return None


def _per_page(args) -> int:
    wanted = int_arg(args, "per_page")
    return wanted if wanted in (10, 25, 50, 100) else 25


@bp.route("/")
def index():
    f = _filter_from_args(request.args)
    after = request.args.get(queries.PAGE_TOKEN_ARG)
    before = request.args.get(queries.PREV_TOKEN_ARG)
    page = queries.case_page(current_user, f, _per_page(request.args), after=after,
                             before=before)
    if (f.q and not f.words and not page.items and not (after or before)
            and len(fold(f.q).split()) > 1):
        # The phrase matched nothing: the cases holding every word, said so on the page.
        f = dataclasses.replace(f, words=True)
        page = queries.case_page(current_user, f, _per_page(request.args))
    states = []
    for family, wf in WORKFLOWS.items():
        if f.family in (None, family):
            states.extend((s.name, s.label) for s in wf.states if (s.name, s.label) not in states)
    return render_template("cases/index.html", page=page, f=f, states=states,
                           orgs=_unit_choices(f.org_id))


def _unit_choices(selected_id: int | None) -> list:
    """The units offered by the list's unit filter: the user's units and the units just below,
    and around the chosen unit its ancestors and children, so a national user drills down
    through 10^4 units without a page that lists them all."""
    own = sorted({a.org_id for a in current_user.roles})
    if not own:
        return []
    # Through the primary key and the parent index: never a scan of the whole tree.
    near = sa.or_(Organisation.id.in_(own), Organisation.parent_id.in_(own))
    selected = db.session.get(Organisation, selected_id) if selected_id else None
    if selected is not None:
        near = sa.or_(near, Organisation.id.in_(selected.ancestor_ids),
                      Organisation.parent_id == selected.id)
    return db.session.execute(
        sa.select(Organisation.id, Organisation.name, Organisation.level)
        .where(permissions.scope_condition(current_user, Organisation.id), near)
        .order_by(Organisation.path)).all()


@bp.route("/new", methods=["GET", "POST"])
def new():
    orgs = db.session.scalars(permissions.creatable_orgs(current_user)).all()
    if not orgs:
        abort(403)
    form = NewCaseForm()
    form.fill_choices(orgs)
    if request.method == "GET":
        # Families with their own registration page.
        own_page = {"letter": "letters.new", "critique": "critique.new"}
        if request.args.get("family") in own_page:
            return redirect(url_for(own_page[request.args["family"]]))
        form.family.data = request.args.get("family") or form.family.data

    def save():
        return services.open_case(
            current_user, db.session.get(Organisation, form.org_id.data), form.family.data,
            kind=form.kind.data or None, channel=form.channel.data, intake_form=form.intake_form.data,
            title=form.title.data, summary=form.summary.data or "",
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


#: Timeline labels of events that are not workflow transitions.
EVENT_LABELS = {
    "open": _l("Case logged"),
    "plan_saved": _l("Plan saved"),
    "delegation_named": _l("Delegation named"),
    "working_session": _l("Working session recorded"),
    "dialogue_recorded": _l("Dialogue recorded"),
    "report_saved": _l("Draft report saved"),
    "reply": _l("Reply received"),
    "supervision_opened": _l("Supervision opened from this signal"),
    "deadline_warning": _l("Deadline approaching"),
    "deadline_expired": _l("Deadline expired"),
    "deadline_recomputed": _l("Deadline recomputed"),
    "draft_registered": _l("Draft registered for social critique"),
    "articles_saved": _l("Articles of the draft saved"),
    "critique_meeting": _l("Critique conference or dialogue recorded"),
    "consultation_sent": _l("Draft sent for comments"),
    "consultation_comments": _l("Comments received"),
    "consultation_reminder": _l("Reminder sent to units that have not answered"),
    "points_saved": _l("Points of the critique saved"),
    "critique_response": _l("Drafting body's response recorded"),
    "document_drafted": _l("Document drafted"),
    "document_issued": _l("Document issued"),
    "document_edited": _l("Document draft edited"),
    "document_approved": _l("Document approved for issuing"),
    "document_approval_voided": _l("Document approval voided by an edit"),
    "identity_viewed": _l("Sender's identity viewed"),
    "identity_sealed": _l("Sender's identity sealed"),
    "identity_seal_lifted": _l("Seal on the sender's identity lifted"),
    "handler_added": _l("Handler named"),
    "handler_removed": _l("Handler removed"),
    "letter_documents": _l("Documents of the letter attached"),
    "letter_reclassified": _l("Classification corrected"),
    "second_complaint_opened": _l("Second complaint opened"),
}


@bp.route("/<int:case_id>")
def detail(case_id: int):
    case = load_case(case_id)
    return render_detail(case)


def render_detail(case, status: int = 200, error: str | None = None, failed_trigger=None,
                   form=None):
    allowed = services.allowed_actions(current_user, case)
    actions = [a for a in allowed if not a.own_form]
    forms = {}
    for action in actions:
        f = form if (form is not None and action.trigger == failed_trigger) else ActionForm(
            formdata=None, version=case.version)
        f.version.data = case.version
        forms[action.trigger] = f
    return render_template(
        "cases/detail.html", case=case, actions=actions, forms=forms, error=error,
        failed_trigger=failed_trigger, events=queries.timeline(case),
        can_create_here=permissions.can_create_in(current_user, case.org),
        event_labels=EVENT_LABELS, own_form_actions=[a for a in allowed if a.own_form],
        **_identity_context(case),
    ), status


def _identity_context(case) -> dict:
    from app.identity import services as identity

    can_name = identity.can_name_handlers(current_user, case)
    return {
        "sender": identity.sender_panel(case, current_user),
        "handlers": identity.handlers(case),
        "can_name_handlers": can_name,
        "handler_candidates": identity.candidates(case) if can_name else [],
    }


@bp.route("/<int:case_id>/actions/<trigger>", methods=["POST"])
def act(case_id: int, trigger: str):
    case = load_case(case_id)
    require_action(case, trigger)
    form = ActionForm()
    if not form.validate():
        return render_detail(case, 422, _("The form is incomplete; reload the page."),
                              trigger, form)
    try:
        services.transition_case(case, trigger, current_user, comment=form.comment.data or "",
                                 expected_version=form.version.data,
                                 context={"propose_discipline": form.propose_discipline.data})
    except DomainError as exc:
        db.session.rollback()
        db.session.refresh(case)
        return render_detail(case, exc.status, exc.message, trigger, form)
    db.session.commit()
    flash(_("Done: %(action)s.", action=label_text(case.workflow.action(trigger).label)),
          "success")
    return redirect(url_for("cases.detail", case_id=case.id))
