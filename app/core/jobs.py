"""Long jobs (large exports, the nightly sweep, statistics refreshes): on an RQ worker over Redis
when REDIS_URL is set, inline otherwise, and in both cases only after the enqueuing transaction
commits, so a job never runs for a request that rolled back.

Features register a function by name (`register_job`); `enqueue` writes a `job` row (owner,
scope, status, progress, result file) that the owner's status page reads. Small, frequent side
effects that nobody follows on a status page (an email) use `after_commit` instead: nothing is
written, the call goes to the same queue, or runs inline, once the transaction commits. A job function takes
a `Progress` and its keyword arguments and returns a `Result` (a file) or None. It fails for the
user with `JobFailed(message)`; any other exception is logged with its trace and shown as a
generic, translated failure.
"""
from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import click
import sqlalchemy as sa
from flask import current_app
from flask.cli import AppGroup
from flask_babel import force_locale
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Mapped, deferred, mapped_column

from app.extensions import db

log = logging.getLogger(__name__)

QUEUED, RUNNING, DONE, FAILED = "queued", "running", "done", "failed"
STATUSES = (QUEUED, RUNNING, DONE, FAILED)
#: Shown for any failure the job did not explain itself; the trace goes to the log only.
GENERIC_FAILURE = _l("The job failed. Try again later or tell your administrator.")
#: Messages a job may end with, kept untranslated in the row and translated when shown.
MESSAGES: dict[str, object] = {"generic": GENERIC_FAILURE}


def utcnow() -> datetime:
    return datetime.now(UTC)


class Job(db.Model):
    """A background job and, once done, its result file (kept until `expires_at`)."""

    __tablename__ = "job"
    __table_args__ = (
        sa.CheckConstraint(sa.column("status").in_(sorted(STATUSES)), name="status"),
        sa.CheckConstraint("progress BETWEEN 0 AND 100", name="progress"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    #: The registered job name (`register_job`).
    name: Mapped[str] = mapped_column(sa.String(40))
    #: Only the owner sees the status page and downloads the result; None for cron's jobs.
    owner_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("user_account.id", ondelete="CASCADE"), index=True)
    #: The unit whose subtree the job reads, when it has one.
    org_id: Mapped[int | None] = mapped_column(sa.ForeignKey("organisation.id"))
    #: The language the result (headers, labels) is written in.
    locale: Mapped[str] = mapped_column(sa.String(5), default="vi")
    #: Keyword arguments of the job function (JSON-serialisable).
    params: Mapped[dict] = mapped_column(sa.JSON, default=dict)
    status: Mapped[str] = mapped_column(sa.String(10), default=QUEUED)
    progress: Mapped[int] = mapped_column(sa.Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow)
    started_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))
    finished_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))
    #: After this the result is gone (`flask jobs purge` deletes the row).
    expires_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))
    #: The result file, read only by the download (deferred: the status page never loads it).
    result: Mapped[bytes | None] = deferred(mapped_column(sa.LargeBinary))
    result_name: Mapped[str | None] = mapped_column(sa.String(200))
    result_mimetype: Mapped[str | None] = mapped_column(sa.String(100))
    #: A key of MESSAGES, or a job's own message id: translated when shown, never a trace.
    error: Mapped[str | None] = mapped_column(sa.String(200))

    @property
    def is_finished(self) -> bool:
        return self.status in (DONE, FAILED)

    def is_expired(self, now: datetime | None = None) -> bool:
        expires = self.expires_at
        if expires is None:
            return False
        if expires.tzinfo is None:  # SQLite hands back naive UTC
            expires = expires.replace(tzinfo=UTC)
        return expires <= (now or utcnow())

    @property
    def error_text(self) -> str:
        """The failure in the reader's language."""
        from flask_babel import gettext

        message = MESSAGES.get(self.error or "generic")
        return str(message) if message is not None else gettext(self.error)


@dataclass
class Result:
    """A job's output file."""

    data: bytes
    name: str
    mimetype: str


class JobFailed(Exception):
    """A failure the user may read: `message` is a lazy translated string."""

    def __init__(self, message):
        super().__init__(str(message))
        self.message = message


@dataclass
class Registered:
    func: Callable[..., Result | None]
    title: object


_REGISTRY: dict[str, Registered] = {}


def register_job(name: str, func: Callable[..., Result | None], title=None) -> None:
    """Make `func(progress, **params)` runnable as `name` (features call this on import)."""
    _REGISTRY[name] = Registered(func, title or name)


def registered(name: str) -> Registered | None:
    return _REGISTRY.get(name)


