"""The timeline is hash-chained: `flask audit verify` names any event edited, deleted or moved
behind the application's back, and passes an intact history."""
from __future__ import annotations

import itertools
import json
import logging.config

import pytest
import sqlalchemy as sa

from app.cases.audit import GENESIS, verify
from app.cases.models import AuditHead, CaseEvent
from app.cases.services import record_event
from tests.factories import advance, make_case


def _history(db, world):
    """Two cases with realistic timelines: a supervision taken to its plan's approval, a letter."""
    users = list(world.users.values())
    supervision = make_case(world.users["intake"], world.orgs["a"])
    advance(supervision, users, ["classify", "draft_plan", "approve_plan"])
    letter = make_case(world.users["intake"], world.orgs["a"], family="letter",
                       kind="denunciation", reporter_name="Nguyễn Văn Tố")
    db.session.commit()
    return supervision, letter


def _events(db, case):
    return db.session.scalars(sa.select(CaseEvent).where(CaseEvent.case_id == case.id)
                              .order_by(CaseEvent.id)).all()


def _run(app, *args):
    return app.test_cli_runner().invoke(args=["audit", "verify", *args])


def _sql(db, statement, **params):
    """Tampering as a database user would do it: raw SQL, past the ORM's append-only guard."""
    db.session.execute(sa.text(statement), params)
    db.session.expunge_all()  # the test's objects keep what they held, as a new session would
    db.session.commit()


def test_an_intact_history_verifies(app, db, world):
    supervision, _ = _history(db, world)
    events = _events(db, supervision)
    assert [e.seq for e in events] == list(range(1, len(events) + 1))
    assert events[0].prev_hash == GENESIS
    assert all(b.prev_hash == a.hash for a, b in itertools.pairwise(events))
    head = db.session.get(AuditHead, supervision.id)
    assert (head.seq, head.hash) == (events[-1].seq, events[-1].hash)

    total = db.session.scalar(sa.select(sa.func.count()).select_from(CaseEvent))
    result = _run(app)
    assert result.exit_code == 0, result.output
    assert f"2 case(s), {total} event(s) checked" in result.output
    assert "intact" in result.output


def test_an_edited_comment_is_named(app, db, world):
    supervision, _ = _history(db, world)
    target = _events(db, supervision)[2]
    code, event_id, action = supervision.code, target.id, target.action
    _sql(db, "UPDATE case_event SET comment = 'Đã sửa' WHERE id = :id", id=event_id)
    result = _run(app)
    assert result.exit_code == 1
    assert f"case {code}, event {event_id} ({action})" in result.output
    assert "edited" in result.output


def test_edited_data_is_named(app, db, world):
    supervision, _ = _history(db, world)
    target = _events(db, supervision)[0]
    code, event_id = supervision.code, target.id
    data = dict(target.data, org="Khác")
    _sql(db, "UPDATE case_event SET data = :data WHERE id = :id", id=event_id,
         data=json.dumps(data))
    result = _run(app)
    assert result.exit_code == 1
    assert f"case {code}, event {event_id} (open)" in result.output


def test_a_deleted_middle_event_is_named(app, db, world):
    supervision, _ = _history(db, world)
    events = _events(db, supervision)
    code, gone, after = supervision.code, events[1], events[2]
    _sql(db, "DELETE FROM case_event WHERE id = :id", id=gone.id)
    result = _run(app)
    assert result.exit_code == 1
    assert f"case {code}, event {after.id} ({after.action})" in result.output
    assert f"seq {after.seq} where {gone.seq} was expected" in result.output
    assert "deleted" in result.output


def test_a_deleted_last_event_is_named(app, db, world):
    supervision, letter = _history(db, world)
    events = _events(db, supervision)
    code, other, last, before = supervision.code, letter.code, events[-1].id, events[-2]
    before_id, before_action = before.id, before.action
    _sql(db, "DELETE FROM case_event WHERE id = :id", id=last)
    result = _run(app)
    assert result.exit_code == 1
    assert f"case {code}, event {before_id} ({before_action})" in result.output
    assert "the last 1 event(s) were deleted" in result.output
    # The other case is not blamed.
    assert other not in result.output


