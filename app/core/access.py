"""Blueprints that answer without a staff session: the public portal (no login at all) and the
API (a bearer token, never the session cookie). Everything else requires a login (deny by
default, app.create_app's require_login)."""
from __future__ import annotations

KEY = "giamsat.open_blueprints"


def open_blueprint(app, name: str) -> None:
    """Let requests to blueprint `name` through without a staff login; the blueprint checks
    whatever it needs itself."""
    app.extensions.setdefault(KEY, set()).add(name)


def is_open(app, blueprint: str | None) -> bool:
    return blueprint is not None and blueprint in app.extensions.get(KEY, ())