def job_names() -> list[str]:
    return sorted(_REGISTRY)


def can_view_job(user, job: Job) -> bool:
    """Only the user who asked for a job sees it (a result may be a whole subtree's cases)."""
    return job.owner_id is not None and getattr(user, "id", None) == job.owner_id


def enqueue(name: str, *, owner=None, org=None, locale: str | None = None, **params) -> Job:
    """A queued job: written now (flushed), started once the current transaction commits."""
    if name not in _REGISTRY:
        raise KeyError(f"no job registered as {name!r}")
    if locale is None:
        from app.core.i18n import current_locale

        locale = current_locale()
    job = Job(name=name, owner_id=getattr(owner, "id", owner), org_id=getattr(org, "id", org),
              locale=locale, params=params, status=QUEUED, progress=0, created_at=utcnow())
    db.session.add(job)
    db.session.flush()
    db.session.info.setdefault("jobs_pending", []).append(job.id)
    return job


def after_commit(func: Callable, *args) -> None:
    """Call `func(*args)` once the current transaction commits: on the RQ queue when REDIS_URL
    is set, inline (after the request, or at a command's `run_ready`) otherwise; never when it
    rolls back. No Job row is written. `func` must be a module-level function and `args`
    picklable (RQ imports the function by name on the worker). A failing call is logged, never
    raised: the request that scheduled it has committed already."""
    db.session.connection()  # the call belongs to a transaction: begun now if not yet
    db.session.info.setdefault("calls_pending", []).append((func, args))


# --- dispatch after the commit ----------------------------------------------------------------

def _after_commit(session) -> None:
    calls = session.info.pop("calls_pending", [])
    pending = session.info.pop("jobs_pending", [])
    if not (pending or calls):
        return
    url = current_app.config.get("REDIS_URL")
    for func, args in calls:
        if url:
            try:
                queue().enqueue(perform_call, func, *args,
                                job_timeout=current_app.config["JOB_TIMEOUT"])
                continue
            except Exception:  # Redis down: run it here rather than lose it
                log.exception("could not queue %s on %s; running it inline", func, url)
        session.info.setdefault("calls_ready", []).append((func, args))
    if not pending:
        return
    if url:
        for job_id in pending:
            try:
                queue().enqueue(perform, job_id, job_id=f"giamsat-job-{job_id}",
                                job_timeout=current_app.config["JOB_TIMEOUT"])
                continue
            except Exception:  # Redis down: the job fails visibly rather than waiting forever
                log.exception("could not queue job %s on %s", job_id, url)
            session.info.setdefault("jobs_unqueued", []).append(job_id)
        return
    session.info.setdefault("jobs_ready", []).extend(pending)


def _after_rollback(session) -> None:
    session.info.pop("jobs_pending", None)
    session.info.pop("calls_pending", None)


def queue():
    """The app's RQ queue on REDIS_URL."""
    from redis import Redis
    from rq import Queue

    return Queue(current_app.config["JOB_QUEUE"],
                 connection=Redis.from_url(current_app.config["REDIS_URL"]))


def run_ready() -> int:
    """Run the jobs committed since the last call (inline mode); mark those Redis refused as
    failed. Called after each request and by commands after their commit. Returns how many ran."""
    ran = 0
    while True:
        info = db.session.info
        unqueued = info.pop("jobs_unqueued", [])
        for job_id in unqueued:
            _finish_failed(job_id, "generic")
        calls = info.pop("calls_ready", [])
        for func, args in calls:
            _call(func, args)
            ran += 1
        ready = info.pop("jobs_ready", [])
        if not ready:
            if calls:
                continue  # a call may have committed more work
            return ran
        for job_id in ready:
            run(job_id)
            ran += 1


def perform(job_id: int) -> None:
    """RQ's entry point on a worker (`flask jobs worker` holds the app context)."""
    # A forked work horse must not share its parent's pooled connections.
    db.engine.dispose(close=False)
    try:
        run(job_id)
        run_ready()
    finally:
        db.session.remove()


def perform_call(func: Callable, *args) -> None:
    """RQ's entry point for an `after_commit` call on a worker."""
    db.engine.dispose(close=False)
    try:
        _call(func, args)
        run_ready()
    finally:
        db.session.remove()


def _call(func: Callable, args: tuple) -> None:
    try:
        func(*args)
    except Exception:
        db.session.rollback()
        log.exception("call %s after commit failed", getattr(func, "__qualname__", func))


