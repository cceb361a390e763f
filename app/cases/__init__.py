"""The kernel: cases, their state under the workflows, their timeline, lists and search.

It knows no feature: features plug into it through their `app.cases.plugins.Feature`."""
from flask_babel import lazy_gettext as _l

from app.auth.permissions import creates_somewhere
from app.cases.plugins import Feature, NavItem

#: The kernel's own contributions: its guards, the label of the "open" event, its menu entries.
feature = Feature("cases")
feature.nav += [
    NavItem("cases.index", _l("Cases"), order=20, group="cases"),
    NavItem("cases.new", _l("Log a case"), order=24, group="cases", visible=creates_somewhere,
            testid="log-case"),
]


def register(app) -> None:
    from app.cases import cli, guards, routes, views  # noqa: F401  (guards and labels)

    feature.install(app, blueprints=[routes.bp])
    cli.register(app)
