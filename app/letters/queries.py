"""Read side of letters for other features: what a letter's details (signers, classification,
the body it was forwarded to) add to a query over cases, without reaching for their model.

The details are joined, never read per row: a statement over cases (or a subquery of them)
passes through `outerjoin_details` and selects the columns `details_columns` names."""
from __future__ import annotations

from typing import NamedTuple

import sqlalchemy as sa

from app.extensions import db
from app.letters.models import ForwardReply, LetterDetails


class LetterDetailColumns(NamedTuple):
    """Columns of a letter's details, NULL for a case without any (not a letter, or one whose
    details were never recorded)."""

    #: How many people signed the letter (their names stay in the sealed identity store).
    signer_count: sa.ColumnElement[int]
    #: The body the letter is forwarded to when outside the union's competence ("" if none).
    competent_body: sa.ColumnElement[str]
    #: Valid for processing; NULL while not classified.
    is_valid: sa.ColumnElement[bool]
    #: Within the union's competence; NULL while not determined.
    within_competence: sa.ColumnElement[bool]


def details_columns() -> LetterDetailColumns:
    """The columns of a letter's details that the registers and statistics read: select them
    in a statement passed through `outerjoin_details`."""
    return LetterDetailColumns(LetterDetails.signer_count, LetterDetails.competent_body,
                               LetterDetails.is_valid, LetterDetails.within_competence)


def outerjoin_details(stmt: sa.Select, case_id) -> sa.Select:
    """`stmt` with the details of the letter `case_id` LEFT OUTER JOINed (`case_id`: the case
    id column of the statement's leftmost FROM, e.g. Case.id or a subquery's id column). The
    details are keyed by case, so the statement keeps one row per case."""
    return stmt.outerjoin(LetterDetails, LetterDetails.case_id == case_id)


def forward_replies(case) -> list[ForwardReply]:
    """The answers recorded from the body `case` was forwarded to, oldest first."""
    return list(db.session.scalars(sa.select(ForwardReply).where(
        ForwardReply.case_id == case.id).order_by(ForwardReply.received_on, ForwardReply.id)))
