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

import re
import time

import click
from sqlalchemy import event
from sqlalchemy.exc import DisconnectionError, SQLAlchemyError


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
    if int(config.get("DB_PING_IDLE_SECONDS") or 0) > 0:
        options["pool_pre_ping"] = False  # ping_idle_connections pings those that need it
    return options


def _command_line() -> bool:
    """The app was loaded by a `flask` command other than the development server."""
    ctx = click.get_current_context(silent=True)
    return ctx is not None and ctx.info_name != "run" and ctx.invoked_subcommand != "run"


#: Pool record key: when the connection was last handed back (or opened), time.monotonic().
IDLE_SINCE = "giamsat_idle_since"


def ping_idle_connections(app, db) -> None:
    """On PostgreSQL, a pooled connection is pinged before use only when it has been idle for
    DB_PING_IDLE_SECONDS (default 10), instead of before every request (SQLAlchemy's
    pool_pre_ping, one more round trip per page).

    What the ping is for, a database restarted or a connection cut while the pool held it, shows
    after an idle spell, and is then caught as before: the dead connection is replaced before
    the request sees it. A connection used a moment ago is not pinged; if the database went
    away within those seconds, the request's first statement fails (a 503 page) and SQLAlchemy
    discards every pooled connection, so the next requests reconnect. 0 pings on every use."""
    idle = int(app.config.get("DB_PING_IDLE_SECONDS") or 0)
    with app.app_context():
        engine = db.engine
    if engine.dialect.name != "postgresql" or idle <= 0:
        return

    @event.listens_for(engine, "connect")
    @event.listens_for(engine, "checkin")
    def _idle_from_now(dbapi_connection, record):
        record.info[IDLE_SINCE] = time.monotonic()

    @event.listens_for(engine, "checkout")
    def _ping_if_idle(dbapi_connection, record, proxy):
        if time.monotonic() - record.info.get(IDLE_SINCE, 0.0) < idle:
            return
        dialect = engine.dialect
        try:
            dialect.do_ping(dbapi_connection)
        except dialect.loaded_dbapi.Error as exc:
            if dialect.is_disconnect(exc, dbapi_connection, None):
                raise DisconnectionError(str(exc)) from exc  # the pool opens a new one
            raise


#: conn.info key: the transaction on this connection sent a statement that may write.
WROTE = "giamsat_wrote"


def end_reads_with_commit(app, db) -> None:
    """On PostgreSQL, a request that wrote nothing ends its transaction with COMMIT instead of
    ROLLBACK.

    The two are the same for a transaction that only read, but psycopg forgets every statement
    it prepared on a connection when that connection rolls back: ending each page with ROLLBACK
    (the session's close) meant no statement was ever prepared, and PostgreSQL parsed and
    planned every statement of every page again (the home page's database time at 10^6 cases
    fell from 17.7 to 3.4 ms of CPU once they were prepared).

    Whether the transaction wrote is known without asking the database: every statement sent
    on the engine's connections passes `before_cursor_execute`, the ORM's and Core's as well as
    raw SQL, and any that is not a plain SELECT marks its transaction (`_may_write`; the mark is
    cleared when a transaction begins). A request that failed, that holds unflushed changes or
    whose transaction sent anything but SELECTs ends with the rollback as before, so nothing is
    ever committed here that a route did not commit itself. The commit does not expire the
    session's objects: the request is over and its session is discarded (expiring ~50 objects
    per page was 8% of a list page's time). SQLite prepares nothing across transactions:
    untouched."""
    with app.app_context():
        engine = db.engine
    if engine.dialect.name != "postgresql":
        return

    @event.listens_for(engine, "begin")
    def _begin(conn):
        conn.info[WROTE] = False

    @event.listens_for(engine, "before_cursor_execute")
    def _note_writes(conn, cursor, statement, parameters, context, executemany):
        if _may_write(statement):
            conn.info[WROTE] = True

    @app.teardown_request
    def _commit_reads(exc):
        if exc is not None or not db.session.registry.has():
            return
        session = db.session()
        if (not session.in_transaction() or session.new or session.dirty or session.deleted
                or session.connection().info.get(WROTE, True)):
            return
        session.expire_on_commit = False
        try:
            session.commit()
        except SQLAlchemyError:  # the database went away: the rollback that follows will do
            return
        finally:
            session.expire_on_commit = True


def _may_write(statement: str) -> bool:
    """Whether a statement about to be sent could change data: any statement but a SELECT and
    a WITH holding no INSERT, UPDATE or DELETE (a false alarm costs only the prepared
    statements: the request rolls back)."""
    head = statement.lstrip()[:6].upper()
    if head == "SELECT":
        return False
    if head.startswith("WITH"):
        return bool(_DML.search(statement))
    return True


_DML = re.compile(r"\b(INSERT\s+INTO|UPDATE\s+\S+\s+SET|DELETE\s+FROM)\b", re.IGNORECASE)
