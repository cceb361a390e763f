"""Read side of documents: a case's documents, a unit's register."""
from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from app.auth.models import RoleAssignment, User
from app.cases.models import Case
from app.documents.models import CaseDocument
from app.extensions import db
from workflows.vocab import APPROVER


def documents_of(case) -> list[CaseDocument]:
    return list(db.session.scalars(
        sa.select(CaseDocument).where(CaseDocument.case_id == case.id)
        .order_by(CaseDocument.created_at.desc(), CaseDocument.id.desc())))


def register_entries(org_id: int, year: int, register: str) -> list[CaseDocument]:
    """The issued documents of one register of a unit in a year, by number."""
    return list(db.session.scalars(
        sa.select(CaseDocument)
        .where(CaseDocument.org_id == org_id, CaseDocument.year == year,
               CaseDocument.register == register, CaseDocument.number.is_not(None))
        # The seal is asked of each row (a letter to a sealed sender prints masked): load both;
        # and the documents each one replaces or is replaced by.
        .options(selectinload(CaseDocument.case).selectinload(Case.identity_seal),
                 selectinload(CaseDocument.replaces), selectinload(CaseDocument.corrected_by))
        .order_by(CaseDocument.number)))


def register_years(org_id: int) -> list[int]:
    return list(db.session.scalars(
        sa.select(CaseDocument.year).where(CaseDocument.org_id == org_id,
                                           CaseDocument.year.is_not(None))
        .distinct().order_by(CaseDocument.year.desc())))


def latest_issued(case_ids, template: str) -> CaseDocument | None:
    """The last document from `template` issued on one of `case_ids`."""
    return db.session.scalar(
        sa.select(CaseDocument).where(CaseDocument.case_id.in_(list(case_ids)),
                                      CaseDocument.template == template,
                                      CaseDocument.issued_at.is_not(None))
        .order_by(CaseDocument.issued_at.desc()).limit(1))


def issued_case_ids(template: str, cases_where, date_from=None, date_to=None) -> list[int]:
    """The cases (among those `cases_where`, a condition on Case) with a document from
    `template` issued between `date_from` and `date_to` (both included, either open)."""
    issued = (sa.select(CaseDocument.case_id).join(Case, Case.id == CaseDocument.case_id)
              .where(cases_where, CaseDocument.template == template,
                     CaseDocument.issued_on.is_not(None)))
    if date_from is not None:
        issued = issued.where(CaseDocument.issued_on >= date_from)
    if date_to is not None:
        issued = issued.where(CaseDocument.issued_on <= date_to)
    return list(db.session.scalars(issued))


def unit_signer(org) -> tuple[User | None, dict]:
    """Who signs for `org` by default, and the signature block they signed with: the approver
    of the unit itself who signed its last issued document (with a signature of its own, not
    minutes signed side by side), else an approver of the unit who has signed none yet (the
    first named), with no block. A former approver is never offered. One statement."""
    title = sa.func.coalesce(CaseDocument.content[("signature", "signer_title")].as_string(), "")
    row = db.session.execute(
        sa.select(User, CaseDocument.content)
        .join(RoleAssignment, sa.and_(RoleAssignment.user_id == User.id,
                                      RoleAssignment.org_id == org.id,
                                      RoleAssignment.role == APPROVER))
        .outerjoin(CaseDocument, sa.and_(CaseDocument.approved_by_id == User.id,
                                         CaseDocument.org_id == org.id,
                                         CaseDocument.issued_at.is_not(None), title != ""))
        .where(User.active.is_(True))
        .order_by(CaseDocument.issued_at.desc().nulls_last(), CaseDocument.id.desc(), User.id)
        .limit(1)).first()
    if row is None:
        return None, {}
    user, content = row
    return user, dict((content or {}).get("signature") or {})
