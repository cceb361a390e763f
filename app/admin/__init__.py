"""Administration in the browser: users and their roles per unit, the units of the tree with
their names and dated moves, and the audit trail of every change made here (the deadline
rules and calendar have their own pages, app.deadlines). An admin manages only the units at or
below those where they hold the admin role; the command line stays for scripts."""
from flask_babel import lazy_gettext as _l

from app.auth.permissions import administers_somewhere
from app.cases.plugins import Feature, NavItem

feature = Feature("admin")
feature.nav.append(NavItem("admin.users", _l("Users and units"), order=91, group="admin",
                           visible=administers_somewhere, testid="admin-users"))


def register(app) -> None:
    from app.admin import routes

    feature.install(app, blueprints=[routes.bp])
