"""The public portal: members and workers submit letters without a login and follow them with a receipt code and a secret."""
from flask_babel import lazy_gettext as _l

from app.cases.plugins import Feature

feature = Feature("portal")
#: Timeline lines of the thread with the sender (their text stays in the thread): app.notifications
#: hooks these two action names.
feature.event_labels.update({
    "portal_question": _l("Message sent to the sender through the portal"),
    "portal_reply": _l("The sender answered through the portal"),
})


def register(app) -> None:
    from app.core.access import open_blueprint
    from app.portal import host, routes

    open_blueprint(app, "portal")
    host.install(app)
    feature.install(app, blueprints=[routes.bp, routes.staff])
