"""The kinds of notification and the ways a user may receive each: the one list both the
service and the settings page read."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l

ASSIGNMENT = "assignment"
APPROVAL_REQUESTED = "approval_requested"
DEADLINE_SOON = "deadline_soon"
DEADLINE_PASSED = "deadline_passed"
PORTAL_REPLY = "portal_reply"
RECOMMENDATION_OVERDUE = "recommendation_overdue"
CRITIQUE_INVITATION = "critique_invitation"
PORTAL_LETTER = "portal_letter"

#: Each kind with what the inbox, the email's subject and the settings page call it.
KINDS: dict[str, object] = {
    ASSIGNMENT: _l("You were named a handler of a case"),
    APPROVAL_REQUESTED: _l("A case awaits approval"),
    DEADLINE_SOON: _l("A deadline is due soon"),
    DEADLINE_PASSED: _l("A deadline has passed"),
    PORTAL_REPLY: _l("A member replied on the portal"),
    RECOMMENDATION_OVERDUE: _l("A recommendation is overdue"),
    CRITIQUE_INVITATION: _l("Your unit is invited to comment on a draft"),
    PORTAL_LETTER: _l("A new letter arrived through the portal"),
}

IMMEDIATE, DIGEST, OFF = "immediate", "digest", "off"
#: How a user receives a kind; IMMEDIATE when they never chose.
MODES: dict[str, object] = {
    IMMEDIATE: _l("Immediately (inbox and email)"),
    DIGEST: _l("Daily digest (inbox, one email a day)"),
    OFF: _l("Off"),
}
DEFAULT_MODE = IMMEDIATE
