"""When and how a notification goes out: only after the commit, per the user's choice
(immediately, daily digest, off), through the RQ queue when Redis is configured, and never
breaking the request when the mail server is down."""
import os
import uuid

import pytest
import sqlalchemy as sa

from app.auth.models import User
from app.core import jobs
from app.extensions import db as _db
from app.identity import services as identity
from app.notifications import kinds
from app.notifications.models import Notification
from app.notifications.services import notify, send_digests, set_preferences
from tests.conftest import free_port
from tests.factories import make_case
from tests.notifications.conftest import address, commit_and_send, told


def _letter(world):
    return make_case(world.users["intake"], world.orgs["a"], family="letter",
                     title="Khiếu nại về việc chậm trả lương")


def test_after_commit_calls_run_only_once_the_transaction_commits(db, people):
    calls = []
    jobs.after_commit(calls.append, "rolled back")
    db.session.rollback()
    assert jobs.run_ready() == 0 and calls == []
    jobs.after_commit(calls.append, "flushed")
    db.session.flush()
    assert jobs.run_ready() == 0 and calls == []
    db.session.commit()
    assert jobs.run_ready() == 1 and calls == ["flushed"]


def test_a_failing_call_after_commit_is_logged_not_raised(db, people, caplog):
    def explode():
        raise RuntimeError("mail server exploded")

    jobs.after_commit(explode)
    db.session.commit()
    assert jobs.run_ready() == 1
    assert "mail server exploded" in caplog.text


def test_nothing_is_sent_or_kept_when_the_transaction_rolls_back(db, people, smtp_sink):
    case = _letter(people)
    db.session.commit()
    identity.add_handler(case, people.users["approver"], people.users["handler2"])
    assert len(told(db, people.users["handler2"])) == 1  # written, not committed
    db.session.rollback()
    jobs.run_ready()
    assert told(db, people.users["handler2"]) == []
    assert smtp_sink.wait(1, timeout=0.5) == []


def test_off_writes_nothing_and_sends_nothing(db, people, smtp_sink):
    set_preferences(people.users["handler2"], {kinds.ASSIGNMENT: kinds.OFF})
    case = _letter(people)
    identity.add_handler(case, people.users["approver"], people.users["handler2"])
    commit_and_send(db)
    assert told(db, people.users["handler2"]) == []
    assert smtp_sink.wait(1, timeout=0.5) == []


def test_digest_keeps_the_inbox_and_sends_one_email_a_day(db, people, smtp_sink):
    user = people.users["handler2"]
    set_preferences(user, {kinds.ASSIGNMENT: kinds.DIGEST, kinds.PORTAL_REPLY: kinds.DIGEST})
    first, second = _letter(people), _letter(people)
    identity.add_handler(first, people.users["approver"], user)
    identity.add_handler(second, people.users["approver"], user)
    notify([people.users["handler"]], kinds.ASSIGNMENT, first)  # immediate by default
    commit_and_send(db)
    assert len(told(db, user)) == 2
    assert [m["To"] for m in smtp_sink.wait(1)] == [address("handler")]
    smtp_sink.clear()

    assert send_digests() == 1
    [mail] = smtp_sink.wait(1)
    assert mail["To"] == address("handler2")
    body = mail.get_content()
    assert first.code in body and second.code in body
    assert all(row.emailed_at is not None for row in told(db, user))
    assert send_digests() == 0  # nothing new since the last digest
    assert len(smtp_sink.wait(2, timeout=0.5)) == 1


def test_the_digest_command_sends_what_came_since_the_last_one(app, db, people, smtp_sink):
    user = people.users["handler2"]
    set_preferences(user, {kinds.ASSIGNMENT: kinds.DIGEST})
    notify([user], kinds.ASSIGNMENT, _letter(people))
    db.session.commit()
    runner = app.test_cli_runner()
    result = runner.invoke(args=["notifications", "digest"])
    assert result.exit_code == 0 and "1 digest email(s) sent." in result.output
    notify([user], kinds.ASSIGNMENT, later := _letter(people))
    db.session.commit()
    assert "1 digest email(s) sent." in runner.invoke(args=["notifications", "digest"]).output
    mails = smtp_sink.wait(2)
    assert len(mails) == 2 and later.code in mails[1].get_content()
    assert later.code not in mails[0].get_content()


