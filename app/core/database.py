"""Per-connection PostgreSQL settings for an OLTP web application on a small machine.

Measured at a million cases (issue 11): JIT compilation added up to 2.5 s to large queries whose
plans are short index walks once indexed, parallel scans put three processes per query on two
cores, and a request abandoned by gunicorn's 30 s timeout kept its query running with no limit.
Every connection therefore starts with JIT off, no parallel workers (set
DB_PARALLEL_WORKERS to allow them on a bigger server) and a statement timeout below the worker
timeout, so a runaway query fails fast with a clear error instead of holding a worker. Command-line
runs (jobs, sweeps, backups, migrations) are long by nature and get no timeout.
"""
from __future__ import annotations

import click
from sqlalchemy.exc import SQLAlchemyError


def engine_options(uri: str, config) -> dict:
    """The SQLALCHEMY_ENGINE_OPTIONS for `uri`: the configured ones, plus PostgreSQL's session
    settings passed as libpq `options` on connect (no extra statement per request)."""
    options = dict(config.get("SQLALCHEMY_ENGINE_OPTIONS") or {})
    if not uri.startswith("postgresql"):
        return options
    timeout = 0 if _command_line() else int(config.get("DB_STATEMENT_TIMEOUT_MS") or 0)
    settings = {
        "jit": "off",
        "max_parallel_workers_per_gather": int(config.get("DB_PARALLEL_WORKERS") or 0),
        "statement_timeout": timeout,
        # An idle-in-transaction session left by a crashed worker is closed, its locks freed.
        "idle_in_transaction_session_timeout": int(
            config.get("DB_IDLE_IN_TRANSACTION_TIMEOUT_MS") or 0),
    }
    connect_args = dict(options.get("connect_args") or {})
    # psycopg prepares a statement on its connection after this many runs (see
    # end_reads_with_commit); "off" behind a transaction-pooling PgBouncer older than 1.21 (or
    # one without max_prepared_statements), which would hand the prepared name to another
    # server connection.
    threshold = str(config.get("DB_PREPARE_THRESHOLD", "5")).strip().lower()
    connect_args["prepare_threshold"] = (
        None if threshold in ("", "off", "none", "false") else int(threshold))
    given = connect_args.get("options", "")
    connect_args["options"] = " ".join(
        [given] * bool(given) + [f"-c {key}={value}" for key, value in settings.items()])
    options["connect_args"] = connect_args
    return options


def _command_line() -> bool:
    """The app was loaded by a `flask` command other than the development server."""
    ctx = click.get_current_context(silent=True)
    return ctx is not None and ctx.info_name != "run" and ctx.invoked_subcommand != "run"


def end_reads_with_commit(app, db) -> None:
    """On PostgreSQL, a request that wrote nothing ends its transaction with COMMIT instead of
    ROLLBACK.

    The two are the same for a transaction that only read, but psycopg forgets every statement
    it prepared on a connection when that connection rolls back: ending each page with ROLLBACK
    (the session's close) meant no statement was ever prepared, and PostgreSQL parsed and
    planned every statement of every page again (the home page's database time at 10^6 cases
    fell from 17.7 to 3.4 ms of CPU once they were prepared). Whether the transaction wrote
    anything is asked of PostgreSQL itself (no transaction id assigned: nothing written, by the
    ORM or otherwise); a request that failed, that holds unflushed changes or that wrote
    without committing ends with the rollback as before, so nothing is ever committed here that
    a route did not commit itself. SQLite prepares nothing across transactions: untouched."""

    @app.teardown_request
    def _commit_reads(exc):
        if exc is not None or not db.session.registry.has():
            return
        session = db.session()
        if (not session.in_transaction() or session.new or session.dirty or session.deleted
                or session.get_bind().dialect.name != "postgresql"):
            return
        try:
            if session.connection().exec_driver_sql(
                    "SELECT txid_current_if_assigned() IS NULL").scalar():
                session.commit()
        except SQLAlchemyError:  # the database went away: the rollback that follows will do
            return
