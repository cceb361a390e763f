"""Writers of notifications: `notify` fills inboxes and schedules the immediate emails for after
the commit; the fan-out turns the nightly sweep's timeline lines into notifications; the
digest sends each digest user one email a day; a user's choices and what they have read.

A notification's params hold what the message shows and nothing else (the case's code and
title, a due date): never a sender's name or contact. Every writer here runs a fixed number
of statements whatever the number of users it notifies."""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

import sqlalchemy as sa
from flask import current_app
from flask_babel import gettext as _

from app.auth.models import RoleAssignment, User
from app.cases.models import Case, CaseEvent, CaseHandler
from app.core import jobs
from app.core.errors import Invalid, NotFound
from app.extensions import db
from app.notifications import kinds
from app.notifications.kinds import DEFAULT_MODE, DIGEST, IMMEDIATE, KINDS, MODES, OFF
from app.notifications.mail import mark_emailed, send_digest, send_immediate
from app.notifications.models import (
    Notification,
    NotificationCursor,
    NotificationPreference,
)
from app.orgs.models import utcnow
from workflows.vocab import APPROVER, HANDLER, INTAKE, RECOMMENDATION

#: Timeline lines the fan-out reads per statement (and per commit, from the command).
FANOUT_CHUNK = 500
#: The sweep's lines the fan-out turns into notifications.
SWEEP_ACTIONS = ("deadline_warning", "deadline_expired")


def _user_id(user) -> int:
    return user if isinstance(user, int) else user.id


def case_params(case: Case | None) -> dict:
    """What every notification about `case` shows: its code and title (the title never names
    a sender: receive_letter refuses one that does)."""
    if case is None:
        return {}
    return {"code": case.code or "", "title": case.title or ""}


def notify(users: Iterable, kind: str, case: Case | None = None, **params) -> list[int]:
    """Notify `users` (User rows or ids) of `kind` about `case`; returns the new rows' ids."""
    ids = {_user_id(u) for u in users}
    return notify_many([(ids, kind, case.id if case is not None else None,
                         {**case_params(case), **params})])


def notify_many(entries: Iterable[tuple[Iterable[int], str, int | None, dict]]) -> list[int]:
    """Each entry (user ids, kind, case id, params) notifies its users: one SELECT of their
    choices, one INSERT of the rows of those who did not turn the kind off; their immediate
    emails go out after the commit (app.core.jobs.after_commit)."""
    wanted: dict[tuple[int, str, int | None], dict] = {}
    for user_ids, kind, case_id, params in entries:
        if kind not in KINDS:
            raise ValueError(f"unknown notification kind {kind!r}")
        for user_id in user_ids:
            wanted.setdefault((user_id, kind, case_id), params)
    if not wanted:
        return []
    modes = preference_modes({u for u, _k, _c in wanted}, {k for _u, k, _c in wanted})
    now = utcnow()
    rows = [{"user_id": u, "kind": k, "case_id": c, "params": p, "created_at": now}
            for (u, k, c), p in wanted.items() if modes.get((u, k), DEFAULT_MODE) != OFF]
    if not rows:
        return []
    ids = list(db.session.scalars(
        sa.insert(Notification).returning(Notification.id, sort_by_parameter_order=True), rows))
    immediate = [i for i, row in zip(ids, rows, strict=True)
                 if modes.get((row["user_id"], row["kind"]), DEFAULT_MODE) == IMMEDIATE]
    if immediate and current_app.config.get("MAIL_SERVER"):
        jobs.after_commit(send_immediate, immediate)
    return ids


def preference_modes(user_ids: Iterable[int], kinds_: Iterable[str] | None = None
                     ) -> dict[tuple[int, str], str]:
    """The modes the users chose (only those they chose), keyed (user id, kind)."""
    stmt = sa.select(NotificationPreference.user_id, NotificationPreference.kind,
                     NotificationPreference.mode).where(
        NotificationPreference.user_id.in_(set(user_ids)))
    if kinds_ is not None:
        stmt = stmt.where(NotificationPreference.kind.in_(set(kinds_)))
    return {(u, k): m for u, k, m in db.session.execute(stmt)}


