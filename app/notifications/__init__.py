"""Notifications for officers: an in-app inbox and email (immediately, a daily digest, or off), sent after the transaction commits."""
from flask_babel import lazy_gettext as _l

from app.cases.plugins import Feature, NavItem

feature = Feature("notifications")
feature.nav.append(NavItem("notifications.settings", _l("Notification settings"),
                           place="account", testid="account-notification-settings"))


def register(app) -> None:
    from app.notifications import cli, hooks, routes  # noqa: F401  (hooks join the feature)

    feature.install(app, blueprints=[routes.bp])
    app.cli.add_command(cli.group)

    @app.context_processor
    def inbox_badge():
        """`inbox_unread()` for the top bar: one statement, only when the bar shows it."""
        from flask_login import current_user

        from app.notifications import queries

        def inbox_unread() -> str:
            if not current_user.is_authenticated:
                return ""
            count = queries.unread_count(current_user)
            return queries.badge_text(count) if count else ""

        return {"inbox_unread": inbox_unread}
