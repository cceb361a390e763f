"""Long jobs: a large case-list export becomes a job whose owner (and only its owner) follows it
and downloads its file; jobs start only after the commit, inline without REDIS_URL and on an RQ
worker with it (issue 11, "Beyond one machine")."""
import contextvars
import csv
import io
import os
import re
import uuid

import pytest

from app.core import jobs
from tests.factories import make_case


@pytest.fixture
def cases(db, world):
    """Eight cases of province a (the handler's scope) and one of province b."""
    for i in range(8):
        make_case(world.users["handler"], world.orgs["a"], title=f"Giám sát số {i}")
    make_case(world.users["b_handler"], world.orgs["b"], title="Ngoài phạm vi")
    db.session.commit()
    return world


@pytest.fixture
def low_threshold(app, monkeypatch):
    """Every non-empty export counts as large."""
    monkeypatch.setitem(app.config, "EXPORT_INLINE_MAX_ROWS", 0)


def _rows(data: bytes) -> list[list[str]]:
    assert data.startswith(b"\xef\xbb\xbf")
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))


def _start_export(browser, query="sort=oldest") -> str:
    """Ask for a large export and start it: the URL of its status page."""
    offer = browser.get(f"/reports/cases.csv?{query}")
    assert offer.status_code == 200 and offer.mimetype == "text/html"
    assert 'data-testid="estimate"' in offer.get_data(as_text=True)
    started = browser.post(f"/reports/cases.csv?{query}")
    assert started.status_code == 302
    return started.headers["Location"]


def test_a_large_export_is_a_job_whose_owner_downloads_the_rows(app, cases, browser,
                                                                   monkeypatch):
    browser.login("handler")
    direct = _rows(browser.get("/reports/cases.csv?sort=oldest").data)  # under the threshold
    assert len(direct) == 1 + 8
    monkeypatch.setitem(app.config, "EXPORT_INLINE_MAX_ROWS", 0)

    status_url = _start_export(browser)
    page = browser.get(status_url).get_data(as_text=True)
    assert 'data-testid="job-status"' in page and "Đã xong." in page
    assert 'http-equiv="refresh"' not in page  # a finished job's page stops refreshing
    link = re.search(r'href="(/jobs/\d+/download)"', page).group(1)

    download = browser.get(link)
    assert download.status_code == 200 and download.mimetype == "text/csv"
    assert "attachment" in download.headers["Content-Disposition"]
    assert _rows(download.data) == direct
    assert "Ngoài phạm vi" not in download.data.decode("utf-8")


def test_another_user_can_neither_see_nor_download_the_job(cases, browser, low_threshold):
    browser.login("handler")
    status_url = _start_export(browser)
    download_url = f"{status_url}/download"
    assert browser.get(download_url).status_code == 200
    browser.logout()
    browser.login("intake")  # same unit, same cases in scope: still not their job
    assert browser.get(status_url).status_code == 404
    assert browser.get(download_url).status_code == 404


def test_an_unfinished_job_page_refreshes_itself_and_shows_progress(db, cases, browser):
    job = jobs.enqueue("cases_export", owner=cases.users["handler"],
                       user_id=cases.users["handler"].id, args={}, fmt="csv")
    db.session.commit()  # committed but not yet run: still queued
    browser.login("handler")
    page = browser.get(f"/jobs/{job.id}").get_data(as_text=True)
    assert '<meta http-equiv="refresh" content="2">' in page
    assert "<progress" in page and f"/jobs/{job.id}/download" not in page
    assert browser.get(f"/jobs/{job.id}/download").status_code == 404
    assert jobs.run_ready() == 1
    assert "Đã xong." in browser.get(f"/jobs/{job.id}").get_data(as_text=True)


def test_a_job_starts_only_after_its_transaction_commits(db, cases):
    calls = []
    jobs.register_job("test_record", lambda progress, **kw: calls.append(kw))
    jobs.enqueue("test_record", owner=cases.users["handler"], n=1)
    assert jobs.run_ready() == 0 and calls == []  # flushed, not committed
    db.session.rollback()
    assert jobs.run_ready() == 0 and calls == []  # rolled back: never runs
    assert db.session.scalar(db.select(db.func.count()).select_from(jobs.Job)) == 0
    job = jobs.enqueue("test_record", owner=cases.users["handler"], n=2)
    db.session.commit()
    assert jobs.run_ready() == 1 and calls == [{"n": 2}]
    assert db.session.get(jobs.Job, job.id).status == jobs.DONE


