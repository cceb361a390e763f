"""The kernel's view API for feature blueprints: load a case in the user's scope, refuse a step
the user's role may not fire, render the case page (with an error and the user's input kept),
and read the list's filter from a query string. Features import these from here, never from
app.cases.routes."""
from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from flask import abort, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from app.auth import permissions
from app.auth.models import User
from app.cases import feature, queries, services
from app.cases.forms import ActionForm, WordingForm
from app.cases.models import CaseEvent
from app.cases.plugins import SLOTS, installed
from app.core.dates import parse_day
from app.core.errors import Forbidden
from app.core.i18n import label_text
from app.core.params import int_arg
from app.extensions import db


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


def step_form(case, trigger: str, form_class):
    """The form of a step fired from a feature's own page (Action.own_form): 403 for a role
    that may not fire it, 409 when the case's state (or a guard-free check of the step) does
    not allow it now; on GET the form carries the case's version for the optimistic lock."""
    require_action(case, trigger)
    if not services.may_fire(current_user, case, trigger):
        abort(409)
    form = form_class()
    if request.method == "GET":
        form.version.data = case.version
    return form


def filter_from_args(args) -> queries.CaseFilter:
    org_id = int_arg(args, "org")
    return queries.CaseFilter(
        family=args.get("family") or None,
        channel=args.get("channel") or None,
        state=args.get("state") or None,
        org_id=org_id,
        q=(args.get("q") or "").strip()[:200] or None,
        overdue=args.get("overdue") == "1",
        open_only=args.get("open") == "1",
        due_by=parse_day(args.get("due_by")),  # malformed: no filter, never an error
        sort=args.get("sort") if args.get("sort") in queries.SORTS else "newest",
        words=args.get("words") == "1",
    )


def per_page(args) -> int:
    wanted = int_arg(args, "per_page")
    return wanted if wanted in (10, 25, 50, 100) else 25


#: Timeline labels of the kernel's own events that are not workflow transitions; features add
#: theirs to their Feature (app.cases.plugins).
feature.event_labels.update({"open": _l("Case logged"),
                             "wording_edited": _l("Title or subject matter changed")})


def step_hints(case, action) -> list:
    """The features' notes about what `action` still needs on `case` ((hint, data) pairs for
    ``{% include hint.template %}``): under its button, or in the feature's own form of a step
    fired from elsewhere (an extension, a dated acceptance)."""
    return [(hint, data) for hint in installed().step_hints
            if (data := hint.context(case, action))]


@dataclass(frozen=True)
class NextSteps:
    """What the case page says before anyone clicks: each step open from the case's state
    (app.cases.services.NextStep), the people who may take it per role, the features' notes
    per step, and the feature's own page of a step fired from its own form."""
    steps: list
    people: dict
    hints: dict
    pages: dict


def next_steps(case) -> NextSteps:
    """The case page's next steps for the current user: the guards' dry run of every open
    step, its hints, and who may take it (one statement for every step's people)."""
    steps = services.next_steps(current_user, case) if case.is_open else []
    plugins = installed()
    pages = {}
    for step in steps:
        endpoint = plugins.step_pages.get((case.family, step.action.trigger))
        if step.action.own_form and endpoint:
            pages[step.action.trigger] = url_for(endpoint, case_id=case.id)
    return NextSteps(
        steps=steps,
        people=queries.people_acting(case, {role for step in steps for role in step.roles}),
        hints={step.action.trigger: step_hints(case, step.action) for step in steps},
        pages=pages)


@dataclass(frozen=True)
class TimelineLine:
    """A line of the case page's timeline, its labels in the user's language."""
    action: str
    label: str
    to_state: str | None
    state_label: str
    created_at: object
    actor_id: int | None
    actor_name: str | None
    comment: str
    data: dict


def timeline(case) -> list[TimelineLine]:
    """The case page's timeline, oldest first: what each line shows (action, new state, when,
    who, comment, data) in one statement, the actor's name read by primary key per line (a
    join made the planner hash every user account for a case's few lines); each action's and
    state's label is looked up once per page."""
    actor_name = (sa.select(User.full_name).where(User.id == CaseEvent.actor_id)
                  .scalar_subquery())
    rows = db.session.execute(
        sa.select(CaseEvent.action, CaseEvent.to_state, CaseEvent.created_at, CaseEvent.comment,
                  CaseEvent.data, CaseEvent.actor_id, actor_name.label("actor_name"))
        .where(CaseEvent.case_id == case.id).order_by(CaseEvent.id)).all()
    workflow, others = case.workflow, installed().event_labels
    actions: dict[str, str] = {}
    states: dict[str | None, str] = {None: "", "": ""}
    lines = []
    for row in rows:
        label = actions.get(row.action)
        if label is None:
            label = actions[row.action] = (
                label_text(workflow.action(row.action).label)
                if workflow.has_action(row.action)
                else str(others.get(row.action, row.action)))
        state = states.get(row.to_state)
        if state is None:
            state = states[row.to_state] = label_text(workflow.state(row.to_state).label)
        lines.append(TimelineLine(row.action, label, row.to_state, state, row.created_at,
                                  row.actor_id, row.actor_name, row.comment, row.data))
    return lines


def render_detail(case, status: int = 200, error: str | None = None, failed_trigger=None,
                   form=None, wording_form=None):
    upcoming = next_steps(case)
    actions = [s.action for s in upcoming.steps if s.can_fire and not s.action.own_form]
    forms = {}
    for action in actions:
        f = form if (form is not None and action.trigger == failed_trigger) else ActionForm(
            formdata=None, version=case.version)
        f.version.data = case.version
        forms[action.trigger] = f
    panels = installed()
    if wording_form is None and services.can_edit_wording(current_user, case):
        wording_form = WordingForm(formdata=None, title=case.title,
                                   subject_matter=case.subject_matter)
    if wording_form is not None:
        wording_form.version.data = case.version
    return render_template(
        "cases/detail.html", case=case, actions=actions, forms=forms, hints=upcoming.hints,
        error=error, wording_form=wording_form, next=upcoming,
        failed_trigger=failed_trigger, events=timeline(case),
        panels={slot: [(p, p.context(case)) for p in panels.panels_for(case, slot)]
                for slot in SLOTS},
    ), status