def test_users_without_an_address_or_inactive_get_the_inbox_only(db, people, smtp_sink):
    people.users["handler"].email = None
    people.users["handler2"].active = False
    case = _letter(people)
    notify([people.users["handler"], people.users["handler2"], people.users["intake"]],
           kinds.PORTAL_REPLY, case)
    commit_and_send(db)
    assert [m["To"] for m in smtp_sink.wait(1)] == [address("intake")]
    assert smtp_sink.wait(2, timeout=0.5) and len(smtp_sink.messages) == 1
    [row] = told(db, people.users["handler"])
    assert row.emailed_at is None


def test_a_mail_server_that_is_down_does_not_break_the_request(app, db, people, browser,
                                                               monkeypatch, caplog):
    monkeypatch.setitem(app.config, "MAIL_SERVER", "127.0.0.1")
    monkeypatch.setitem(app.config, "MAIL_PORT", free_port())  # nothing listens there
    case = _letter(people)
    db.session.commit()
    browser.login("approver")
    response = browser.post(f"/cases/{case.id}/handlers",
                            {"user_id": people.users["handler2"].id})
    assert response.status_code == 302
    db.session.expire_all()
    [row] = told(db, people.users["handler2"], kinds.ASSIGNMENT)
    assert row.emailed_at is None
    assert "could not send notification mail" in caplog.text


def test_without_a_mail_server_nothing_is_scheduled(app, db, people, monkeypatch):
    monkeypatch.setitem(app.config, "MAIL_SERVER", "")
    assert notify([people.users["handler"]], kinds.PORTAL_REPLY, _letter(people))  # written
    assert not _db.session.info.get("calls_pending")


# --- on an RQ worker -------------------------------------------------------------------------

REDIS_TEST_URL = "redis://127.0.0.1:6379/15"


@pytest.fixture
def rq_app(app, monkeypatch):
    from redis import Redis
    from redis.exceptions import ConnectionError as RedisDown

    try:
        Redis.from_url(REDIS_TEST_URL, socket_connect_timeout=2).ping()
    except RedisDown:
        if os.environ.get("CI"):
            raise
        pytest.skip("Redis is not reachable at " + REDIS_TEST_URL)
    monkeypatch.setitem(app.config, "REDIS_URL", REDIS_TEST_URL)
    monkeypatch.setitem(app.config, "JOB_QUEUE", f"giamsat-test-{uuid.uuid4().hex[:8]}")
    yield app
    jobs.queue().delete(delete_jobs=True)


@pytest.mark.commits
def test_with_redis_the_email_waits_for_a_worker(rq_app, db, people, smtp_sink):
    from rq import Worker

    case = _letter(people)
    identity.add_handler(case, people.users["approver"], people.users["handler2"])
    commit_and_send(db)
    queue = jobs.queue()
    assert queue.count == 1  # queued, not sent by the request
    assert smtp_sink.wait(1, timeout=0.5) == []
    assert _db.session.scalar(sa.select(sa.func.count()).select_from(jobs.Job)) == 0

    Worker([queue], connection=queue.connection).work(burst=True)

    [mail] = smtp_sink.wait(1)
    assert mail["To"] == address("handler2") and case.code in mail["Subject"]
    db.session.expire_all()
    assert _db.session.scalar(sa.select(Notification.emailed_at)) is not None


def test_create_user_takes_the_address_notifications_go_to(app, db, world):
    result = app.test_cli_runner().invoke(args=[
        "create-user", "--username", "thu.ky", "--full-name", "Lê Thị Thư",
        "--password", "mat-khau-dai-2026", "--role", f"intake_officer:{world.orgs['a'].id}",
        "--email", "thu.ky@congdoan.example.vn"])
    assert result.exit_code == 0, result.output
    db.session.expire_all()
    user = _db.session.scalar(sa.select(User).where(User.username == "thu.ky"))
    assert user.email == "thu.ky@congdoan.example.vn"
