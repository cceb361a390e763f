"""Application factory."""
from __future__ import annotations

import os
from pathlib import Path

import flask_babel
from flask import Flask, request, session
from flask_login import current_user

from app import (
    admin,
    api,
    cases,
    critique,
    deadlines,
    documents,
    followup,
    identity,
    jobs,
    letters,
    main,
    notifications,
    portal,
    reports,
    supervision,
    workplace,
)
from app.extensions import babel, bootstrap, csrf, db, limiter, login_manager, migrate

ROOT = Path(__file__).resolve().parent.parent

#: Endpoints reachable without logging in; everything else requires a session (deny by default).
PUBLIC_ENDPOINTS = frozenset({"auth.login", "auth.code", "main.healthz", "static",
                              "bootstrap.static", "assets.vendor", "main.set_language"})
#: Endpoints whose responses browsers may cache; nothing else is ever stored.
STATIC_ENDPOINTS = frozenset({"static", "bootstrap.static", "assets.vendor"})


#: The kernel, installed first and always, and the features create_app installs, in order. Each
#: package's ``register(app)`` adds everything it contributes: its blueprint, guards and
#: effects, document templates, case-page panels, home blocks, timeline labels, menu entries
#: and CLI commands (app.cases.plugins). Leave one out and the app runs without it.
KERNEL = (cases, identity, main)
FEATURES = (deadlines, documents, supervision, followup, letters, critique, workplace, reports,
            jobs, admin, notifications, portal, api)


def create_app(config: type | str | None = None, features=FEATURES) -> Flask:
    """The app with the kernel and `features` (packages with a ``register(app)``)."""
    from config import CONFIGS

    if config is None:
        config = os.environ.get("GIAMSAT_ENV", "development")
    if isinstance(config, str):
        config = CONFIGS[config]
    if hasattr(config, "check"):
        config.check()

    app = Flask(
        __name__,
        template_folder=str(ROOT / "templates"),
        instance_path=str(ROOT / "instance"),
    )
    from app.core.params import CleanRequest, IdConverter

    # Query strings and forms arrive without control characters; ids beyond an integer are 404.
    app.request_class = CleanRequest
    app.url_map.converters["int"] = IdConverter
    app.config.from_object(config)
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)
    if not app.config.get("IDENTITY_KEY"):
        app.config["IDENTITY_KEY"] = _local_identity_key(Path(app.instance_path))

    from app.core import i18n
    from app.core.database import end_reads_with_commit, engine_options, ping_idle_connections

    app.config["SQLALCHEMY_ENGINE_OPTIONS"] = engine_options(
        app.config["SQLALCHEMY_DATABASE_URI"], app.config)
    db.init_app(app)
    end_reads_with_commit(app, db)
    ping_idle_connections(app, db)
    migrate.init_app(app, db, directory=str(ROOT / "migrations"), render_as_batch=True)
    csrf.init_app(app)
    bootstrap.init_app(app)
    from app.core import assets  # the third-party files of every page (the date picker)

    assets.register(app)
    babel.init_app(
        app,
        locale_selector=i18n.select_locale,
        default_translation_directories=i18n.compiled_catalogues(app),
    )
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message_category = "warning"
    login_manager.login_message = i18n.LOGIN_MESSAGE
    limiter.init_app(app)
    if app.config.get("TRUSTED_PROXIES"):
        from werkzeug.middleware.proxy_fix import ProxyFix

        hops = app.config["TRUSTED_PROXIES"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops)

    from app import models  # noqa: F401  (register every table with the metadata)
    from app.auth import routes as auth_routes

    app.register_blueprint(auth_routes.bp)
    for package in (*KERNEL, *features):
        package.register(app)

    from app.core import errors_web
    errors_web.register(app)

    from app import cli
    from app.core import jobs

    cli.register(app)
    jobs.init_app(app)

    from app.core import access

    @app.before_request
    def require_login():
        if request.endpoint in PUBLIC_ENDPOINTS or request.endpoint is None:
            return None
        if access.is_open(app, request.blueprint):
            return None
        if not current_user.is_authenticated:
            return login_manager.unauthorized()
        return None

    @app.after_request
    def security_headers(response):
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("X-Frame-Options", "DENY")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        response.headers.setdefault(
            "Content-Security-Policy",
            "default-src 'self'; img-src 'self' data:; style-src 'self'; "
            "script-src 'self'; frame-ancestors 'none'; form-action 'self'",
        )
        # Case pages and downloads must not outlive the session in a shared browser's cache.
        if request.endpoint not in STATIC_ENDPOINTS:
            response.headers["Cache-Control"] = "private, no-store"
        if app.config.get("HSTS_SECONDS"):
            response.headers.setdefault(
                "Strict-Transport-Security",
                f"max-age={app.config['HSTS_SECONDS']}; includeSubDomains")
        return response

    @app.context_processor
    def inject_helpers():
        from app.auth.permissions import is_read_only
        from app.cases.plugins import contributions
        from app.core.i18n import current_locale, template_gettext
        from workflows import vocab
        from workflows.registry import WORKFLOWS

        return {
            "vocab": vocab,
            "locale": current_locale(),
            "is_read_only": is_read_only,
            "session_lang": session.get("lang"),
            "state_label": lambda family, state: WORKFLOWS[family].state(state).label,
            "nav_items": contributions(app).visible_nav,
            **template_gettext(),
        }

    from app.cases.plugins import contributions
    from app.core import fragments

    def main_menu():
        """The layout's main menu for the current user and page, rendered once per set of
        entries, page and language (app.core.fragments)."""
        groups = contributions(app).menu(current_user)
        entries = tuple(id(item) for _key, _label, items in groups for item in items)
        return fragments.kept("_main_menu.html", (request.endpoint, entries), groups=groups,
                              endpoint=request.endpoint)

    app.add_template_global(main_menu, "main_menu")
    # The layout's stylesheets and scripts, the same on every page.
    app.add_template_global(lambda template: fragments.kept(template, ()), "kept_fragment")
    from app.core.urls import id_url

    app.add_template_global(id_url, "id_url")
    from app.core.i18n import label_filter

    app.add_template_filter(label_filter, "label")
    from app.core.markup import options

    app.add_template_global(options, "options")
    # Numbers grouped as the user's language writes them: "100.000" in Vietnamese.
    app.add_template_filter(flask_babel.format_number, "number")

    # Dates as dd/mm/yyyy, stored UTC timestamps as dd/mm/yyyy HH:mm in Vietnam time
    # (app.core.dates): `dmy` takes either, `day` and `moment` say which is meant.
    from app.core import dates

    app.add_template_filter(dates.format_dmy, "dmy")
    app.add_template_filter(dates.format_day, "day")
    app.add_template_filter(dates.format_moment, "moment")

    if app.config.get("COMPILE_TEMPLATES_ON_START"):
        compile_templates(app)
    return app


def compile_templates(app: Flask) -> None:
    """Compile every template into the app's template cache now, so that no request waits
    for one (each worker compiled a page's templates on its first request for it: 0.1-0.4 s)."""
    for name in app.jinja_loader.list_templates():  # the app's own folder (Jinja keeps 400)
        app.jinja_env.get_template(name)


def _local_identity_key(instance: Path) -> str:
    """Development and demo only (production refuses to start without IDENTITY_KEY): a key kept
    in the instance folder, created once, so sealed identities survive restarts."""
    from cryptography.fernet import Fernet

    path = instance / "identity.key"
    if not path.exists():
        path.write_bytes(Fernet.generate_key())
        path.chmod(0o600)
    return path.read_text().strip()
