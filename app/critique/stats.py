"""Figures for the dashboard: how much of the union's critique the drafting bodies took in."""
from __future__ import annotations

from datetime import date

import sqlalchemy as sa

from app.cases.queries import subtree_condition
from app.critique.models import CritiquePoint
from app.critique.rules import TEMPLATE
from app.documents import queries as document_queries
from app.extensions import db


def share_taken_in(org, date_from: date | None = None, date_to: date | None = None) -> dict:
    """Points of the critiques issued by `org` and the units below it between `date_from` and
    `date_to` (issue dates, both included), by the drafting body's response.

    Returns {"critiques", "points", "taken_in", "explained", "not_taken_in", "unanswered",
    "share"}; "share" is taken_in / points, None when there are no points.
    """
    case_ids = document_queries.issued_case_ids(
        TEMPLATE, subtree_condition(org, on=date_to), date_from, date_to)
    rows = {response or "unanswered": n for response, n in db.session.execute(
        sa.select(CritiquePoint.response, sa.func.count())
        .where(CritiquePoint.case_id.in_(case_ids)).group_by(CritiquePoint.response))
    } if case_ids else {}
    points = sum(rows.values())
    result = {key: rows.get(key, 0)
              for key in ("taken_in", "explained", "not_taken_in", "unanswered")}
    result.update(critiques=len(case_ids), points=points,
                  share=result["taken_in"] / points if points else None)
    return result
