"""Read side of the portal: the units a sender may choose, what the sender sees of their letter,
and the thread an officer sees on the case page."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

import sqlalchemy as sa

from app.auth.models import User
from app.cases.models import Attachment
from app.deadlines import queries as deadlines
from app.extensions import db
from app.orgs.models import Organisation, name_matches
from app.portal.models import PortalMessage, PortalReceipt
from app.portal.services import OWNER_KIND, grouped, root_unit
from workflows.base import Label
from workflows.letter import WORKFLOW as LETTER_WORKFLOW

#: Units listed by a search or below a unit, at most.
UNIT_CAP = 50

# -- what the sender is told of the letter's progress ----------------------------------------

#: The stages a sender sees, in order: a few plain words instead of the workflow's states.
STAGES: dict[str, Label] = {
    "received": Label("Đã tiếp nhận", "Received"),
    "screening": Label("Đang xem xét, phân loại", "Being screened"),
    "handling": Label("Đang giải quyết", "Being handled"),
    "forwarded": Label("Đã chuyển đến cơ quan có thẩm quyền", "Forwarded to the competent body"),
    "resolved": Label("Đã có kết quả", "Resolved"),
    "closed": Label("Đã kết thúc", "Closed"),
}
#: Each state of the letter workflow, as the sender sees it (the one place that maps them).
STAGE_OF_STATE = {
    "received": "received",
    "classified": "screening",
    "accepted": "handling",
    "verifying": "handling",
    "paused": "handling",
    "forwarded": "forwarded",
    "forward_overdue": "forwarded",
    "forward_reminded": "forwarded",
    "forward_escalated": "forwarded",
    "guided": "resolved",  # the union answered: which body the sender should turn to
    "resolved": "resolved",
    "filed": "closed",
    "withdrawn": "closed",
    "merged": "handling",  # handled together with an earlier letter of the same content
    "closed": "closed",
}
assert set(STAGE_OF_STATE) == set(LETTER_WORKFLOW.state_names), "a letter state has no stage"

#: The deadlines the law owes the sender (Luật Khiếu nại, Luật Tố cáo, Luật Tiếp công dân);
#: the unit's internal ones and the follow-up of a forwarded letter's receiving body are not.
MEMBER_DEADLINES = frozenset({
    "complaint.accept", "complaint.first.resolve", "complaint.second.resolve",
    "denunciation.initial", "denunciation.resolve", "petition.reply",
})


@dataclass(frozen=True)
class Deadline:
    name: Label
    due_on: date


@dataclass(frozen=True)
class File:
    id: int
    filename: str


@dataclass(frozen=True)
class Message:
    id: int
    direction: str
    text: str
    created_at: datetime
    files: tuple[File, ...] = ()
    sealed_files: int = 0
    #: The officer who wrote it: for the officers' thread only, never the sender's page.
    author: str = ""


@dataclass(frozen=True)
class MemberView:
    """All the sender sees of their letter: nothing of its handlers, notes, timeline or other
    parties."""
    code: str  # as on the receipt: grouped
    kind: str
    sent_on: date
    unit: str
    stage: Label
    deadline: Deadline | None
    messages: list[Message]
    is_open: bool


def member_deadline(case) -> Deadline | None:
    """The soonest running deadline the law owes the sender, if any."""
    owed = [d for d in deadlines.of_case(case) if d.is_open and d.rule_code in MEMBER_DEADLINES]
    if not owed:
        return None
    first = min(owed, key=lambda d: d.due_on)
    return Deadline(first.name, first.due_on)


def _messages(case_id: int, *, with_authors: bool) -> list[Message]:
    """The thread in two queries: the messages (with their authors' names) and their files."""
    rows = db.session.execute(
        sa.select(PortalMessage, User.full_name)
        .outerjoin(User, User.id == PortalMessage.author_id)
        .where(PortalMessage.case_id == case_id).order_by(PortalMessage.id)).all()
    files: dict[int, list[File]] = {}
    for file_id, owner_id, filename in db.session.execute(
            sa.select(Attachment.id, Attachment.owner_id, Attachment.filename)
            .where(Attachment.case_id == case_id, Attachment.owner_kind == OWNER_KIND)
            .order_by(Attachment.id)):
        files.setdefault(owner_id, []).append(File(file_id, filename))
    return [Message(m.id, m.direction, m.text, m.created_at, tuple(files.get(m.id, ())),
                    m.sealed_files, (author or "") if with_authors else "")
            for m, author in rows]


def member_view(receipt: PortalReceipt) -> MemberView:
    case = receipt.case
    return MemberView(
        code=grouped(receipt.code), kind=receipt.kind, sent_on=case.received_on,
        unit=case.org.display_name, stage=STAGES[STAGE_OF_STATE[case.state]],
        deadline=member_deadline(case), messages=_messages(case.id, with_authors=False),
        is_open=case.is_open)


def receipt_of(case) -> PortalReceipt | None:
    return db.session.scalar(sa.select(PortalReceipt).where(PortalReceipt.case_id == case.id))


def thread(case) -> list[Message]:
    """The messages with the sender, for the officers (who wrote each one included)."""
    return _messages(case.id, with_authors=True)


def attachment(case, attachment_id: int) -> Attachment | None:
    """A file of the sender's answers on `case`."""
    return db.session.scalar(sa.select(Attachment).where(
        Attachment.id == attachment_id, Attachment.case_id == case.id,
        Attachment.owner_kind == OWNER_KIND))


# -- the units a sender chooses from ----------------------------------------------------------


def _taking_letters():
    return Organisation.dissolved_on.is_(None)


def provinces() -> list[Organisation]:
    """The units of the second level (provincial federations, national sector unions) for
    "I don't know which unit": a short list."""
    return db.session.scalars(sa.select(Organisation).where(
        Organisation.level == 2, _taking_letters())
        .order_by(Organisation.display_name, Organisation.id)).all()


def children(org: Organisation) -> list[Organisation]:
    """The units just below `org` that take letters (at most UNIT_CAP + 1: "more" shown)."""
    return db.session.scalars(sa.select(Organisation).where(
        Organisation.parent_id == org.id, _taking_letters())
        .order_by(Organisation.display_name, Organisation.id).limit(UNIT_CAP + 1)).all()


def search(q: str) -> list[Organisation]:
    """Units that take letters whose name, label or short name holds `q`, accents optional
    (at most UNIT_CAP + 1)."""
    return db.session.scalars(sa.select(Organisation).where(_taking_letters(), name_matches(q))
        .order_by(Organisation.level, Organisation.path).limit(UNIT_CAP + 1)).all()


def unit(org_id: int | None) -> Organisation | None:
    """A unit that takes letters, or None."""
    org = db.session.get(Organisation, org_id) if org_id else None
    return org if org is not None and org.dissolved_on is None else None


def top() -> Organisation:
    return root_unit()

