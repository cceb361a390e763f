"""The API under /api/v1: cases, letters, recommendations, documents and statistics for other systems, with per-user tokens and an OpenAPI document."""
from flask_babel import lazy_gettext as _l

from app.cases.plugins import Feature, NavItem

feature = Feature("api")
feature.nav.append(NavItem("api_tokens.index", _l("API tokens"), place="account",
                           testid="api-tokens-link"))

#: The OpenAPI document's description (English: API documentation is read by developers).
DESCRIPTION = """\
The giamsat API: cases, letters, recommendations, documents and statistics.

Authenticate with a personal token (created on the *API tokens* page of the staff site) sent as
`Authorization: Bearer <token>`. A token acts for its user, within the user's roles and units, and
only for its scopes: `read`, `write` (open cases, log letters), `transition` (take workflow
steps). The session cookie of the staff site is never accepted here.

Errors are JSON `{"code", "status", "message", "errors"}`; `message` and the messages in `errors`
are in the token owner's language. Lists are keyset pages: pass `next_cursor` back as `cursor`.
A denouncer's identity is never part of any response.
"""


def register(app) -> None:
    from flask_smorest import Api

    from app.api import docs, errors, routes, tokens
    from app.api.schemas import ApiError
    from app.core.access import open_blueprint
    from app.core.params import MAX_ID, IdConverter
    from app.extensions import csrf

    class _Api(Api):
        ERROR_SCHEMA = ApiError

        def _register_error_handlers(self):
            """None app-wide: the API's blueprints answer their own errors (app.api.errors),
            the staff pages keep theirs."""

    api = _Api(app, spec_kwargs={
        "title": "giamsat API", "version": "1.0.0", "openapi_version": "3.0.3",
        "info": {"description": DESCRIPTION},
        "security": [{"bearerAuth": []}],
    })
    api.spec.components.security_scheme(
        "bearerAuth", {"type": "http", "scheme": "bearer",
                       "description": "A personal API token (gs_…)."})
    api.register_converter(IdConverter, lambda _c: {"type": "integer", "minimum": 1,
                                                    "maximum": MAX_ID})
    app.extensions[docs.KEY] = api
    api.register_blueprint(routes.bp)
    feature.install(app, blueprints=[docs.bp, tokens.bp])
    # Token or nothing: no staff login redirect, and no CSRF (no cookie is ever accepted).
    for name in (routes.bp.name, docs.bp.name):
        open_blueprint(app, name)
    csrf.exempt(routes.bp)
    app.before_request(errors.routing_error)
