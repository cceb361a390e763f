"""Supervision (giám sát): programme, plan, delegation, working sessions, dialogues, report,
conclusion and recommendations (44/HD-TLĐ)."""
from flask_babel import lazy_gettext as _l

from app.cases.plugins import Feature, NavItem

feature = Feature("supervision")
feature.event_labels.update({
    "plan_saved": _l("Plan saved"),
    "delegation_named": _l("Delegation named"),
    "working_session": _l("Working session recorded"),
    "dialogue_recorded": _l("Dialogue recorded"),
    "report_saved": _l("Draft report saved"),
    "supervision_opened": _l("Supervision opened from this signal"),
})
feature.nav.append(NavItem("supervision.programme", _l("Programme"), order=30,
                           group="supervision"))


def register(app) -> None:
    from app.auth.permissions import restrict_role
    from app.deadlines import services as deadlines
    from app.supervision import documents, routes, rules  # noqa: F401  (templates, guards)
    from workflows.vocab import DELEGATE

    feature.install(app, blueprints=[routes.bp])
    # A delegation member acts only on the cases whose delegation names them.
    restrict_role(app, DELEGATE, rules.is_delegation_member)
    # The draft report is due counted from the fieldwork's last day (rule start_event).
    deadlines.read_start_day(app, "fieldwork_end", rules.fieldwork_end)
