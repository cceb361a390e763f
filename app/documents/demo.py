"""Demo documents beyond those the demo's steps issued: minutes of fieldwork, and one plan
approved and waiting for the clerk."""
from __future__ import annotations

import sqlalchemy as sa

from app.auth.models import RoleAssignment, User
from app.cases.models import Case
from app.core.errors import DomainError
from app.documents import services
from app.documents.models import CaseDocument
from app.extensions import db
from workflows.vocab import APPROVER, HANDLER, SUPERVISION

#: Documents issued on a supervision case in a state besides those its steps rested on (the
#: decision, the notice, the report and the recommendation letter, issued as the demo walked
#: the case through its steps: app.demo).
BY_STATE = {
    "fieldwork": ("sv_session_minutes",),
}
#: Drafted by a handler and approved by the unit's approver: waits for the clerk to issue it.
AWAITING_CLERK = "sv_plan"


def _user_at(case: Case, roles) -> User | None:
    return db.session.scalar(
        sa.select(User).join(RoleAssignment)
        .where(RoleAssignment.org_id == case.org_id, RoleAssignment.role.in_(roles))
        .order_by(User.id).limit(1))


def seed(limit: int = 12) -> int:
    """Draft and issue documents on up to `limit` demo supervision cases, and leave one approved
    plan for the clerk to issue (idempotent). Flushes; the caller commits. Returns the number
    of documents issued."""
    codes = {code for codes in BY_STATE.values() for code in codes} | {AWAITING_CLERK}
    if db.session.scalar(sa.select(sa.func.count()).select_from(CaseDocument)
                         .where(CaseDocument.template.in_(codes))):
        return 0
    cases = db.session.scalars(
        sa.select(Case).where(Case.family == SUPERVISION, Case.state.in_(BY_STATE))
        .order_by(Case.received_on, Case.id).limit(limit)).all()
    count = 0
    for case in cases:
        issuer = _user_at(case, {APPROVER})
        if issuer is None:
            continue
        for code in BY_STATE[case.state]:
            try:
                services.issue_now(case, issuer, code)
                count += 1
            except DomainError:  # a record the template needs is missing in the demo
                continue
    _approved_draft()
    return count


def _approved_draft() -> None:
    """A plan drafted by a handler and approved by an approver of the unit, not yet issued."""
    cases = db.session.scalars(
        sa.select(Case).where(Case.family == SUPERVISION, Case.state == "plan_drafted")
        .order_by(Case.received_on, Case.id)).all()
    for case in cases:
        author, approver = _user_at(case, {HANDLER}), _user_at(case, {APPROVER})
        if author is None or approver is None or author.id == approver.id:
            continue
        try:
            doc = services.draft_document(case, author, AWAITING_CLERK)
            services.approve_document(doc, approver)
        except DomainError:
            continue
        return
