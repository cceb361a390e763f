"""Addresses of a page that takes one integer id, built without werkzeug's URL builder on each
call: a list links each of its rows to its page, and url_for cost a quarter of the time of
rendering a case table. The address is built once per endpoint and application root around a
marker id, and each row's id is written in its place."""
from __future__ import annotations

from flask import current_app, has_request_context, request, url_for

KEY = "giamsat.id_urls"
#: An id no row has, whose digits do not occur in a route's fixed parts.
_MARKER = 987654321


def id_url(endpoint: str, arg: str, value: int) -> str:
    """What `url_for(endpoint, **{arg: value})` gives for an `<int:arg>` route."""
    if not has_request_context():  # a command or a job: url_for with SERVER_NAME, as before
        return url_for(endpoint, **{arg: value})
    store = current_app.extensions.setdefault(KEY, {})
    key = (endpoint, arg, request.script_root)
    parts = store.get(key)
    if parts is None:
        prefix, _marker, suffix = url_for(endpoint, **{arg: _MARKER}).partition(str(_MARKER))
        parts = store[key] = (prefix, suffix)
    return f"{parts[0]}{int(value)}{parts[1]}"
