"""Read what a form shows a user from a page's HTML: an input's value, a text area's text, the
selected option of a select, a form's confirmation question."""
from __future__ import annotations

import html
import re


def _tag(page: str, tag: str, name: str) -> str:
    match = re.search(rf'<{tag}\b[^>]*\bname="{re.escape(name)}"[^>]*>', page)
    assert match, f"no <{tag} name={name!r}> on the page"
    return match.group(0)


def input_value(page: str, name: str) -> str:
    """The value the input named `name` shows ("" when it has none)."""
    match = re.search(r'\bvalue="([^"]*)"', _tag(page, "input", name))
    return html.unescape(match.group(1)) if match else ""


def textarea_text(page: str, name: str) -> str:
    match = re.search(rf'<textarea\b[^>]*\bname="{re.escape(name)}"[^>]*>(.*?)</textarea>',
                      page, re.DOTALL)
    assert match, f"no <textarea name={name!r}> on the page"
    # An HTML text area drops the newline right after its opening tag.
    return html.unescape(match.group(1)).removeprefix("\r\n").removeprefix("\n")


def selected(page: str, name: str) -> list[str]:
    """The values of the selected options of the select named `name`."""
    match = re.search(rf'<select\b[^>]*\bname="{re.escape(name)}"[^>]*>(.*?)</select>',
                      page, re.DOTALL)
    assert match, f"no <select name={name!r}> on the page"
    return _selected_values(match.group(1))


def _selected_values(options: str) -> list[str]:
    found = []
    for option in re.findall(r"<option\b[^>]*>", options):
        if re.search(r"\bselected\b", option):
            value = re.search(r'\bvalue="([^"]*)"', option)
            found.append(html.unescape(value.group(1)) if value else "")
    return found


def confirm_of(page: str, testid: str | None = None, action: str | None = None) -> str | None:
    """The data-confirm question of the form marked `data-testid=testid` or posting to
    `action`; None when it asks none."""
    for form in re.findall(r"<form\b[^>]*>", page):
        if (testid and f'data-testid="{testid}"' in form) or (
                action and f'action="{action}"' in form):
            match = re.search(r'\bdata-confirm="([^"]*)"', form)
            return html.unescape(match.group(1)) if match else None
    raise AssertionError(f"no form {testid or action!r} on the page")
