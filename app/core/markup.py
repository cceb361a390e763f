"""HTML that templates would otherwise build in long loops: the options of a filter's select.

A list page offers about 150 options (families, channels, states, units, sorts); built by a
Jinja loop with a filter and a conditional per option they were a sixth of the page's rendering.
"""
from __future__ import annotations

from collections.abc import Iterable

from markupsafe import Markup, escape


def options(choices: Iterable, selected=None, locale: str | None = None) -> Markup:
    """`<option>` elements for `choices`, pairs of (value, text), the one whose value equals
    `selected` (compared as text, so an id matches its query-string form) marked selected.
    A text may be a workflow or vocabulary Label, given in `locale`. Values and texts are
    escaped."""
    chosen = None if selected is None or selected == "" else str(selected)
    parts = []
    for value, text in choices:
        pick = getattr(text, "get", None)  # a Label; str and lazy strings have no get
        text = pick(locale) if callable(pick) else str(text)
        value = str(value)
        mark = " selected" if value == chosen else ""
        parts.append(f'<option value="{escape(value)}"{mark}>{escape(text)}</option>')
    # Every value and text above went through escape(): the joined string is safe HTML.
    return Markup("".join(parts))  # nosec B704
