"""Named guards the workflows refer to; each returns None when satisfied, else the reason."""
from __future__ import annotations

from datetime import date

import sqlalchemy as sa
from flask_babel import gettext as _

from app.extensions import db

GUARDS = {}


def guard(name):
    def register(fn):
        GUARDS[name] = fn
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
    author = _last_actor(case, ("draft_plan", "submit_report", "submit_critique"))
    if author is not None and author == actor.id:
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
        return _("%(n)d recommendation(s) are not closed yet.", n=open_count)
    return None


@guard("deadline_passed")
def deadline_passed(case, actor, context):
    today = context.get("today") or date.today()
    if case.due_on is None or case.due_on >= today:
        return _("The reply deadline has not passed yet.")
    return None
