"""Tables of app.portal."""
from __future__ import annotations
