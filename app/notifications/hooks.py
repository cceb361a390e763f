"""Where notifications come from: the kernel's hooks (app.cases.plugins), each running inside
the transaction of the step that fires it, with a fixed number of statements. Nobody is told
of their own act."""
from __future__ import annotations

from functools import cache

import sqlalchemy as sa
from flask import has_request_context
from flask_login import current_user

from app.auth.models import User
from app.cases.plugins import installed
from app.critique import queries as critique_queries
from app.extensions import db
from app.notifications import feature, kinds
from app.notifications.services import (
    approvers_of,
    case_officers,
    case_params,
    intake_officers,
    notify,
    notify_many,
    role_holders,
)
from workflows.registry import get_workflow
from workflows.vocab import APPROVER, DELEGATE, HANDLER, INTAKE

#: The roles of a unit's officers, who answer an invitation to comment on a draft.
OFFICER_ROLES = (INTAKE, HANDLER, APPROVER)


def _others(user_ids, actor_id: int | None) -> set[int]:
    return {u for u in user_ids if u is not None and u != actor_id}


def _acting_user_id() -> int | None:
    """The user whose request fires a hook that is not given its actor (a transition)."""
    if has_request_context() and current_user.is_authenticated:
        return current_user.id
    return None


@feature.on_event("handler_added")
def handler_named(case, event) -> None:
    user_id = (event.data or {}).get("user_id")
    notify(_others([user_id], event.actor_id), kinds.ASSIGNMENT, case)


@feature.on_event("delegation_named")
def delegation_named(case, event) -> None:
    members = installed().role_members.get(DELEGATE)
    if members is None:
        return
    user_ids = db.session.scalars(
        sa.select(User.id).where(User.id.in_(members(case)), User.active.is_(True)))
    notify(_others(user_ids, event.actor_id), kinds.ASSIGNMENT, case)


@cache
def awaits_approval(family: str, state: str, trigger: str) -> bool:
    """The case, brought to `state` by `trigger`, waits for an approver: a forward step out of
    the state only approvers may take, when the step that led here was not an approver's own."""
    workflow = get_workflow(family)
    if workflow.action(trigger).roles == {APPROVER}:
        return False
    return any(state in a.sources and a.dest != state and a.roles == {APPROVER}
               and a.style == "primary" for a in workflow.actions)


@feature.on_transition
def approval_requested(case, action, today, trigger) -> None:
    if awaits_approval(case.family, case.state, trigger):
        notify(_others(approvers_of(case), _acting_user_id()), kinds.APPROVAL_REQUESTED, case)


@feature.on_event("portal_reply")
def portal_reply(case, event) -> None:
    officers = case_officers([case], exclude=[event.actor_id])[case.id]
    notify(officers, kinds.PORTAL_REPLY, case)


@feature.on_open
def portal_letter(case, actor, intake) -> None:
    if case.intake_form != "online":
        return
    officers = intake_officers(role_holders([case.org_id], (INTAKE, HANDLER)), case.org_id)
    notify(_others(officers, actor.id if actor is not None else None), kinds.PORTAL_LETTER, case)


@feature.on_event("consultation_sent")
def critique_invitation(case, event) -> None:
    org_ids = critique_queries.invited_org_ids(case)
    holders = role_holders(org_ids, OFFICER_ROLES)
    params = {**case_params(case), "due_on": (event.data or {}).get("deadline", "")}
    notify_many([
        (_others(set().union(*holders[org_id].values()), event.actor_id),
         kinds.CRITIQUE_INVITATION, case.id, params)
        for org_id in org_ids if org_id in holders])
