"""Named guards the workflows refer to, and effects that run after a transition.

A guard returns None when satisfied, else the reason shown to the user. An effect runs inside
the same transaction after the state changed and returns data for the timeline event.
Feature modules register theirs with @guard / @effect (see app.supervision.rules).
"""
from __future__ import annotations

import sqlalchemy as sa
from flask_babel import gettext as _
from flask_babel import ngettext

from app.core.calendar import local_today
from app.extensions import db

GUARDS = {}
EFFECTS: dict[tuple[str, str], list] = {}


def guard(name):
    def register(fn):
        GUARDS[name] = fn
        return fn
    return register


def effect(family: str, trigger: str):
    def register(fn):
        EFFECTS.setdefault((family, trigger), []).append(fn)
        return fn
    return register


def _last_actor(case, triggers: tuple[str, ...]):
    from app.cases.models import CaseEvent

    return db.session.scalar(
        sa.select(CaseEvent.actor_id)
        .where(CaseEvent.case_id == case.id, CaseEvent.action.in_(triggers))
        .order_by(CaseEvent.id.desc())
        .limit(1)
    )


@guard("not_own_draft")
def not_own_draft(case, actor, context):
    authors = {_last_actor(case, ("draft_plan", "submit_report", "submit_critique"))}
    if context.get("trigger") == "approve_conclusion":
        from app.supervision.rules import latest_report

        report = latest_report(case)
        authors.add(report.author_id if report else None)
    if actor.id in authors:
        return _("You cannot approve a draft you submitted yourself.")
    return None


@guard("all_recommendations_closed")
def all_recommendations_closed(case, actor, context):
    from app.cases.models import Case

    open_count = db.session.scalar(
        sa.select(sa.func.count()).select_from(Case)
        .where(Case.parent_id == case.id, Case.family == "recommendation", Case.state != "closed")
    )
    if open_count:
        return ngettext("%(num)d recommendation is not closed yet.",
                        "%(num)d recommendations are not closed yet.", open_count)
    return None


@guard("deadline_passed")
def deadline_passed(case, actor, context):
    today = context.get("today") or local_today()
    if case.due_on is None or case.due_on >= today:
        return _("The reply deadline has not passed yet.")
    return None


from app.critique import rules as _critique_rules  # noqa: F401  (critique guards)
from app.deadlines import rules as _deadline_rules  # noqa: F401  (extension guard)
from app.letters import rules as _letter_rules  # noqa: F401  (letter guards)
from app.supervision import rules  # noqa: F401  (registers the supervision guards)
