"""Read side of critiques: the invited units' queue, one request, comments side by side."""
from __future__ import annotations

from collections import Counter

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from app.cases.models import Case
from app.critique.models import ArticleComment, Consultation, ConsultationInvitee
from app.critique.rules import articles_of, consultations_of
from app.critique.services import COMMENTING_STATES, can_answer, officer_org_ids
from app.extensions import db


def requests_for(user, pending_only: bool = False,
                 limit: int | None = None) -> list[ConsultationInvitee]:
    """Consultations sent to the units where the user is an officer, newest first;
    `pending_only`: still open for comments and not answered yet, soonest deadline first
    (the first `limit`)."""
    orgs = officer_org_ids(user)
    if not orgs:
        return []
    stmt = (sa.select(ConsultationInvitee).join(Consultation).join(Case)
            .where(ConsultationInvitee.org_id.in_(orgs))
            .options(selectinload(ConsultationInvitee.consultation)
                     .selectinload(Consultation.case)))
    if pending_only:
        return list(db.session.scalars(
            stmt.where(ConsultationInvitee.responded_at.is_(None),
                       Case.state.in_(COMMENTING_STATES))
            .order_by(Consultation.deadline, ConsultationInvitee.id).limit(limit)))
    stmt = stmt.order_by(Consultation.deadline.desc(), ConsultationInvitee.id.desc())
    return list(db.session.scalars(stmt))


def request_for(user, invitee_id: int) -> ConsultationInvitee | None:
    """The request if the user may answer it; None otherwise (404: not invited = not there)."""
    invitee = db.session.get(ConsultationInvitee, invitee_id)
    if invitee is None or not can_answer(user, invitee):
        return None
    return invitee


def comments_side_by_side(case) -> dict:
    """Every invitee of every consultation as a column, every article as a row."""
    invitees = [i for c in consultations_of(case) for i in c.invitees]
    comments = db.session.scalars(sa.select(ArticleComment).where(
        ArticleComment.invitee_id.in_([i.id for i in invitees]))) if invitees else []
    cell = {(c.article_id, c.invitee_id): c for c in comments}
    articles = articles_of(case)
    return {
        "invitees": invitees,
        "rows": [(a, [cell.get((a.id, i.id)) for i in invitees]) for a in articles],
    }


def response_tally(points) -> dict:
    """The points of a critique by response, and the share taken in (None without points)."""
    tally = Counter(p.response for p in points)
    return {"points": len(points), "taken_in": tally["taken_in"],
            "explained": tally["explained"], "not_taken_in": tally["not_taken_in"],
            "unanswered": tally[None],
            "share": tally["taken_in"] / len(points) if points else None}


def invited_org_ids(case) -> list[int]:
    """The units invited by the case's newest consultation (app.notifications tells their
    officers)."""
    newest = (sa.select(Consultation.id).where(Consultation.case_id == case.id)
              .order_by(Consultation.id.desc()).limit(1).scalar_subquery())
    return list(db.session.scalars(
        sa.select(ConsultationInvitee.org_id)
        .where(ConsultationInvitee.consultation_id == newest,
               ConsultationInvitee.org_id.is_not(None))
        .order_by(ConsultationInvitee.id)))