def test_a_failed_job_shows_a_translated_message_and_no_trace(db, cases, browser):
    def explode(progress):
        raise RuntimeError("psycopg.errors.Secret: internal detail")

    jobs.register_job("test_explode", explode)
    job = jobs.enqueue("test_explode", owner=cases.users["handler"])
    db.session.commit()
    jobs.run_ready()
    browser.login("handler")
    page = browser.get(f"/jobs/{job.id}").get_data(as_text=True)
    assert "Công việc không thực hiện được. Hãy thử lại sau hoặc báo quản trị viên." in page
    assert "internal detail" not in page and "Traceback" not in page and "RuntimeError" not in page
    assert db.session.get(jobs.Job, job.id).status == jobs.FAILED


def test_an_expired_result_is_gone_and_purged(app, db, cases, browser, monkeypatch):
    monkeypatch.setitem(app.config, "JOB_RESULT_TTL", 0)
    job = jobs.enqueue("cases_export", owner=cases.users["handler"],
                       user_id=cases.users["handler"].id, args={}, fmt="csv")
    db.session.commit()
    jobs.run_ready()
    url = f"/jobs/{job.id}"
    browser.login("handler")
    assert "đã hết hạn" in browser.get(url).get_data(as_text=True)
    assert browser.get(f"{url}/download").status_code == 410
    assert jobs.purge() == 1
    db.session.commit()
    assert browser.get(url).status_code == 404


# --- on an RQ worker -------------------------------------------------------------------------

REDIS_TEST_URL = "redis://127.0.0.1:6379/15"


def _redis_or_skip():
    from redis import Redis
    from redis.exceptions import ConnectionError as RedisDown

    connection = Redis.from_url(REDIS_TEST_URL, socket_connect_timeout=2)
    try:
        connection.ping()
    except RedisDown:
        if os.environ.get("CI"):
            raise
        pytest.skip("Redis is not reachable at " + REDIS_TEST_URL)
    return connection


@pytest.fixture
def rq_app(app, monkeypatch):
    """The app pointed at the test Redis database, on a queue of its own."""
    _redis_or_skip()
    monkeypatch.setitem(app.config, "REDIS_URL", REDIS_TEST_URL)
    monkeypatch.setitem(app.config, "JOB_QUEUE", f"giamsat-test-{uuid.uuid4().hex[:8]}")
    yield app
    jobs.queue().delete(delete_jobs=True)


@pytest.mark.commits
def test_with_redis_a_job_waits_for_a_worker_and_the_worker_runs_it(rq_app, db, cases,
                                                                    browser, low_threshold):
    from rq import Worker

    browser.login("handler")
    status_url = _start_export(browser)
    job_id = int(status_url.rsplit("/", 1)[1])
    page = browser.get(status_url).get_data(as_text=True)
    assert "Đang chờ" in page and 'http-equiv="refresh"' in page  # not run by the request
    queue = jobs.queue()
    assert queue.count == 1

    Worker([queue], connection=queue.connection).work(burst=True)

    db.session.expire_all()
    assert db.session.get(jobs.Job, job_id).status == jobs.DONE
    assert queue.count == 0
    rows = _rows(browser.get(f"{status_url}/download").data)
    assert len(rows) == 1 + 8


def test_with_redis_down_the_job_fails_visibly(app, db, cases, browser, low_threshold,
                                               monkeypatch):
    monkeypatch.setitem(app.config, "REDIS_URL", "redis://127.0.0.1:1/0")
    browser.login("handler")
    status_url = _start_export(browser)
    page = browser.get(status_url).get_data(as_text=True)
    assert "Công việc không thực hiện được." in page and 'http-equiv="refresh"' not in page


@pytest.mark.commits
def test_progress_is_visible_while_the_job_runs(db, cases, browser):
    """On PostgreSQL progress goes out on its own connection, so the status page sees it before
    the job's transaction ends; SQLite shows it only at the end."""
    if db.engine.dialect.name != "postgresql":
        pytest.skip("progress is written while running on PostgreSQL only")
    seen = []

    def halfway(progress):
        progress(40)
        # another request, without committing the job's own transaction as browser.get would
        page = contextvars.Context().run(browser.client.get, f"/jobs/{job_id}")
        seen.append(page.get_data(as_text=True))

    jobs.register_job("test_halfway", halfway)
    job_id = jobs.enqueue("test_halfway", owner=cases.users["handler"]).id
    db.session.commit()
    browser.login("handler")
    jobs.run_ready()
    [page] = seen
    assert 'value="40"' in page and "Đang xử lý" in page and 'http-equiv="refresh"' in page
