"""Parts of a page rendered once and kept: the same inputs always give the same HTML.

The layout's main menu is the same for every user who sees the same entries, on the same page,
in the same language: rendering it per request (a few dozen url_for and gettext calls) cost
more than a whole bare page. `kept` renders a template once per key and returns the kept HTML
afterwards. The key must hold everything the template reads besides the language and the
application root, which it adds: such a template reads nothing of the request, the session or
the user but what its caller passes (and its caller puts in the key).
"""
from __future__ import annotations

from flask import current_app, request
from markupsafe import Markup

from app.core.i18n import current_locale, template_gettext

KEY = "giamsat.fragments"
#: Kept fragments per app before the store starts again (languages × pages × menus seen).
LIMIT = 4096


def kept(template: str, key: tuple, **context) -> Markup:
    """`template` rendered with `context`, once per (template, key, language, root)."""
    store = current_app.extensions.setdefault(KEY, {})
    full_key = (template, key, current_locale(), request.script_root)
    html = store.get(full_key)
    if html is None:
        rendered = current_app.jinja_env.get_template(template).render(
            **context, **template_gettext())
        html = Markup(rendered)  # nosec B704 -- rendered by an autoescaping template
        if len(store) >= LIMIT:
            store.clear()
        store[full_key] = html
    return html