def set_preferences(user, modes: dict[str, str]) -> None:
    """Save the user's mode for each kind given (a kind left out keeps its mode)."""
    for kind, mode in modes.items():
        if kind not in KINDS or mode not in MODES:
            raise Invalid(_("Choose one of the offered options for every kind."), field=kind)
    saved = preference_modes([user.id], modes)
    for kind, mode in modes.items():
        if (user.id, kind) in saved:
            if saved[(user.id, kind)] != mode:
                db.session.execute(
                    sa.update(NotificationPreference)
                    .where(NotificationPreference.user_id == user.id,
                           NotificationPreference.kind == kind).values(mode=mode))
        else:
            db.session.add(NotificationPreference(user_id=user.id, kind=kind, mode=mode))
    db.session.flush()


def mark_read(user, notification_id: int) -> Notification:
    """Mark one of the user's notifications read (another user's is not found)."""
    row = db.session.get(Notification, notification_id)
    if row is None or row.user_id != user.id:
        raise NotFound(_("Notification not found."))
    if row.read_at is None:
        row.read_at = utcnow()
        db.session.flush()
    return row


def mark_all_read(user) -> int:
    """Mark every unread notification of the user read; returns how many."""
    result = db.session.execute(
        sa.update(Notification)
        .where(Notification.user_id == user.id, Notification.read_at.is_(None))
        .values(read_at=utcnow()), execution_options={"synchronize_session": False})
    return result.rowcount


# --- who is told ------------------------------------------------------------------------------

def role_holders(org_ids: Iterable[int], roles: Iterable[str]) -> dict[int, dict[str, set[int]]]:
    """The active users holding each of `roles` at each unit of `org_ids` (the unit itself, not
    those below or above): {org id: {role: user ids}}, in one statement."""
    found: dict[int, dict[str, set[int]]] = defaultdict(lambda: defaultdict(set))
    org_ids = set(org_ids)
    if not org_ids:
        return found
    rows = db.session.execute(
        sa.select(RoleAssignment.org_id, RoleAssignment.role, RoleAssignment.user_id)
        .join(User, User.id == RoleAssignment.user_id)
        .where(RoleAssignment.org_id.in_(org_ids), RoleAssignment.role.in_(set(roles)),
               User.active.is_(True), sa.not_(User.is_service_account)))
    for org_id, role, user_id in rows:
        found[org_id][role].add(user_id)
    return found


def intake_officers(holders: dict, org_id: int) -> set[int]:
    """The unit's intake officers, or its handlers when it has none."""
    unit = holders.get(org_id) or {}
    return set(unit.get(INTAKE) or unit.get(HANDLER) or ())


def case_officers(cases: Iterable[Case], exclude: Iterable[int] = ()) -> dict[int, set[int]]:
    """Who looks after each case: its named handlers (and assignee), or, when it names none
    but those in `exclude` (who acted: the portal's service account logs a letter of its own
    unit and so handles it), the intake officers of its unit (its handlers when it has none).
    Two statements."""
    exclude = set(exclude)
    cases = list(cases)
    found: dict[int, set[int]] = defaultdict(set)
    if not cases:
        return found
    rows = db.session.execute(
        sa.select(CaseHandler.case_id, CaseHandler.user_id)
        .join(User, User.id == CaseHandler.user_id)
        .where(CaseHandler.case_id.in_({c.id for c in cases}), User.active.is_(True)))
    for case_id, user_id in rows:
        found[case_id].add(user_id)
    for case in cases:
        if case.assignee_id is not None:
            found[case.id].add(case.assignee_id)
        found[case.id] -= exclude
    orphans = [c for c in cases if not found[c.id]]
    holders = role_holders({c.org_id for c in orphans}, (INTAKE, HANDLER))
    for case in orphans:
        found[case.id] = intake_officers(holders, case.org_id) - exclude
    return found


def approvers_of(case: Case) -> set[int]:
    """The approvers of the nearest unit, from the case's own upwards, that has any (one
    statement, through role_holders)."""
    chain = case.org.ancestor_ids
    holders = role_holders(chain, (APPROVER,))
    for org_id in reversed(chain):
        if org_id in holders:
            return set(holders[org_id][APPROVER])
    return set()


# --- the fan-out of the nightly sweep ---------------------------------------------------------

