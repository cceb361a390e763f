"""Statistics, the dashboard, periodic reports and exports of the case list."""
from flask_babel import lazy_gettext as _l

from app.cases.plugins import Feature, NavItem

feature = Feature("reports")
feature.nav.extend([
    NavItem("reports.dashboard", _l("Statistics"), order=50, group="statistics"),
    NavItem("reports.dashboard", _l("Statistics and reports"), place="unit",
            testid="dashboard-link"),
    NavItem("reports.cases", "CSV", place="list-export", args=(("fmt", "csv"),),
            testid="export-csv"),
    NavItem("reports.cases", "XLSX", place="list-export", args=(("fmt", "xlsx"),),
            testid="export-xlsx"),
])


def register(app) -> None:
    # background: the reports' jobs; documents: the periodic report's template
    from app.reports import background, cli, documents, routes  # noqa: F401

    feature.install(app, blueprints=[routes.bp])
    cli.register(app)
