"""Statistics, the dashboard, periodic reports and exports of the case list."""
from flask_babel import lazy_gettext as _l

from app.cases.plugins import Feature, NavItem

feature = Feature("reports")
feature.nav.append(NavItem("reports.dashboard", _l("Statistics"), order=50))


def register(app) -> None:
    from app.reports import background, cli, routes  # noqa: F401  (the reports' jobs)

    feature.install(app, blueprints=[routes.bp])
    cli.register(app)
