"""Tables of app.notifications."""
from __future__ import annotations
