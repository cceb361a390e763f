"""Every error under /api/v1 as one JSON shape, in the token owner's language:
{"code": 404, "status": "Not Found", "message": "...", "errors": {...}}.

The API's blueprints answer their own errors (a blueprint's handlers come before the app's
HTML error pages); a URL under the prefix that matches no route is answered by `routing_error`,
an app-level before_request, since such a request belongs to no blueprint."""
from __future__ import annotations

from flask import current_app, jsonify, request
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError, SQLAlchemyError
from sqlalchemy.orm.exc import StaleDataError
from werkzeug.exceptions import HTTPException, InternalServerError

from app.core.errors import DomainError
from app.extensions import db

PREFIX = "/api/v1"

#: What an error says when nothing more precise is known, by status.
MESSAGES = {
    400: _l("The request could not be understood: check that the body is valid JSON."),
    401: _l("A valid API token is required: send it as “Authorization: Bearer <token>”."),
    403: _l("The token does not allow this."),
    404: _l("Not found, or outside your units."),
    405: _l("This method is not allowed on this address."),
    409: _l("The case has changed: read it again and retry."),
    413: _l("The request is too large."),
    415: _l("Send the body as application/json."),
    422: _l("The input is not valid."),
    429: _l("Too many requests: wait a little and try again."),
    500: _l("Something went wrong on our side. Nothing you had already saved was lost."),
    503: _l("The service is temporarily unavailable: try again in a few minutes."),
}


def _translated(value):
    """Validation messages (marshmallow's English defaults and ours) in the user's language:
    each string is looked up in the catalogue; one without a translation stays as it is."""
    if isinstance(value, str):
        return _(value) if value else value
    if isinstance(value, dict):
        return {str(k): _translated(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_translated(v) for v in value]
    return str(value)


def payload(status: int, message=None, errors: dict | None = None, headers=None):
    from http import HTTPStatus

    try:
        name = HTTPStatus(status).phrase
    except ValueError:
        name = "Error"
    body = {"code": status, "status": name,
            "message": str(message or MESSAGES.get(status, MESSAGES[500])),
            "errors": _translated(errors or {})}
    response = jsonify(body)
    response.status_code = status
    for key, value in (headers or {}).items():
        response.headers[key] = value
    if status == 401:
        response.headers["WWW-Authenticate"] = 'Bearer realm="giamsat"'
    return response


def _rollback() -> None:
    try:
        db.session.rollback()
    except SQLAlchemyError:  # the database is gone; there is nothing to undo
        pass


def http_error(exc: HTTPException):
    _rollback()
    data = getattr(exc, "data", None) or {}
    errors = data.get("errors") or data.get("messages") or {}
    # webargs names where each error was found ({"json": {...}}): one location per request
    # body or query here, so the field names are given directly.
    if isinstance(errors, dict) and len(errors) == 1 and next(iter(errors)) in (
            "json", "query", "path", "form", "headers"):
        errors = next(iter(errors.values()))
    if not isinstance(errors, dict):
        errors = {"_schema": errors}
    message = data.get("message")
    code = exc.code or 500
    headers = dict(data.get("headers") or {})
    if code == 405 and exc.get_headers():
        headers.update({k: v for k, v in exc.get_headers() if k == "Allow"})
    if code == 429 and getattr(exc, "retry_after", None):
        headers["Retry-After"] = str(exc.retry_after)
    return payload(code, message, errors, headers)


def domain_error(exc: DomainError):
    _rollback()
    errors = {exc.field: [exc.message]} if exc.field else {}
    return payload(exc.status, exc.message, errors)


def stale(exc):
    return payload(409)


def database_error(exc: DBAPIError):
    if not (isinstance(exc, (OperationalError, InterfaceError)) or exc.connection_invalidated):
        return unexpected(exc)
    current_app.logger.error("Database unavailable on %s %s: %s", request.method,
                             request.path, exc)
    _rollback()
    return payload(503)


def unexpected(exc: Exception):
    if isinstance(exc, HTTPException) and not isinstance(exc, InternalServerError):
        return http_error(exc)
    current_app.logger.exception("Unhandled error on %s %s", request.method, request.path)
    _rollback()
    return payload(500)


def register(blueprint) -> None:
    """The API's handlers on `blueprint`: they take precedence over the app's error pages."""
    blueprint.register_error_handler(HTTPException, http_error)
    blueprint.register_error_handler(DomainError, domain_error)
    blueprint.register_error_handler(StaleDataError, stale)
    blueprint.register_error_handler(DBAPIError, database_error)
    blueprint.register_error_handler(Exception, unexpected)


def routing_error():
    """A URL under the API's prefix that matches no route (404), or a method it does not
    allow (405): JSON, as every API error, instead of the HTML error page."""
    exc = request.routing_exception
    if (exc is not None and isinstance(exc, HTTPException) and (exc.code or 500) >= 400
            and (request.path == PREFIX or request.path.startswith(PREFIX + "/"))):
        return http_error(exc)
    return None


def _marshmallow_messages():  # pragma: no cover - never called
    """marshmallow's and webargs' messages our schemas can give, listed so that they are
    extracted for translation (`_translated` looks them up)."""
    _("Missing data for required field.")
    _("Unknown field.")
    _("Field may not be null.")
    _("Invalid input type.")
    _("Invalid value.")
    _("Not a valid integer.")
    _("Not a valid string.")
    _("Not a valid boolean.")
    _("Not a valid date.")
    _("Not a valid list.")
    _("Not a valid mapping type.")
    _("Invalid JSON body.")
    _("Not a valid choice.")
