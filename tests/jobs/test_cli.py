"""`flask jobs enqueue NAME`: what cron calls to queue the nightly sweep or the statistics
refresh (run at once without REDIS_URL); `flask jobs worker` needs Redis."""
from datetime import timedelta

from app.core import jobs
from app.core.calendar import local_today
from tests.deadlines.test_services import events, letter


def test_the_sweep_queued_from_cron_writes_its_notices_once(app, db, world):
    case = letter(world, received_on=local_today() - timedelta(days=30))
    db.session.commit()
    runner = app.test_cli_runner()
    for _ in range(2):
        result = runner.invoke(args=["jobs", "enqueue", "deadlines_sweep"])
        assert result.exit_code == 0, result.output
        assert "(deadlines_sweep): done" in result.output
    assert len(events(db, case, "deadline_expired")) == 1
    assert [j.status for j in db.session.scalars(db.select(jobs.Job))] == ["done", "done"]


def test_an_unknown_job_name_lists_the_known_ones(app):
    result = app.test_cli_runner().invoke(args=["jobs", "enqueue", "nightly"])
    assert result.exit_code != 0
    assert "deadlines_sweep" in result.output and "stats_refresh" in result.output


def test_the_worker_refuses_to_start_without_redis(app):
    result = app.test_cli_runner().invoke(args=["jobs", "worker", "--burst"])
    assert result.exit_code != 0 and "REDIS_URL is not set" in result.output


def test_the_statistics_refresh_runs_as_a_job(app, db, world):
    result = app.test_cli_runner().invoke(args=["jobs", "enqueue", "stats_refresh"])
    assert result.exit_code == 0, result.output
    assert "(stats_refresh): done" in result.output
