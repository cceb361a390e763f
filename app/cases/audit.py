"""Tamper-evident timeline: each case's events form a SHA-256 hash chain anchored in its head row.

Every `CaseEvent` carries `seq` (1..n per case, in id order), `prev_hash` (the previous event's
hash, GENESIS for the first) and `hash`: SHA-256 of "v1:" followed by a canonical JSON of the
event's content (case, seq, actor, UTC time with microseconds, action, states, comment, data)
and `prev_hash`. `case_audit_head` keeps the last seq and hash of each case, so deleting the
last events — which leaves a perfectly valid shorter chain — is detected too.

`append` (called only by app.cases.services.record_event) locks the head row once per case per
transaction (SELECT ... FOR UPDATE; the head object stays in the session so that several events
recorded before a flush chain on each other), so two requests appending to one case queue up:
the second reads the head the first committed, and its rows get later ids, which keeps seq order
equal to id order.

`verify` streams every event (ordered by case, id) and names the first broken link of each case.

What it proves and what it does not: an edit, deletion, insertion or reordering made with SQL
behind the application's back is found. Someone who can write the database *and* knows the
scheme can recompute a whole chain and its head; keeping the digest `verify` prints (over every
head) outside the database — in the operator's log or on paper — turns that into a detectable
change too. A new scheme would use a new prefix ("v2:") and a column saying which one a row uses.
"""
from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from datetime import UTC, datetime

import sqlalchemy as sa
from sqlalchemy import event, inspect
from sqlalchemy.orm import Session

from app.cases.models import AuditHead, Case, CaseEvent

#: prev_hash of a case's first event.
GENESIS = "0" * 64
VERSION = "v1"
#: Session.info key of the heads locked in the current transaction.
_LOCKED = "audit_heads"


def utc(moment: datetime) -> datetime:
    """The moment in UTC; a naive datetime (SQLite gives those back) is taken as UTC."""
    if moment.tzinfo is None:
        return moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC)


def canonical_json(value) -> str:
    return json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def event_hash(*, case_id: int, seq: int, actor_id: int | None, created_at: datetime,
               action: str, from_state: str | None, to_state: str | None, comment: str,
               data, prev_hash: str) -> str:
    """Hex SHA-256 of one event (the migration c3d9e5f7a2b4 keeps a frozen copy of it)."""
    body = canonical_json({
        "case_id": case_id, "seq": seq, "actor_id": actor_id,
        "created_at": utc(created_at).strftime("%Y-%m-%dT%H:%M:%S.%fZ"),
        "action": action, "from_state": from_state, "to_state": to_state,
        "comment": comment, "data": data, "prev_hash": prev_hash,
    })
    return hashlib.sha256(f"{VERSION}:{body}".encode()).hexdigest()


def _locked_head(session: Session, case_id: int) -> AuditHead:
    """The case's head row, locked for this transaction (one SELECT FOR UPDATE per case)."""
    locked = session.info.setdefault(_LOCKED, {})
    head = locked.get(case_id)
    # A rolled-back savepoint expunges a head created in it and expires one changed in it.
    if head is not None and head in session and not inspect(head).expired_attributes:
        return head
    with session.no_autoflush:  # the caller's event is not complete yet
        head = session.get(AuditHead, case_id, with_for_update=True, populate_existing=True)
    if head is None:
        head = AuditHead(case_id=case_id, seq=0, hash=GENESIS)
        session.add(head)
    locked[case_id] = head
    return head


def lock_heads(session: Session, case_ids) -> None:
    """Lock the heads of many cases in one statement (in case order, so two batches cannot
    deadlock), for appends to several cases in one transaction (`services.record_events`)."""
    locked = session.info.setdefault(_LOCKED, {})
    wanted = sorted(set(case_ids) - set(locked))
    with session.no_autoflush:
        for start in range(0, len(wanted), 1000):
            part = wanted[start:start + 1000]
            heads = session.scalars(
                sa.select(AuditHead).where(AuditHead.case_id.in_(part))
                .order_by(AuditHead.case_id).with_for_update()
                .execution_options(populate_existing=True)).all()
            locked.update((head.case_id, head) for head in heads)
            for case_id in set(part) - {head.case_id for head in heads}:
                head = AuditHead(case_id=case_id, seq=0, hash=GENESIS)
                session.add(head)
                locked[case_id] = head


@event.listens_for(Session, "after_transaction_end")
def _forget_locks(session, transaction):
    # The session's own transaction or a savepoint ended (its locks may be gone with it); not
    # the inner transaction every flush opens.
    if transaction.parent is None or transaction.nested:
        session.info.pop(_LOCKED, None)


def append(session: Session, entry: CaseEvent) -> None:
    """Give a new event its place in the case's chain and move the head onto it."""
    head = _locked_head(session, entry.case_id)
    entry.seq = head.seq + 1
    entry.prev_hash = head.hash
    entry.hash = event_hash(
        case_id=entry.case_id, seq=entry.seq, actor_id=entry.actor_id,
        created_at=entry.created_at, action=entry.action, from_state=entry.from_state,
        to_state=entry.to_state, comment=entry.comment, data=entry.data,
        prev_hash=entry.prev_hash,
    )
    head.seq, head.hash = entry.seq, entry.hash


