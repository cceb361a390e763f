"""Writers of the reports feature: the periodic report drafted as a document of the unit."""
from __future__ import annotations

from datetime import date

from app.documents import services as documents
from app.reports import documents as report_documents
from app.reports import stats


def draft_periodic_report(org, actor, period: stats.Period, today: date | None = None):
    """A draft of the unit's periodic report for `period`, its figures frozen as they are
    now; the documents feature approves and issues it (four eyes, the unit's register)."""
    figures = stats.figures(org, period, today)
    return documents.draft_unit_document(
        org, actor, report_documents.TEMPLATE, summary=report_documents.summary_of(period),
        content=report_documents.content_of(figures), period_start=period.start,
        period_end=period.end)