def run(job_id: int) -> None:
    """Run one queued job to its end, committing its status as it goes."""
    job = db.session.get(Job, job_id)
    if job is None or job.status != QUEUED:
        return
    name = job.name
    entry = _REGISTRY.get(name)
    job.status, job.started_at = RUNNING, utcnow()
    db.session.commit()
    try:
        if entry is None:
            raise LookupError(f"job {name!r} is not registered in this process")
        with force_locale(job.locale or "vi"):
            result = entry.func(Progress(job), **(job.params or {}))
    except JobFailed as exc:
        db.session.rollback()
        _finish_failed(job_id, _msgid(exc.message))
        return
    except Exception:
        db.session.rollback()
        log.exception("job %s (%s) failed", job_id, name)
        _finish_failed(job_id, "generic")
        return
    job = db.session.get(Job, job_id)
    job.status, job.progress, job.finished_at = DONE, 100, utcnow()
    if result is not None:
        job.result, job.result_name, job.result_mimetype = result.data, result.name, result.mimetype
        job.expires_at = job.finished_at + timedelta(seconds=current_app.config["JOB_RESULT_TTL"])
    db.session.commit()


def _msgid(message) -> str:
    """The untranslated text of a lazy message (flask_babel's LazyString keeps it first)."""
    args = getattr(message, "_args", None)
    return str(args[0]) if args else str(message)


def _finish_failed(job_id: int, error: str) -> None:
    job = db.session.get(Job, job_id)
    if job is None:
        return
    job.status, job.finished_at, job.error = FAILED, utcnow(), error[:200]
    job.expires_at = job.finished_at + timedelta(seconds=current_app.config["JOB_RESULT_TTL"])
    db.session.commit()


class Progress:
    """What a job function reports its progress through (0-100)."""

    def __init__(self, job: Job):
        self.job_id = job.id
        self.percent = 0

    def __call__(self, percent: float) -> None:
        percent = max(0, min(99, int(percent)))
        if percent == self.percent:
            return
        self.percent = percent
        # On its own connection: the job's transaction may be streaming through a server-side
        # cursor that a commit would close. SQLite's single writer would wait for that very
        # reader, so there progress shows only at the end.
        if db.engine.dialect.name == "postgresql":
            with db.engine.begin() as conn:
                conn.execute(sa.update(Job).where(Job.id == self.job_id).values(progress=percent))


def purge(now: datetime | None = None) -> int:
    """Delete the jobs whose result has expired; returns how many."""
    stmt = sa.delete(Job).where(Job.expires_at <= (now or utcnow()))
    return db.session.execute(stmt).rowcount


def init_app(app) -> None:
    """Dispatch after commits, run inline jobs after each request, add `flask jobs`."""
    session_class = db.session.session_factory
    if not sa.event.contains(session_class, "after_commit", _after_commit):
        sa.event.listen(session_class, "after_commit", _after_commit)
        sa.event.listen(session_class, "after_rollback", _after_rollback)

    @app.after_request
    def run_inline_jobs(response):
        run_ready()
        return response

    app.cli.add_command(group)


group = AppGroup("jobs", help="Background jobs.")


@group.command("worker")
@click.option("--burst", is_flag=True, help="Stop once the queue is empty.")
def worker_cmd(burst: bool) -> None:
    """Run an RQ worker on the app's queue (REDIS_URL), inside the app context."""
    from rq import Worker

    if not current_app.config.get("REDIS_URL"):
        raise click.ClickException("REDIS_URL is not set: jobs run inline, no worker is needed.")
    q = queue()
    Worker([q], connection=q.connection).work(burst=burst)


@group.command("enqueue")
@click.argument("name")
@click.option("--param", "params", multiple=True, metavar="KEY=VALUE",
              help="A keyword argument of the job (repeatable).")
def enqueue_cmd(name: str, params: tuple[str, ...]) -> None:
    """Queue a registered job (run it now when REDIS_URL is not set): e.g. from cron."""
    if name not in _REGISTRY:
        raise click.BadParameter(f"one of {', '.join(job_names())}", param_hint="NAME")
    kwargs = dict(p.partition("=")[::2] for p in params)
    job = enqueue(name, locale=current_app.config["BABEL_DEFAULT_LOCALE"], **kwargs)
    db.session.commit()
    run_ready()
    job = db.session.get(Job, job.id)
    click.echo(f"job {job.id} ({name}): {job.status}")
    if job.status == FAILED:
        raise SystemExit(1)


@group.command("purge")
def purge_cmd() -> None:
    """Delete the jobs whose result has expired (JOB_RESULT_TTL)."""
    count = purge()
    db.session.commit()
    click.echo(f"{count} expired job(s) deleted.")
