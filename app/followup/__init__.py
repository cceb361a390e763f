"""Follow-up of recommendations: the addressee's replies, overdue reminders, closing."""
from flask_babel import lazy_gettext as _l

from app.cases.plugins import Feature, NavItem

feature = Feature("followup")
feature.event_labels["reply"] = _l("Reply received")
feature.nav.append(NavItem("followup.index", _l("Recommendations"), order=40,
                           group="supervision"))


def register(app) -> None:
    from app.followup import documents, routes  # noqa: F401  (the reminder's template)

    feature.install(app, blueprints=[routes.bp])
