"""The sealed identity of a case's reporter, and the case's named handlers.

Part of the kernel with app.cases, above it: the kernel hands the sender to this package's
opening hook and shows its two panels, and never imports it."""
from flask_babel import lazy_gettext as _l

from app.cases.plugins import Feature

feature = Feature("identity")
feature.event_labels.update({
    "identity_viewed": _l("Sender's identity viewed"),
    "identity_sealed": _l("Sender's identity sealed"),
    "identity_seal_lifted": _l("Seal on the sender's identity lifted"),
    "handler_added": _l("Handler named"),
    "handler_removed": _l("Handler removed"),
})


def register(app) -> None:
    from app.identity import routes, services  # noqa: F401  (the opening hook and the panels)

    feature.install(app, blueprints=[routes.bp])