def _cursor(name: str) -> NotificationCursor:
    """The pass's cursor row, locked for the pass (a second pass at once waits)."""
    row = db.session.scalar(sa.select(NotificationCursor).where(NotificationCursor.name == name)
                            .with_for_update())
    if row is None:
        row = NotificationCursor(name=name, last_id=0)
        db.session.add(row)
        db.session.flush()
    return row


def _sweep_kind(action: str, case: Case) -> str:
    if action == "deadline_warning":
        return kinds.DEADLINE_SOON
    return kinds.RECOMMENDATION_OVERDUE if case.family == RECOMMENDATION else kinds.DEADLINE_PASSED


def fanout(*, chunk: int = FANOUT_CHUNK, on_chunk=None) -> int:
    """Notify the officers of each case of the deadline lines the sweep wrote since the last
    pass ("deadline_warning": due soon; "deadline_expired": passed, or a recommendation
    overdue). Reads the lines by keyset on their id; per chunk one statement reads them, one
    loads their cases, two find their officers, two notify; `on_chunk` (the command's commit)
    runs after each. Returns how many notifications were written."""
    cursor = _cursor("fanout")
    written = 0
    while True:
        events = db.session.execute(
            sa.select(CaseEvent.id, CaseEvent.case_id, CaseEvent.action, CaseEvent.data)
            .where(CaseEvent.id > cursor.last_id, CaseEvent.action.in_(SWEEP_ACTIONS))
            .order_by(CaseEvent.id).limit(chunk)).all()
        if not events:
            break
        cases = {c.id: c for c in db.session.scalars(
            sa.select(Case).where(Case.id.in_({e.case_id for e in events})))}
        officers = case_officers(cases.values())
        entries = []
        for event in events:
            case = cases[event.case_id]
            data = event.data or {}
            entries.append((officers.get(case.id, ()), _sweep_kind(event.action, case), case.id,
                            {**case_params(case), "due_on": data.get("due_on", ""),
                             "days_left": data.get("days_left")}))
        written += len(notify_many(entries))
        cursor.last_id = events[-1].id
        db.session.flush()
        if on_chunk is not None:
            on_chunk()
        if len(events) < chunk:
            break
    return written


# --- the daily digest -------------------------------------------------------------------------

#: Users whose digest one statement gathers.
DIGEST_USERS_CHUNK = 200


def digest_batches(*, users_chunk: int = DIGEST_USERS_CHUNK):
    """Yield, per chunk of users, [(user, [notifications])] of what each digest user has not
    been emailed since the last digest (the kinds they receive by digest), and the highest
    notification id covered: the caller sends, then `finish_digest`."""
    cursor = _cursor("digest")
    top = db.session.scalar(sa.select(sa.func.max(Notification.id))) or 0
    pending = sa.and_(
        Notification.id > cursor.last_id, Notification.id <= top,
        Notification.emailed_at.is_(None),
        sa.exists().where(NotificationPreference.user_id == Notification.user_id,
                          NotificationPreference.kind == Notification.kind,
                          NotificationPreference.mode == DIGEST))
    after = 0
    while True:
        users = list(db.session.scalars(
            sa.select(User).where(
                User.id > after, User.active.is_(True), User.email.is_not(None),
                User.email != "",
                User.id.in_(sa.select(Notification.user_id).where(pending)))
            .order_by(User.id).limit(users_chunk)))
        if not users:
            break
        after = users[-1].id
        items: dict[int, list[Notification]] = defaultdict(list)
        for row in db.session.scalars(
                sa.select(Notification)
                .where(pending, Notification.user_id.in_([u.id for u in users]))
                .order_by(Notification.user_id, Notification.id)):
            items[row.user_id].append(row)
        yield [(user, items[user.id]) for user in users if items[user.id]]
        if len(users) < users_chunk:
            break
    cursor.last_id = top
    db.session.flush()


def send_digests() -> int:
    """One email per digest user listing what they have not been emailed; returns how many
    emails went out. For cron (`flask notifications digest`); commits after each chunk."""
    sent = 0
    for batch in digest_batches():
        done = send_digest(batch)
        for _user, rows in done:
            mark_emailed(r.id for r in rows)
        sent += len(done)
        db.session.commit()
    db.session.commit()
    return sent
