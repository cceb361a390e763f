"""The portal as its own site: the strict Content-Security-Policy of its pages, no staff user on
them, and, when PORTAL_HOST is set, a host name that answers with the portal alone.

- Every portal page, and everything served on PORTAL_HOST, gets STRICT_CSP (nothing but this
  server's own scripts, styles and images; no frames, no form posted elsewhere).
- On a portal page the staff user is never loaded: Flask-Login is told the visitor is
  anonymous before anything asks, so a staff session or remember-me cookie in the same browser
  changes nothing the page shows or does.
- On PORTAL_HOST the session lives in its own cookie (PORTAL_SESSION_COOKIE): the staff
  session cookie is neither read nor written there, and the staff pages answer 404.
"""
from __future__ import annotations

from flask import has_request_context, render_template, request

from app.extensions import login_manager

STRICT_CSP = ("default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
              "form-action 'self'; frame-ancestors 'none'; base-uri 'none'")
PORTAL_SESSION_COOKIE = "giamsat_portal"
#: What PORTAL_HOST serves besides the portal's pages: its scripts and styles, Bootstrap's CSS.
STATIC_ENDPOINTS = frozenset({"static", "bootstrap.static"})


def on_portal_host(app) -> bool:
    """The request came for PORTAL_HOST (with or without a port)."""
    host = (app.config.get("PORTAL_HOST") or "").strip().lower()
    if not host or not has_request_context():
        return False
    asked = request.host.lower()
    return asked == host or asked.rsplit(":", 1)[0] == host


def _is_portal(app) -> bool:
    return request.blueprint == "portal" or on_portal_host(app)


def _static_allowed() -> bool:
    if request.endpoint == "static":
        return (request.view_args or {}).get("filename", "").startswith("portal/")
    return request.endpoint in STATIC_ENDPOINTS


def install(app) -> None:
    base = type(app.session_interface)

    class PortalHostSession(base):
        """The session cookie of PORTAL_HOST is its own, apart from the staff one (the same
        as ever when PORTAL_HOST is not set)."""

        def get_cookie_name(self, app):
            if on_portal_host(app):
                return PORTAL_SESSION_COOKIE
            return super().get_cookie_name(app)

    app.session_interface = PortalHostSession()

    @app.before_request
    def portal_visitor():
        if not _is_portal(app):
            return None
        # Anonymous before anything asks (the app's login check, the locale, the templates).
        login_manager._update_request_context_with_user()
        if on_portal_host(app) and request.blueprint != "portal" and not _static_allowed():
            return render_template("portal/error.html", status=404, message=None), 404
        return None

    @app.after_request
    def portal_headers(response):
        if _is_portal(app):
            response.headers["Content-Security-Policy"] = STRICT_CSP
        return response
