"""Demo data for deadlines: the cases' deadlines come from the workflows; the sweep writes the
warning and expiry lines their timelines would have had under a daily cron job."""
from __future__ import annotations

from datetime import date

from app.core.calendar import local_today
from app.deadlines.services import sweep


def seed(today: date | None = None) -> dict:
    """Run the sweep once over the demo cases (idempotent). Flushes; the caller commits."""
    return sweep(today or local_today())
