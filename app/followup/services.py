"""Writers of the follow-up of recommendations: record a reply received from the addressee."""
from __future__ import annotations

from datetime import date

from flask_babel import gettext as _

from app.auth import permissions
from app.cases.models import Case
from app.cases.services import attach_files, record_event
from app.core import uploads
from app.core.calendar import local_today
from app.core.dates import format_day
from app.core.errors import Conflict, Forbidden, Invalid, NotFound
from app.core.text import nfc
from app.extensions import db
from app.followup.models import RecommendationReply
from app.orgs.models import utcnow
from workflows.vocab import HANDLER, INTAKE, RECOMMENDATION

#: Roles that may record what an addressee answered.
REPLY_ROLES = frozenset({HANDLER, INTAKE})

def can_record_reply(user, case: Case) -> bool:
    return bool(permissions.roles_in(user, case.org) & REPLY_ROLES)


def check_can_reply(actor, case: Case) -> None:
    """Raise unless `actor` may record a reply to `case` now: 404 scope, 403 role, 409 closed."""
    if case.family != RECOMMENDATION or not permissions.can_view_case(actor, case):
        raise NotFound(_("Case not found."))
    if not can_record_reply(actor, case):
        raise Forbidden(_("Only the case handler or the intake officer can record a reply."))
    if not case.is_open:
        raise Conflict(_("This recommendation is closed; no reply can be recorded any more."))


def record_reply(case: Case, actor, *, received_on: date, text: str,
                 files: list[uploads.Upload] = (), today: date | None = None) -> RecommendationReply:
    """Record the addressee's reply with its files and append it to the case's timeline.

    Refusals raise before anything is added. Flushes; the caller commits.
    """
    check_can_reply(actor, case)
    today = today or local_today()
    text = nfc(text or "")
    if not text:
        raise Invalid(_("The reply text is required."), field="text")
    if received_on is None:
        raise Invalid(_("Enter the date the reply was received."), field="received_on")
    if received_on > today:
        raise Invalid(_("The reply date cannot be in the future."), field="received_on")
    if received_on < case.received_on:
        raise Invalid(_("The reply date cannot be before the recommendation was issued "
                        "(%(date)s).", date=format_day(case.received_on)),
                      field="received_on")
    uploads.check_files(files)  # refuse a bad file before anything is added

    reply = RecommendationReply(case_id=case.id, received_on=received_on, text=text,
                                recorded_by_id=actor.id)
    db.session.add(reply)
    db.session.flush()
    names = attach_files(case, actor, "reply", reply.id, files)
    record_event(case, actor, "reply", comment=text, data={
        "reply_id": reply.id,
        "received_on": received_on.isoformat(),
        "attachments": names,
    })
    # Touching the row bumps its version, so a concurrent close and this reply cannot both
    # commit: the later one fails its optimistic-lock check and the user sees a 409.
    case.updated_at = utcnow()
    db.session.flush()
    return reply
