"""Friendly error pages in the user's language; never a stack trace."""
from __future__ import annotations

from flask import jsonify, render_template, request
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError, SQLAlchemyError
from sqlalchemy.orm.exc import StaleDataError
from werkzeug.exceptions import HTTPException

from app.core.errors import DomainError, IdentityKeyError
from app.extensions import db, login_manager

TITLES = {
    400: _l("The request could not be understood"),
    403: _l("You do not have permission for this"),
    404: _l("Not found"),
    405: _l("This action is not allowed here"),
    409: _l("The case has changed"),
    413: _l("The upload is too large"),
    422: _l("The input is not valid"),
    429: _l("Too many attempts"),
    500: _l("Something went wrong on our side"),
    503: _l("The service is temporarily unavailable"),
}

MESSAGES = {
    400: _l("Please go back and try again."),
    403: _l("Your role does not allow this action. Ask your unit's administrator if you need it."),
    404: _l("The page or case does not exist, or it is outside your unit."),
    405: _l("Please use the buttons on the page."),
    409: _l("Someone else changed it after you opened the page. Reload and check."),
    413: _l("Please upload a smaller file."),
    422: _l("Please correct the input and try again."),
    429: _l("Please wait a few minutes and try again."),
    500: _l("The error has been logged. Nothing you had already saved was lost."),
    503: _l("Please try again in a few minutes."),
}


def render_error(status: int, message: str | None = None):
    try:
        db.session.rollback()
    except SQLAlchemyError:  # the database is gone; there is nothing to undo
        pass
    _anonymous_unless_readable()
    if request.accept_mimetypes.best == "application/json" or request.path.startswith("/api/"):
        return jsonify(error=str(TITLES.get(status, "")), message=str(message or "")), status
    return (
        render_template(
            "errors/error.html",
            status=status,
            title=TITLES.get(status, TITLES[500]),
            message=message or MESSAGES.get(status, MESSAGES[500]),
        ),
        status,
    )


def _anonymous_unless_readable() -> None:
    """The page header shows the user (and the locale may come from their row): when that row
    cannot be read (the database is down), draw the error page for an anonymous visitor instead
    of failing again. The session cookie is left as it is."""
    try:
        if current_user.is_authenticated:
            current_user.full_name  # noqa: B018  (re-read after the rollback)
    except SQLAlchemyError:
        login_manager._update_request_context_with_user()


#: PostgreSQL's SQLSTATE for a statement cancelled by statement_timeout (app.core.database).
QUERY_CANCELED = "57014"


def register(app) -> None:
    @app.errorhandler(CSRFError)
    def csrf_error(exc):
        # Lazy: translated once render_error knows whether the user's row can be read.
        return render_error(400, _l("The form expired or was sent from elsewhere. "
                                    "Reload the page and submit it again."))

    @app.errorhandler(DomainError)
    def domain_error(exc: DomainError):
        return render_error(exc.status, exc.message)

    @app.errorhandler(IdentityKeyError)
    def identity_key(exc):
        app.logger.error("Sealed identity unreadable on %s: %s", request.path, exc)
        return render_error(500, str(_l(
            "The sealed identity cannot be decrypted with this server's key. Nothing is shown; "
            "the administrator has to restore the right IDENTITY_KEY.")))

    @app.errorhandler(DBAPIError)
    def database_error(exc: DBAPIError):
        if not (isinstance(exc, (OperationalError, InterfaceError)) or exc.connection_invalidated):
            return unexpected(exc)  # a bug (constraint, bad SQL), not an outage
        if getattr(exc.orig, "sqlstate", None) == QUERY_CANCELED:
            app.logger.warning("Statement timeout on %s %s", request.method, request.path)
            login_manager._update_request_context_with_user()
            return render_error(503, str(_l(
                "This request took too long and was stopped. Narrow the filters, or try again "
                "in a moment.")))
        app.logger.error("Database unavailable on %s %s: %s", request.method, request.path, exc)
        login_manager._update_request_context_with_user()  # no second try at the user's row
        return render_error(503)

    @app.errorhandler(StaleDataError)
    def stale(exc):
        return render_error(409)

    @app.errorhandler(HTTPException)
    def http_error(exc: HTTPException):
        return render_error(exc.code or 500)

    @app.errorhandler(Exception)
    def unexpected(exc: Exception):
        app.logger.exception("Unhandled error on %s %s", request.method, request.path)
        return render_error(500)