def test_every_event_deleted_is_named(app, db, world):
    _, letter = _history(db, world)
    code = letter.code
    _sql(db, "DELETE FROM case_event WHERE case_id = :id", id=letter.id)
    result = _run(app)
    assert result.exit_code == 1
    assert f"case {code}, timeline: all" in result.output


@pytest.mark.parametrize("columns", [
    ("action", "from_state", "to_state", "comment", "data", "actor_id", "created_at"),
    ("action", "from_state", "to_state", "comment", "data", "actor_id", "created_at",
     "seq", "prev_hash", "hash"),
], ids=["content", "content-and-chain"])
def test_two_swapped_events_are_named(app, db, world, columns):
    supervision, _ = _history(db, world)
    events = _events(db, supervision)
    first, second = events[1], events[2]
    code = supervision.code
    ids = (first.id, second.id)
    # Park the first row's seq out of the way so the unique (case_id, seq) index allows the swap.
    rows = {r.id: r for r in db.session.execute(
        sa.text(f"SELECT id, {', '.join(columns)} FROM case_event WHERE id IN (:a, :b)"),
        {"a": ids[0], "b": ids[1]})}
    db.session.expunge_all()
    if "seq" in columns:
        db.session.execute(sa.text("UPDATE case_event SET seq = -seq WHERE id IN (:a, :b)"),
                     {"a": ids[0], "b": ids[1]})
    for this, other in (ids, ids[::-1]):
        values = {c: getattr(rows[other], c) for c in columns}
        if "data" in values and not isinstance(values["data"], str):
            values["data"] = json.dumps(values["data"])
        assignments = ", ".join(f"{c} = :{c}" for c in columns)
        db.session.execute(sa.text(f"UPDATE case_event SET {assignments} WHERE id = :id"),
                     {**values, "id": this})
    db.session.commit()
    result = _run(app)
    assert result.exit_code == 1
    assert f"case {code}, event {first.id} " in result.output
    assert "reordered" in result.output or "edited" in result.output


def test_several_events_in_one_transaction_chain_in_order(app, db, world):
    case = make_case(world.users["intake"], world.orgs["a"])
    actor = world.users["handler"]
    # No flush between them: the head kept in the session carries the chain along.
    for n in range(5):
        record_event(case, actor, "edit", comment=f"lần {n}", data={"n": n})
    other = make_case(world.users["intake"], world.orgs["a"])
    record_event(case, actor, "edit", comment="sau khi mở vụ việc khác")
    record_event(other, actor, "edit")
    db.session.commit()
    events = _events(db, case)
    assert [e.seq for e in events] == list(range(1, 8))
    assert [e.comment for e in events[-6:]] == [f"lần {n}" for n in range(5)] + [
        "sau khi mở vụ việc khác"]
    report = verify(db.session)
    assert report.ok, [str(p) for p in report.problems]
    assert (report.cases, report.events) == (2, len(events) + len(_events(db, other)))


def test_a_rolled_back_savepoint_leaves_the_chain_whole(app, db, world):
    case = make_case(world.users["intake"], world.orgs["a"])
    actor = world.users["handler"]
    db.session.commit()
    try:
        with db.session.begin_nested():
            record_event(case, actor, "edit", comment="bỏ")
            db.session.flush()
            raise RuntimeError("refused")
    except RuntimeError:
        pass
    record_event(case, actor, "edit", comment="giữ")
    db.session.commit()
    assert [e.comment for e in _events(db, case)][-1] == "giữ"
    assert verify(db.session).ok


