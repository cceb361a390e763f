"""PostgreSQL session settings: no JIT, no parallel workers, a statement timeout for web requests
that turns a runaway query into a clear 503 instead of a worker held for 30 s."""
import time

import click
import pytest
import sqlalchemy as sa
from sqlalchemy.exc import OperationalError

from app.core.database import engine_options
from app.extensions import db


@pytest.fixture
def pg(backend):
    if backend != "postgresql":
        pytest.skip("PostgreSQL session settings")


def test_every_connection_starts_with_the_settings(app, pg):
    show = {name: db.session.scalar(sa.text(f"SHOW {name}")) for name in (
        "jit", "max_parallel_workers_per_gather", "statement_timeout",
        "idle_in_transaction_session_timeout")}
    assert show == {"jit": "off", "max_parallel_workers_per_gather": "0",
                    "statement_timeout": "20s", "idle_in_transaction_session_timeout": "1min"}


def test_a_statement_over_the_timeout_is_a_503_with_a_reason(app, pg):
    with app.test_request_context("/cases/"):
        db.session.execute(sa.text("SET LOCAL statement_timeout = 50"))
        with pytest.raises(OperationalError) as caught:
            db.session.execute(sa.text("SELECT pg_sleep(2)"))
        db.session.rollback()
        response = app.make_response(app.handle_user_exception(caught.value))
    assert response.status_code == 503
    page = response.get_data(as_text=True)
    assert "quá lâu" in page
    assert "Traceback" not in page and "pg_sleep" not in page


def test_command_line_runs_have_no_timeout_and_sqlite_is_untouched():
    config = {"SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True},
              "DB_STATEMENT_TIMEOUT_MS": 20000, "DB_PARALLEL_WORKERS": 0}
    web = engine_options("postgresql+psycopg://x/y", config)["connect_args"]["options"]
    assert "-c statement_timeout=20000" in web and "-c jit=off" in web
    with click.Context(click.Command("sweep"), info_name="sweep"):
        cli = engine_options("postgresql+psycopg://x/y", config)["connect_args"]["options"]
    assert "-c statement_timeout=0" in cli
    assert engine_options("sqlite://", config) == {"pool_pre_ping": True}
    # PostgreSQL pings idle connections only (ping_idle_connections) when a window is set.
    assert engine_options("postgresql+psycopg://x/y", config)["pool_pre_ping"] is True
    idle = engine_options("postgresql+psycopg://x/y", {**config, "DB_PING_IDLE_SECONDS": 10})
    assert idle["pool_pre_ping"] is False


def test_statement_preparing_can_be_switched_off_for_a_transaction_pooler(pg, database_url):
    """DB_PREPARE_THRESHOLD=off (behind a PgBouncer in transaction mode without
    max_prepared_statements): a statement run many times is never prepared."""
    def prepared_after_runs(threshold) -> int:
        options = engine_options(database_url, {"DB_PREPARE_THRESHOLD": threshold})
        engine = sa.create_engine(database_url, **options)
        try:
            with engine.connect() as conn:
                for _ in range(8):
                    conn.execute(sa.text("SELECT 1 WHERE 1 = :one"), {"one": 1}).all()
                return conn.scalar(sa.text("SELECT count(*) FROM pg_prepared_statements"))
        finally:
            engine.dispose()

    assert prepared_after_runs("5") >= 1
    assert prepared_after_runs("off") == 0


def test_an_idle_connection_cut_by_the_server_is_replaced_before_use(pg, database_url):
    """DB_PING_IDLE_SECONDS: a pooled connection idle longer than that is pinged, and replaced
    when the server cut it; one used a moment ago is not pinged (the round trip a page saves),
    so a cut within the window fails one statement and the pool then reconnects."""
    from app import create_app
    from config import TestConfig

    class Pinging(TestConfig):
        SQLALCHEMY_DATABASE_URI = database_url
        DB_PING_IDLE_SECONDS = 1

    app = create_app(Pinging)
    killer = sa.create_engine(database_url)

    def pooled_pid() -> int:
        with db.engine.connect() as conn:
            return conn.exec_driver_sql("SELECT pg_backend_pid()").scalar()

    def cut(pid: int) -> None:
        with killer.connect() as conn:
            assert conn.scalar(sa.text("SELECT pg_terminate_backend(:p)"), {"p": pid})
            for _ in range(100):  # the backend is gone before we go on
                if not conn.scalar(sa.text("SELECT count(*) FROM pg_stat_activity "
                                           "WHERE pid = :p"), {"p": pid}):
                    break
                time.sleep(0.02)

    try:
        with app.app_context():
            assert db.engine.pool._pre_ping is False
            first = pooled_pid()
            cut(first)
            time.sleep(1.2)  # idle past the window: pinged, found dead, replaced
            second = pooled_pid()
            assert second != first
            cut(second)  # used a moment ago: not pinged, the statement meets the cut
            with pytest.raises(OperationalError):
                pooled_pid()
            assert pooled_pid() not in (first, second)  # the pool reconnected
    finally:
        killer.dispose()
        with app.app_context():
            db.engine.dispose()
