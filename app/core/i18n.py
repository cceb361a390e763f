"""Locale choice and the translation catalogues, compiled from the committed .po files."""
from __future__ import annotations

import os
from pathlib import Path

from flask import current_app, g, has_request_context, session
from flask_babel import get_locale, get_translations, lazy_gettext
from flask_login import current_user
from jinja2 import pass_context
from markupsafe import Markup

SOURCE_DIR = Path(__file__).resolve().parent.parent / "translations"
LOGIN_MESSAGE = lazy_gettext("Please log in to continue.")


def select_locale() -> str:
    supported = current_app.config["LANGUAGES"]
    if not has_request_context():
        return current_app.config["BABEL_DEFAULT_LOCALE"]
    # A request that authenticates without the session (the API's bearer token) speaks its
    # user's language, whatever a cookie sent along says.
    chosen = None if g.get("sessionless") else session.get("lang")
    if chosen in supported:
        return chosen
    if getattr(current_user, "is_authenticated", False) and current_user.locale in supported:
        return current_user.locale
    return current_app.config["BABEL_DEFAULT_LOCALE"]


def current_locale() -> str:
    try:
        locale = get_locale()
    except Exception:  # outside a request
        return "vi"
    return str(locale) if locale else "vi"


def compiled_catalogues(app) -> str:
    """Compile each .po into instance/translations when it is newer than its .mo.

    .mo files are build output and are not committed; compiling on start keeps a fresh
    checkout runnable with one command.
    """
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    target = Path(app.instance_path) / "translations"
    for po_path in SOURCE_DIR.glob("*/LC_MESSAGES/messages.po"):
        lang = po_path.parent.parent.name
        mo_path = target / lang / "LC_MESSAGES" / "messages.mo"
        if mo_path.exists() and mo_path.stat().st_mtime >= po_path.stat().st_mtime:
            continue
        mo_path.parent.mkdir(parents=True, exist_ok=True)
        with po_path.open("rb") as fh:
            catalogue = read_po(fh, locale=lang)
        tmp = mo_path.with_suffix(f".{os.getpid()}.tmp")
        with tmp.open("wb") as fh:
            write_mo(fh, catalogue)
        tmp.replace(mo_path)
    return str(target)




def label_text(label, locale: str | None = None) -> str:
    """A workflow or vocabulary Label in `locale`, by default the user's language."""
    return label.get(locale or current_locale()) if label is not None else ""


@pass_context
def label_filter(context, label) -> str:
    """The template filter `label`: label_text with the locale the render already holds."""
    return label_text(label, context.get("locale"))


def template_gettext() -> dict:
    """`gettext` and `ngettext` for one render, bound to the request's catalogue.

    Flask-Babel's callables find the catalogue again on every call, through several context-local
    look-ups each (a list page makes a few hundred calls: about a tenth of its time). These do the
    look-up once per render and behave as Jinja's newstyle gettext does: the message is always a
    format string, and marked safe before formatting when autoescaping, so that the variables are
    escaped. `_()` in templates resolves `gettext` from the render's context.
    """
    translations = get_translations()
    ugettext, ungettext = translations.ugettext, translations.ungettext

    # Markup wraps the message from our own catalogue, never the variables: formatting a
    # Markup escapes each of them (what jinja2.ext's newstyle gettext does).
    @pass_context
    def gettext(__context, __string: str, **variables) -> str:
        rv = ugettext(__string)
        if __context.eval_ctx.autoescape:
            rv = Markup(rv)  # nosec B704
        # Most calls have no variable and no "%": formatting them would change nothing, and
        # formatting a Markup is most of a call's cost.
        return rv % variables if variables or "%" in rv else rv

    @pass_context
    def ngettext(__context, __singular: str, __plural: str, __num: int, **variables) -> str:
        variables.setdefault("num", __num)
        rv = ungettext(__singular, __plural, __num)
        if __context.eval_ctx.autoescape:
            rv = Markup(rv)  # nosec B704
        return rv % variables

    return {"gettext": gettext, "ngettext": ngettext}
