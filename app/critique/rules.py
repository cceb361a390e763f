"""Critique guards and effects (on the feature's plugin) and the small reads they use."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa
from flask_babel import gettext as _
from flask_babel import ngettext

from app.cases.guards import event_actors
from app.core.deadline_rules import shown_basis
from app.critique import feature
from app.critique.models import (
    Consultation,
    Critique,
    CritiqueMeeting,
    CritiquePoint,
    DraftArticle,
)
from app.deadlines import queries as deadline_queries
from app.documents.services import issue_now, number_label
from app.extensions import db
from workflows.vocab import CRITIQUE

#: The rule (with its legal basis) for how early the draft must reach the union.
NOTICE_RULE = "critique.notice"

#: The code of the critique document's template in the documents registry.
TEMPLATE = "critique_document"


def critique_of(case) -> Critique | None:
    return db.session.scalar(sa.select(Critique).where(Critique.case_id == case.id))


def articles_of(case) -> list[DraftArticle]:
    return list(db.session.scalars(sa.select(DraftArticle).where(DraftArticle.case_id == case.id)
                                   .order_by(DraftArticle.position, DraftArticle.id)))


def points_of(case) -> list[CritiquePoint]:
    return list(db.session.scalars(sa.select(CritiquePoint).where(CritiquePoint.case_id == case.id)
                                   .order_by(CritiquePoint.position, CritiquePoint.id)))


def consultations_of(case) -> list[Consultation]:
    return list(db.session.scalars(sa.select(Consultation).where(Consultation.case_id == case.id)
                                   .order_by(Consultation.id)))


def meetings_of(case) -> list[CritiqueMeeting]:
    return list(db.session.scalars(sa.select(CritiqueMeeting)
                                   .where(CritiqueMeeting.case_id == case.id)
                                   .order_by(CritiqueMeeting.held_on, CritiqueMeeting.id)))


@dataclass(frozen=True)
class Notice:
    """How many days before its submission the draft reached the union, against the rule."""

    days: int
    required: int
    legal_basis: str

    @property
    def is_short(self) -> bool:
        return self.days < self.required


def was_issued(case) -> bool:
    """The critique has been approved and issued: its state lies on or after the one
    "approve_critique" leads to (workflow data), so the response figures mean something."""
    issued = case.workflow.action("approve_critique").dest
    return case.state in case.workflow.reachable_from(issued)


def notice(received_on: date, submission_on: date | None) -> Notice | None:
    if submission_on is None:
        return None
    rule = deadline_queries.rule(NOTICE_RULE)
    return Notice((submission_on - received_on).days, rule.days, shown_basis(rule))


def notice_days_required() -> int:
    """The notice period, as the rule table has it (with the admins' changes)."""
    return deadline_queries.rule(NOTICE_RULE).days


@feature.guard("critique_has_articles")
def critique_has_articles(case, actor, context):
    if not articles_of(case):
        return _("Enter the articles of the draft before asking for comments: "
                 "comments refer to them.")
    return None


@feature.guard("critique_has_input")
def critique_has_input(case, actor, context):
    if not consultations_of(case) and not meetings_of(case):
        return _("Send the draft for comments, or record a conference or a dialogue, "
                 "before consolidating.")
    return None


@feature.guard("critique_has_points")
def critique_has_points(case, actor, context):
    if not points_of(case):
        return _("Write the points of the critique before submitting it.")
    return None


@feature.guard("critique_points_answered")
def critique_points_answered(case, actor, context):
    missing = sum(1 for p in points_of(case) if p.response is None)
    if missing:
        return ngettext("%(num)d point has no response from the drafting body yet; record it, "
                        "or close with a reason.",
                        "%(num)d points have no response from the drafting body yet; record "
                        "them, or close with a reason.", missing)
    return None


@feature.draft_authors(CRITIQUE, "approve_critique")
def critique_authors(case) -> set[int]:
    """Whoever saved the points of the critique (save_points writes points_saved) or submitted
    it. The articles are the drafting body's text, and comments are input, not the critique."""
    return event_actors(case, ("points_saved", "submit_critique"))


@feature.effect(CRITIQUE, "approve_critique")
def issue_the_critique(case, actor, context):
    """Approval issues the critique document: numbered in the unit's register (sổ văn bản đi)
    with every other outgoing document, signed by the approver, its PDF frozen."""
    doc = issue_now(case, actor, TEMPLATE, today=context.get("today_given"))
    return {"document_id": doc.id, "number": number_label(doc),
            "issued_on": doc.issued_on.isoformat()}
