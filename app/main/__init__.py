"""Home page, unit pages, health check, language switch."""
from flask_babel import lazy_gettext as _l

from app.cases.plugins import Feature, NavItem

feature = Feature("main")
feature.nav.append(NavItem("main.home", _l("My work"), order=10))


def register(app) -> None:
    from app.main import routes

    feature.install(app, blueprints=[routes.bp])
