"""Read side of the follow-up: recommendations in scope, overdue ones, replies and their files."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from app.auth.permissions import scope_condition
from app.cases.models import Attachment, Case
from app.cases.queries import scoped_cases
from app.core.calendar import local_today
from app.core.text import fold
from app.extensions import db
from app.followup.models import RecommendationReply
from workflows.recommendation import PENDING
from workflows.vocab import RECOMMENDATION

#: States in which the addressee still owes an answer; past due_on these count as overdue.
AWAITING_STATES = PENDING


@dataclass
class RecommendationFilter:
    state: str | None = None
    overdue: bool = False
    #: Free text matched against the addressee, ignoring case and diacritics.
    q: str | None = None


def scoped_recommendations(user) -> sa.Select:
    return scoped_cases(user).where(Case.family == RECOMMENDATION)


def overdue_condition(today: date | None = None):
    return sa.and_(Case.due_on < (today or local_today()), Case.state.in_(AWAITING_STATES))


def overdue_recommendations(user, today: date | None = None) -> list[Case]:
    """Recommendations in the user's scope whose reply is late, most overdue first."""
    stmt = (scoped_recommendations(user).where(overdue_condition(today))
            .order_by(Case.due_on.asc(), Case.id.asc()))
    return list(db.session.scalars(stmt))


def count_overdue(user, today: date | None = None) -> int:
    overdue = scoped_recommendations(user).where(overdue_condition(today)).subquery()
    return db.session.scalar(sa.select(sa.func.count()).select_from(overdue)) or 0


def filtered_recommendations(user, f: RecommendationFilter,
                             today: date | None = None) -> sa.Select:
    """The list page's query: soonest deadline first, those without one last."""
    stmt = scoped_recommendations(user)
    if f.state:
        stmt = stmt.where(Case.state == f.state)
    if f.overdue:
        stmt = stmt.where(overdue_condition(today))
    words = fold(f.q).split() if f.q else []
    if words:
        # search_text (folded) narrows the rows in SQL; it also holds the title and the text,
        # so the addressee itself is checked, folded, on the few rows left.
        candidates = stmt.where(*(Case.search_text.contains(w, autoescape=True) for w in words))
        ids = [case_id for case_id, name in db.session.execute(
                   candidates.with_only_columns(Case.id, Case.subject_name))
               if all(w in fold(name) for w in words)]
        stmt = stmt.where(Case.id.in_(ids))
    return stmt.options(selectinload(Case.parent)).order_by(
        sa.case((Case.due_on.is_(None), 1), else_=0), Case.due_on.asc(), Case.id.asc())


def count_by_state(user) -> dict[str, int]:
    stmt = (sa.select(Case.state, sa.func.count())
            .where(scope_condition(user, Case.org_id), Case.family == RECOMMENDATION)
            .group_by(Case.state))
    return dict(db.session.execute(stmt).all())


def reply_counts(case_ids) -> dict[int, int]:
    if not case_ids:
        return {}
    stmt = (sa.select(RecommendationReply.case_id, sa.func.count())
            .where(RecommendationReply.case_id.in_(list(case_ids)))
            .group_by(RecommendationReply.case_id))
    return dict(db.session.execute(stmt).all())


def reply_count(case_id) -> sa.ScalarSelect:
    """How many replies the recommendation `case_id` has received: a scalar subquery to
    select per case, correlated to the enclosing query (`case_id` is its case id column,
    e.g. Case.id); it reads the replies through their case_id index."""
    return (sa.select(sa.func.count(RecommendationReply.id))
            .where(RecommendationReply.case_id == case_id)
            .correlate_except(RecommendationReply).scalar_subquery())


def last_reply_received_on(case_id) -> sa.ScalarSelect:
    """The day the recommendation `case_id` received its latest reply (NULL without one): a
    scalar subquery correlated like `reply_count`."""
    return (sa.select(sa.func.max(RecommendationReply.received_on))
            .where(RecommendationReply.case_id == case_id)
            .correlate_except(RecommendationReply).scalar_subquery())


def answered_by(day: date, case_id) -> sa.ColumnElement[bool]:
    """Whether the recommendation `case_id` had received a reply by `day` (inclusive), for a
    query over cases (`case_id` its case id column). A LIMIT 1 lookup per case, which
    PostgreSQL cannot turn into a hash of the whole reply table as it may an EXISTS in a
    select list."""
    return (sa.select(sa.literal(1))
            .where(RecommendationReply.case_id == case_id,
                   RecommendationReply.received_on <= day)
            .limit(1).scalar_subquery().is_not(None))


def replies_with_attachments(case: Case) -> list[tuple[RecommendationReply, list[Attachment]]]:
    """The case's replies, oldest received first, each with its files (bytes not loaded)."""
    replies = list(db.session.scalars(
        sa.select(RecommendationReply).where(RecommendationReply.case_id == case.id)
        .order_by(RecommendationReply.received_on, RecommendationReply.id)
    ))
    files: dict[int, list[Attachment]] = {}
    if replies:
        for attachment in db.session.scalars(
            sa.select(Attachment)
            .where(Attachment.case_id == case.id, Attachment.owner_kind == "reply",
                   Attachment.owner_id.in_([r.id for r in replies]))
            .order_by(Attachment.id)
        ):
            files.setdefault(attachment.owner_id, []).append(attachment)
    return [(reply, files.get(reply.id, [])) for reply in replies]


def reply_attachment(case: Case, attachment_id: int) -> Attachment | None:
    """A reply's file if it belongs to `case`; None otherwise."""
    return db.session.scalar(
        sa.select(Attachment).where(Attachment.id == attachment_id,
                                    Attachment.case_id == case.id,
                                    Attachment.owner_kind == "reply")
    )