@dataclass
class Problem:
    case_id: int
    event_id: int | None
    action: str | None
    message: str
    code: str = ""

    def __str__(self) -> str:
        where = f"event {self.event_id} ({self.action})" if self.event_id else "timeline"
        return f"case {self.code or self.case_id}, {where}: {self.message}"


@dataclass
class Report:
    cases: int = 0
    events: int = 0
    problems: list[Problem] = field(default_factory=list)
    #: SHA-256 over every head (case id, seq, hash): write it down to detect a re-forged chain.
    digest: str = ""

    @property
    def ok(self) -> bool:
        return not self.problems


_EVENT_COLUMNS = (
    CaseEvent.id, CaseEvent.case_id, CaseEvent.seq, CaseEvent.prev_hash, CaseEvent.hash,
    CaseEvent.actor_id, CaseEvent.created_at, CaseEvent.action, CaseEvent.from_state,
    CaseEvent.to_state, CaseEvent.comment, CaseEvent.data,
)


def _check_event(row, expected_seq: int, expected_prev: str) -> str | None:
    if row.seq != expected_seq:
        if row.seq < expected_seq:
            return (f"seq {row.seq} comes after seq {expected_seq - 1}: "
                    "the events were reordered")
        return (f"seq {row.seq} where {expected_seq} was expected: "
                f"{row.seq - expected_seq} event(s) before it were deleted "
                "(or the events were reordered)")
    if row.prev_hash != expected_prev:
        return "does not link to the previous event: an event before it was replaced or moved"
    actual = event_hash(
        case_id=row.case_id, seq=row.seq, actor_id=row.actor_id, created_at=row.created_at,
        action=row.action, from_state=row.from_state, to_state=row.to_state,
        comment=row.comment, data=row.data, prev_hash=row.prev_hash,
    )
    if actual != row.hash:
        return "its content does not match its hash: the event was edited"
    return None


def _check_end(case_id, last, head) -> Problem | None:
    if head is None:
        return Problem(case_id, last.id, last.action, "the case has no audit head row")
    head_seq, head_hash = head
    if head_seq > last.seq:
        return Problem(case_id, last.id, last.action,
                       f"the timeline ends at seq {last.seq} but its head records seq "
                       f"{head_seq}: the last {head_seq - last.seq} event(s) were deleted")
    if head_seq != last.seq or head_hash != last.hash:
        return Problem(case_id, last.id, last.action,
                       f"the last event does not match the head (seq {head_seq}): "
                       "the timeline's end was altered")
    return None


def verify(session: Session, *, batch: int = 2000) -> Report:
    """Check every case's chain, streaming the events; the first broken link of each case."""
    report = Report()
    digest = hashlib.sha256()
    stmt = (
        sa.select(*_EVENT_COLUMNS, AuditHead.seq.label("head_seq"),
                  AuditHead.hash.label("head_hash"))
        .outerjoin(AuditHead, AuditHead.case_id == CaseEvent.case_id)
        .order_by(CaseEvent.case_id, CaseEvent.id)
        .execution_options(yield_per=batch)
    )
    current = None
    last = head = None
    expected_seq, expected_prev, broken = 1, GENESIS, False

    def close_case():
        if not broken:
            problem = _check_end(current, last, head)
            if problem:
                report.problems.append(problem)

    for row in session.execute(stmt):
        if row.case_id != current:
            if current is not None:
                close_case()
            current, broken = row.case_id, False
            expected_seq, expected_prev = 1, GENESIS
            head = None if row.head_seq is None else (row.head_seq, row.head_hash)
            report.cases += 1
        report.events += 1
        if not broken:
            message = _check_event(row, expected_seq, expected_prev)
            if message:
                report.problems.append(Problem(row.case_id, row.id, row.action, message))
                broken = True
        expected_seq, expected_prev, last = row.seq + 1, row.hash, row
    if current is not None:
        close_case()

    # A head whose case has no event left: every event was deleted.
    orphans = session.execute(
        sa.select(AuditHead.case_id, AuditHead.seq)
        .where(~sa.exists().where(CaseEvent.case_id == AuditHead.case_id))
        .where(AuditHead.seq > 0)
    )
    for case_id, seq in orphans:
        report.cases += 1
        report.problems.append(Problem(case_id, None, None,
                                       f"all {seq} event(s) of the case were deleted"))

    for case_id, seq, hash_ in session.execute(
            sa.select(AuditHead.case_id, AuditHead.seq, AuditHead.hash)
            .order_by(AuditHead.case_id).execution_options(yield_per=batch)):
        digest.update(f"{case_id}:{seq}:{hash_}\n".encode())
    report.digest = digest.hexdigest()

    if report.problems:
        ids = sorted({p.case_id for p in report.problems})
        codes = {}
        for start in range(0, len(ids), 500):
            codes.update(session.execute(
                sa.select(Case.id, Case.code).where(Case.id.in_(ids[start:start + 500]))).all())
        for problem in report.problems:
            problem.code = codes.get(problem.case_id) or f"#{problem.case_id}"
    report.problems.sort(key=lambda p: (p.case_id, p.event_id or 0))
    return report
