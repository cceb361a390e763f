"""The nightly sweep: the timeline lines a deadline writes once, when its warning window opens
and the day after it expires (`flask deadlines sweep`, the deadlines_sweep job)."""
from __future__ import annotations

from datetime import UTC, date, datetime

import sqlalchemy as sa

from app.core.calendar import local_today
from app.core.deadline_rules import shown_basis
from app.deadlines.models import RUNNING, CaseDeadline
from app.extensions import db

#: Deadline rows a sweep handles per statement (and per commit, from the command).
SWEEP_CHUNK = 1000


def sweep(today: date | None = None, *, chunk: int = SWEEP_CHUNK, on_chunk=None) -> dict:
    """Write, once per due date, "deadline_warning" inside the warning window and
    "deadline_expired" the day after the due date. Idempotent; for cron.

    Works through the due rows in chunks taken by keyset (due date, id) and locked with SKIP
    LOCKED, so two sweeps at once share the work: per chunk one statement reads the rows, one
    loads their cases, one locks their audit heads, the events go in bulk and two statements
    mark the rows. `on_chunk` (the command's commit) runs after each chunk is flushed."""
    from app.cases.models import Case
    from app.cases.services import record_events

    today = today or local_today()
    now = datetime.now(UTC)
    counts = {"warned": 0, "expired": 0}
    after = (date.min, 0)
    while True:
        rows = db.session.execute(
            sa.select(CaseDeadline.id, CaseDeadline.case_id, CaseDeadline.due_on,
                      CaseDeadline.warned_at, CaseDeadline.rule_code, CaseDeadline.rule,
                      CaseDeadline.explanation)
            .where(CaseDeadline.status == RUNNING, CaseDeadline.warn_on <= today,
                   CaseDeadline.expired_notified_at.is_(None),
                   sa.or_(CaseDeadline.due_on < today, CaseDeadline.warned_at.is_(None)),
                   CaseDeadline.due_on >= after[0],  # where the index range starts
                   sa.tuple_(CaseDeadline.due_on, CaseDeadline.id) > after)
            .order_by(CaseDeadline.due_on, CaseDeadline.id).limit(chunk)
            .with_for_update(skip_locked=True)).all()
        if not rows:
            break
        after = (rows[-1].due_on, rows[-1].id)
        cases = {c.id: c for c in db.session.scalars(
            sa.select(Case).where(Case.id.in_({r.case_id for r in rows})))}
        entries, expired, warned = [], [], []
        for row in rows:
            case = cases[row.case_id]
            if not case.is_open:
                continue
            data = {"due_on": row.due_on.isoformat(), "rule": row.rule_code,
                    "legal_basis": shown_basis(row.rule),
                    "explanation": list(row.explanation)}
            if row.due_on < today:
                entries.append({"case": case, "actor": None, "action": "deadline_expired",
                                "data": data, "at": now})
                expired.append(row.id)
                if row.warned_at is None:
                    warned.append(row.id)
            else:
                data["days_left"] = (row.due_on - today).days
                entries.append({"case": case, "actor": None, "action": "deadline_warning",
                                "data": data, "at": now})
                warned.append(row.id)
                counts["warned"] += 1
        counts["expired"] += len(expired)
        if entries:
            record_events(entries)
        for ids, values in ((expired, {"expired_notified_at": now}),
                            (warned, {"warned_at": now})):
            if ids:
                db.session.execute(sa.update(CaseDeadline).where(CaseDeadline.id.in_(ids))
                                   .values(**values),
                                   execution_options={"synchronize_session": "evaluate"})
        db.session.flush()
        if on_chunk is not None:
            on_chunk()
        if len(rows) < chunk:
            break
    return counts
