"""Tables of app.api."""
from __future__ import annotations
