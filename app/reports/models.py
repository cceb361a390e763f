"""Frozen figures of the dashboard and the periodic report for units with units below them."""
from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import db
from app.orgs.models import utcnow


class StatsSnapshot(db.Model):
    """Every figure of `app.reports.stats.compute` for one unit's subtree and one period.

    Written only by `stats.refresh_snapshots` (the background job) and by the first view of a
    past period; a final snapshot (a period that had ended when it was computed) is never
    rewritten, so a past period's report keeps its figures."""

    __tablename__ = "stats_snapshot"
    __table_args__ = (sa.UniqueConstraint("org_id", "period_start", "period_end"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    org_id: Mapped[int] = mapped_column(sa.ForeignKey("organisation.id"))
    #: "h1", "h2", "year" or "custom".
    period_kind: Mapped[str] = mapped_column(sa.String(10))
    period_start: Mapped[date]
    period_end: Mapped[date]
    computed_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow)
    #: The period had ended when it was computed: the figures are frozen.
    is_final: Mapped[bool] = mapped_column(default=False)
    #: `stats.Stats` as JSON (see `stats.to_json`).
    figures: Mapped[dict] = mapped_column(sa.JSON)
