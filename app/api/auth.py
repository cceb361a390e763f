"""Who calls the API: a bearer token, never the session cookie.

A staff browser's session cookie is ignored under /api/v1: the API is exempt from CSRF, so
a cookie that authenticated it would let any site post in the user's name. Each request
starts anonymous, and only `Authorization: Bearer <token>` makes it the token's user (for
the services, the permission checks and the language of the messages: the user's own)."""
from __future__ import annotations

from flask import abort, current_app, g, request
from flask_babel import gettext as _
from limits import parse

from app.api import services
from app.core.errors import Forbidden
from app.extensions import limiter, login_manager


def requires(scope: str):
    """The token must carry `scope` (read, write, transition): marks the view; `authenticate`
    checks it before the request's input is read."""
    def mark(fn):
        fn.api_scope = scope
        return fn
    return mark


def authenticate():
    """The blueprint's before_request: 401 without a live token, 429 past its rate, 403 when
    the view needs a scope the token lacks."""
    login_manager._update_request_context_with_user()  # anonymous: the cookie is never read
    g.sessionless = True  # nor its language (app.core.i18n.select_locale)
    header = request.headers.get("Authorization", "")
    scheme, _sep, raw = header.partition(" ")
    token = services.authenticate(raw.strip()) if scheme.lower() == "bearer" else None
    if token is None:
        abort(401)
    g.api_token = token
    login_manager._update_request_context_with_user(token.user)
    _count(token)
    view = current_app.view_functions.get(request.endpoint)
    method = "get" if request.method == "HEAD" else request.method.lower()
    view = getattr(getattr(view, "view_class", None), method, view)  # a MethodView's method
    scope = getattr(view, "api_scope", None)
    if scope is not None and scope not in token.scope_set:
        raise Forbidden(_("This token does not have the “%(scope)s” permission.",
                          scope=scope))


def _count(token) -> None:
    limit = parse(current_app.config["API_RATE_LIMIT"])
    try:
        allowed = limiter.limiter.hit(limit, "api-token", str(token.id))
    except Exception as exc:  # noqa: BLE001  (the storage's own errors: serve, tell the operator)
        current_app.logger.error("API rate limiting unavailable: %s", exc)
        return
    if not allowed:
        abort(429)
