"""The nightly deadline sweep at national scale: statements per chunk, not per deadline, the
same timeline lines as one by one, idempotent, the audit chain intact, and two sweeps at once
sharing the rows."""
from datetime import date, timedelta

import pytest
import sqlalchemy as sa

from app.cases import audit
from app.cases.models import CaseEvent
from app.deadlines import services
from app.deadlines.models import CaseDeadline
from tests.factories import make_case

RECEIVED = date(2026, 3, 2)


@pytest.fixture
def letters(db, world):
    """`n` letters received on RECEIVED, each with its running screening deadline."""
    def make(n):
        cases = [make_case(world.users["intake"], world.orgs["a"], family="letter",
                           kind="complaint", received_on=RECEIVED, title=f"Đơn số {i}")
                 for i in range(n)]
        db.session.commit()
        return cases
    return make


def _deadlines(db):
    return db.session.scalars(sa.select(CaseDeadline).order_by(CaseDeadline.id)).all()


def _sweep_events(db, action):
    return db.session.scalars(sa.select(CaseEvent).where(CaseEvent.action == action)
                              .order_by(CaseEvent.case_id)).all()


def test_statements_grow_with_chunks_not_deadlines(db, letters, count_statements):
    letters(60)
    after_due = max(d.due_on for d in _deadlines(db)) + timedelta(days=1)
    with count_statements() as log:
        counts = services.sweep(after_due, chunk=20)
    db.session.commit()
    assert counts == {"warned": 0, "expired": 60}
    # 3 full chunks and the empty read that ends the walk, at most 8 statements each
    assert len(log) <= 8 * 4, log.report()
    with count_statements() as small:
        services.sweep(after_due + timedelta(days=1), chunk=20)
    assert len(small) <= 2


def test_the_events_are_those_written_one_by_one_and_the_chain_holds(db, letters):
    cases = letters(12)
    rows = _deadlines(db)
    due = rows[0].due_on
    expected = {r.case_id: services._event_data(r) for r in rows}
    # first the warnings (inside the window, not yet due), then the expiry notices
    assert services.sweep(due, chunk=5) == {"warned": 12, "expired": 0}
    db.session.commit()
    assert services.sweep(due + timedelta(days=1), chunk=5) == {"warned": 0, "expired": 12}
    db.session.commit()
    warnings = _sweep_events(db, "deadline_warning")
    assert [e.case_id for e in warnings] == [c.id for c in cases]
    assert all(e.data == {**expected[e.case_id], "days_left": 0} and e.actor_id is None
               for e in warnings)
    expired = _sweep_events(db, "deadline_expired")
    assert all(e.data == expected[e.case_id] for e in expired) and len(expired) == 12
    db.session.expire_all()
    assert all(r.warned_at and r.expired_notified_at for r in _deadlines(db))
    report = audit.verify(db.session)
    assert report.ok, [str(p) for p in report.problems]


def test_a_second_sweep_writes_nothing(db, letters):
    letters(7)
    day = _deadlines(db)[0].due_on + timedelta(days=3)
    assert services.sweep(day, chunk=3)["expired"] == 7
    db.session.commit()
    assert services.sweep(day, chunk=3) == {"warned": 0, "expired": 0}
    db.session.commit()
    assert len(_sweep_events(db, "deadline_expired")) == 7


def test_the_command_commits_each_chunk_and_reports(app, db, letters):
    letters(5)
    day = _deadlines(db)[0].due_on + timedelta(days=1)
    runner = app.test_cli_runner()
    result = runner.invoke(args=["deadlines", "sweep", "--today", day.isoformat()])
    assert result.exit_code == 0, result.output
    assert "0 warning(s), 5 expiry notice(s)" in result.output
    result = runner.invoke(args=["deadlines", "sweep", "--today", day.isoformat()])
    assert "0 warning(s), 0 expiry notice(s)" in result.output
    assert audit.verify(db.session).ok


@pytest.mark.commits
def test_rows_another_sweep_holds_are_skipped(app, db, letters):
    """Two sweeps at once: rows locked by the first are left to it (PostgreSQL)."""
    if db.session.get_bind().dialect.name != "postgresql":
        pytest.skip("row locks are PostgreSQL's")
    letters(6)
    rows = _deadlines(db)
    day = rows[0].due_on + timedelta(days=1)
    held = [r.id for r in rows[:2]]
    with db.engine.connect() as other:
        other.execute(sa.select(CaseDeadline.id).where(CaseDeadline.id.in_(held))
                      .with_for_update())
        assert services.sweep(day, chunk=4)["expired"] == 4
        db.session.commit()
        other.rollback()
    assert services.sweep(day, chunk=4)["expired"] == 2
    db.session.commit()
    assert len(_sweep_events(db, "deadline_expired")) == 6
    assert audit.verify(db.session).ok