@pytest.mark.commits
def test_a_second_writer_waits_for_the_first_and_chains_after_it(app, db, world, backend):
    """Two requests appending to one case: the head row's lock queues the second behind the
    first, whose event it then chains on; seq stays in id order."""
    if backend != "postgresql":
        pytest.skip("SQLite serialises writers by locking the whole database")
    import threading

    from app.cases.models import Case

    case = make_case(world.users["intake"], world.orgs["a"])
    db.session.commit()
    case_id = case.id
    first_holds_lock, second_done = threading.Event(), threading.Event()

    def second_writer():
        with app.app_context():
            first_holds_lock.wait(5)
            record_event(db.session.get(Case, case_id), None, "edit", comment="hai")
            db.session.commit()
            db.session.remove()
        second_done.set()

    thread = threading.Thread(target=second_writer)
    thread.start()
    with app.app_context():
        record_event(db.session.get(Case, case_id), None, "edit", comment="một")
        db.session.flush()
        first_holds_lock.set()
        # The second writer is blocked on the head row until this transaction ends.
        assert not second_done.wait(1)
        db.session.commit()
        db.session.remove()
    thread.join(10)
    assert second_done.is_set()
    events = _events(db, case)
    assert [(e.seq, e.comment) for e in events][-2:] == [(2, "một"), (3, "hai")]
    assert verify(db.session).ok


def test_the_migration_chains_existing_events(backend, new_database, monkeypatch):
    """Events written before the chain existed get seq, hashes and a head on upgrade."""
    import flask_migrate

    from app import create_app
    from app.extensions import db
    from config import TestConfig

    monkeypatch.setattr(logging.config, "fileConfig", lambda *a, **k: None)

    class Config(TestConfig):
        SQLALCHEMY_DATABASE_URI = new_database(backend)

    app = create_app(Config)
    with app.app_context():
        flask_migrate.upgrade(revision="b7e1a0c4d2f1")
        with db.engine.begin() as conn:
            conn.execute(sa.text(
                "INSERT INTO organisation (id, name, short_name, place_name, level, path, "
                "created_at) VALUES (1, 'LĐLĐ tỉnh Hà Tĩnh', 'LĐLĐ', 'Hà Tĩnh', 2, '/1/', "
                "'2026-01-01 00:00:00')"))
            for case_id in (1, 2):
                conn.execute(sa.text(
                    "INSERT INTO case_file (id, code, family, channel, intake_form, state, "
                    "title, summary, subject_kind, subject_name, subject_position, "
                    "subject_unit, subject_party_committee, is_anonymous, org_id, received_on, "
                    "created_at, updated_at, search_text, version) VALUES (:id, :code, "
                    "'supervision', 'report', 'writing', 'received', 'Giám sát', '', "
                    "'organisation', '', '', '', '', :no, 1, '2026-11-02', "
                    "'2026-11-02 05:00:00', '2026-11-02 05:00:00', '', 1)"),
                    {"id": case_id, "code": f"GS-2026-00000{case_id}", "no": False})
            for case_id, action in ((1, "open"), (2, "open"), (1, "classify"), (1, "edit")):
                conn.execute(sa.text(
                    "INSERT INTO case_event (case_id, action, comment, data, created_at) "
                    "VALUES (:id, :action, 'Ghi chú', :data, '2026-11-03 05:00:00.123456')"),
                    {"id": case_id, "action": action, "data": json.dumps({"x": "đ"})})
        flask_migrate.upgrade()
        report = verify(db.session)
        assert report.ok, [str(p) for p in report.problems]
        assert (report.cases, report.events) == (2, 4)
        seqs = db.session.execute(sa.text(
            "SELECT case_id, seq FROM case_event ORDER BY id")).all()
        assert [tuple(r) for r in seqs] == [(1, 1), (2, 1), (1, 2), (1, 3)]
        # New events continue the migrated chain.
        from app.cases.models import Case

        record_event(db.session.get(Case, 1), None, "edit")
        db.session.commit()
        assert verify(db.session).ok
        db.session.remove()
        db.engine.dispose()


def test_the_chain_costs_one_head_lookup_per_case_per_transaction(app, db, world):
    case = make_case(world.users["intake"], world.orgs["a"])
    db.session.commit()
    seen = []

    def count(conn, cursor, statement, *args):
        if "case_audit_head" in statement:
            seen.append(statement.split()[0].upper())

    sa.event.listen(db.engine, "before_cursor_execute", count)
    try:
        for n in range(3):
            record_event(case, world.users["handler"], "edit", comment=str(n))
            db.session.flush()
        db.session.commit()
    finally:
        sa.event.remove(db.engine, "before_cursor_execute", count)
    assert seen.count("SELECT") == 1
    assert set(seen) == {"SELECT", "UPDATE"}
    assert verify(db.session).ok
