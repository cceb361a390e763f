"""The kernel's named guards, and a helper for the features' readers of draft authors.

A guard returns None when satisfied, else the reason shown to the user. Features add theirs to
their own `app.cases.plugins.Feature` (``@feature.guard``, ``@feature.effect``) and say with
``@feature.draft_authors`` who wrote the draft an approval concerns: the four-eyes guard here
asks them.
"""
from __future__ import annotations

import sqlalchemy as sa
from flask_babel import gettext as _
from flask_babel import ngettext

from app.cases import feature
from app.cases.plugins import installed
from app.core.calendar import local_today
from app.extensions import db


def event_actors(case, actions: tuple[str, ...]) -> set[int]:
    """Everyone who did one of `actions` on the case's timeline. The timeline is append-only and
    every edit of a draft writes its event, so no author drops out by a later save."""
    from app.cases.models import CaseEvent

    return set(db.session.scalars(
        sa.select(CaseEvent.actor_id).distinct()
        .where(CaseEvent.case_id == case.id, CaseEvent.action.in_(actions),
               CaseEvent.actor_id.is_not(None))))


@feature.guard("not_own_draft")
def not_own_draft(case, actor, context):
    """Four eyes: nobody approves a draft they wrote, changed or submitted, in any version."""
    readers = installed().draft_authors.get((case.family, context.get("trigger")))
    if not readers:
        # A trigger guarded without a reader of its authors: refuse rather than let anyone pass.
        return _("The authors of this draft are not known, so nobody can approve it.")
    if any(actor.id in read(case) for read in readers):
        return _("You wrote, changed or submitted this draft: another approver must approve "
                 "it (four eyes).")
    return None


@feature.guard("all_recommendations_closed")
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


@feature.guard("deadline_passed")
def deadline_passed(case, actor, context):
    today = context.get("today") or local_today()
    if case.due_on is None or case.due_on >= today:
        return _("The reply deadline has not passed yet.")
    return None
