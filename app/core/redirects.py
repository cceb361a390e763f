"""The one check for where a `next` parameter may send the browser: a path on this site."""
from __future__ import annotations

from urllib.parse import urlsplit


def safe_next(target: str | None, default: str) -> str:
    """`target` when it is a path on this site, else `default`.

    Browsers drop tabs and newlines anywhere in a URL and spaces and controls at either end, and
    read a backslash as a slash, so "/\\t/evil.example" or "/\\\\evil.example" would leave the
    site: a control character or a backslash refuses the target outright.
    """
    if not target or "\\" in target or any(ord(ch) < 0x20 or ord(ch) == 0x7F for ch in target):
        return default
    target = target.strip()
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return default
    return target
