"""App, database and user fixtures. Every DB test runs on SQLite and, when reachable, PostgreSQL."""
from __future__ import annotations

import contextlib
import contextvars
import os
import re
import uuid

import pytest
import sqlalchemy as sa

from config import TestConfig

DEFAULT_PG_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/test"


def _pg_url() -> str | None:
    """The PostgreSQL URL to test against, None to skip it; fails in CI when unreachable."""
    url = os.environ.get("TEST_DATABASE_URL") or DEFAULT_PG_URL
    url = url.replace("postgresql://", "postgresql+psycopg://", 1) if url.startswith(
        "postgresql://") else url
    try:
        engine = sa.create_engine(url, connect_args={"connect_timeout": 3})
        with engine.connect() as conn:
            conn.execute(sa.text("SELECT 1"))
        engine.dispose()
        return url
    except Exception as exc:
        if os.environ.get("CI") or os.environ.get("TEST_DATABASE_URL"):
            raise pytest.UsageError(f"PostgreSQL at {url} is required but unreachable: {exc}")
        return None


def _per_worker(url: str | None) -> str | None:
    """Under pytest-xdist each worker gets its own PostgreSQL database (test_gw0, ...)."""
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    if url is None or not worker:
        return url
    base = sa.engine.make_url(url)
    name = f"{base.database}_{worker}"
    admin = sa.create_engine(base, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        exists = conn.scalar(sa.text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": name})
        if not exists:
            conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return base.set(database=name).render_as_string(hide_password=False)


PG_URL = _per_worker(_pg_url())
BACKENDS = ["sqlite"] + (["postgresql"] if PG_URL else [])


def pytest_report_header(config):
    return f"database backends: {', '.join(BACKENDS)}"


@pytest.fixture(scope="session", params=BACKENDS)
def backend(request):
    return request.param


@pytest.fixture(scope="session")
def database_url(backend, tmp_path_factory):
    if backend == "sqlite":
        return f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.db'}"
    return PG_URL


@pytest.fixture
def new_database(tmp_path):
    """new_database(backend) -> the URL of a brand-new, empty database (for migration and
    backup tests); the PostgreSQL ones are dropped after the test."""
    created = []

    def make(backend: str) -> str:
        if backend == "sqlite":
            return f"sqlite:///{tmp_path / f'{uuid.uuid4().hex[:8]}.db'}"
        if PG_URL is None:
            pytest.skip("PostgreSQL is not reachable")
        name = f"giamsat_tmp_{uuid.uuid4().hex[:12]}"
        with admin.connect() as conn:
            conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
        created.append(name)
        return sa.make_url(PG_URL).set(database=name).render_as_string(hide_password=False)

    admin = sa.create_engine(PG_URL, isolation_level="AUTOCOMMIT") if PG_URL else None
    yield make
    if admin is not None:
        with admin.connect() as conn:
            for name in created:
                conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture(scope="session")
def _app(database_url):
    from app import create_app
    from app.extensions import db

    class Config(TestConfig):
        SQLALCHEMY_DATABASE_URI = database_url

    app = create_app(Config)
    with app.app_context():
        db.drop_all()
        db.create_all()
    yield app
    with app.app_context():
        db.session.remove()
        db.drop_all()
        db.engine.dispose()


def _wipe(db) -> None:
    tables = list(reversed(db.metadata.sorted_tables))
    with db.engine.begin() as conn:
        if conn.dialect.name == "postgresql":
            names = ", ".join(f'"{t.name}"' for t in tables)
            conn.execute(sa.text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
        else:
            for table in tables:
                conn.execute(table.delete())


@contextlib.contextmanager
def _rolled_back(db):
    """Every session of the test, the test's own and each request's, works inside one
    transaction on one connection that is rolled back at the end: a session's commit
    releases a savepoint (join_transaction_mode="create_savepoint"), so code commits as it
    would in production while nothing outlives the test."""
    factory = db.session.session_factory
    original = factory.class_
    connection = db.engine.connect()
    sqlite = connection.dialect.name == "sqlite"
    if sqlite:
        # SQLAlchemy, not the sqlite3 module, opens this connection's transactions, so that
        # SAVEPOINT works (sqlite3 before Python 3.12 begins and commits on its own around
        # DML): the recipe of SQLAlchemy's SQLite dialect documentation.
        driver = connection.connection.driver_connection
        driver.isolation_level = None
        sa.event.listen(connection, "begin", _sqlite_begin)
    outer = connection.begin()
    db.session.remove()
    factory.class_ = type("RolledBackSession", (original,), {"get_bind": _connection_bind})
    factory.configure(bind=connection, join_transaction_mode="create_savepoint")
    try:
        yield
    finally:
        db.session.remove()
        factory.class_ = original
        for key in ("bind", "join_transaction_mode"):
            factory.kw.pop(key, None)
        outer.rollback()
        if sqlite:
            driver.isolation_level = ""  # back to the sqlite3 module's default for the pool
        connection.close()


def _sqlite_begin(connection):
    connection.exec_driver_sql("BEGIN")


def _connection_bind(session, *args, **kw):
    """Flask-SQLAlchemy picks the app's engine whatever the session's bind; this session
    keeps to the test's connection."""
    return session.bind


#: A test marked so (or a browser test) commits for real and the tables are emptied after it:
#: it reads what it wrote from another connection, thread or process.
COMMITS = ("commits", "browser")


@pytest.fixture
def app(_app, request):
    from app.extensions import db, limiter

    commits = any(request.node.get_closest_marker(name) for name in COMMITS)
    with _app.app_context():
        if commits:
            _wipe(db)  # fresh tables, free of the rows earlier tests rolled back
            yield _app
            db.session.remove()
            _wipe(db)
        else:
            with _rolled_back(db):
                yield _app
        limiter.reset()  # failed logins counted by one test do not lock out the next


@pytest.fixture
def db(app):
    from app.extensions import db as _db

    return _db


@pytest.fixture
def client(app):
    return app.test_client()


class Browser:
    """A test client that logs in through the form and sends the CSRF token like a browser.

    Each request runs in an empty context, so Flask gives it its own app context, `g` and
    database session, as a real request would; the test's own session is committed first so
    the request sees what the test set up.
    """

    def __init__(self, client):
        self.client = client
        self.token: str | None = None

    def _request(self, method, *args, **kw):
        from app.extensions import db

        db.session.commit()
        # buffered: a streamed body (CSV export) is read inside the request's own context.
        kw.setdefault("buffered", True)
        return contextvars.Context().run(getattr(self.client, method), *args, **kw)

    def _remember_token(self, response):
        match = re.search(rb'name="csrf_token" type="hidden" value="([^"]+)"', response.data) or \
            re.search(rb'name="csrf_token" value="([^"]+)"', response.data)
        if match:
            self.token = match.group(1).decode()
        return response

    def get(self, url, **kw):
        return self._remember_token(self._request("get", url, **kw))

    def post(self, url, data=None, *, csrf=True, **kw):
        data = dict(data or {})
        if csrf:
            if self.token is None:
                self.get("/login")
            data.setdefault("csrf_token", self.token)
        return self._remember_token(self._request("post", url, data=data, **kw))

    def login(self, username, password="password123"):
        self.get("/login")
        response = self.post("/login", {"username": username, "password": password})
        assert response.status_code == 302, response.data[:500]
        self.get("/")
        return response

    def logout(self):
        return self.post("/logout")


@pytest.fixture
def browser(client):
    return Browser(client)


@pytest.fixture
def world(db, backend):
    """A small tree: TLĐ > province A (> zone > grassroots), province B; users with each role.

    Built through the services once per process and backend; every later test gets the same
    rows back in a few bulk INSERTs (`_WorldRows`), and its own objects loaded from them."""
    from app.auth.models import User
    from app.orgs.models import Organisation
    from tests.factories import World, build_world

    rows = _WORLD_ROWS.get(backend)
    if rows is None or not rows.restore(db):
        built = build_world()
        db.session.commit()
        _WORLD_ROWS[backend] = _WorldRows.capture(db, built)
        return built
    orgs = {o.id: o for o in db.session.scalars(sa.select(Organisation))}
    users = {u.id: u for u in db.session.scalars(sa.select(User))}
    return World(orgs={key: orgs[i] for key, i in rows.orgs.items()},
                 users={key: users[i] for key, i in rows.users.items()})


class _WorldRows:
    """The rows `build_world` wrote, table by table, to write again in a fresh transaction."""

    def __init__(self, tables, orgs, users):
        self.tables, self.orgs, self.users = tables, orgs, users

    @classmethod
    def capture(cls, db, world):
        tables = []
        for table in db.metadata.sorted_tables:
            rows = [dict(r._mapping) for r in db.session.execute(sa.select(table))]
            if rows:
                tables.append((table, rows))
        return cls(tables, {k: o.id for k, o in world.orgs.items()},
                   {k: u.id for k, u in world.users.items()})

    def restore(self, db) -> bool:
        """Write the rows back; False (nothing written) unless every table is empty."""
        for table, _rows in self.tables:
            if db.session.scalar(sa.select(sa.literal(1)).select_from(table).limit(1)):
                return False
        for table, rows in self.tables:
            db.session.execute(table.insert(), rows)
        if db.engine.dialect.name == "postgresql":
            for table, _rows in self.tables:  # ids given explicitly: move the sequences past them
                if "id" in table.c:
                    db.session.execute(sa.text(
                        f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'), "
                        f"(SELECT max(id) FROM {table.name}))"))
        db.session.commit()
        return True


_WORLD_ROWS: dict[str, _WorldRows] = {}


# --- email --------------------------------------------------------------------------------------

class SmtpSink:
    """A real SMTP server on loopback (aiosmtpd) keeping every message that arrives.

    `messages` are email.message.EmailMessage objects (read `m["To"]`, `m["Subject"]`,
    `m.get_content()`); `wait(n)` waits until n have arrived (a message sent from an RQ work
    horse or a browser-driven server arrives on the sink's own thread) and returns them;
    `clear()` forgets them."""

    def __init__(self):
        import threading

        self.messages: list = []
        self._arrived = threading.Condition()

    async def handle_DATA(self, server, session, envelope):  # aiosmtpd's handler hook
        from email import message_from_bytes, policy

        message = message_from_bytes(envelope.content, policy=policy.default)
        with self._arrived:
            self.messages.append(message)
            self._arrived.notify_all()
        return "250 OK"

    def wait(self, n: int = 1, timeout: float = 10.0) -> list:
        with self._arrived:
            self._arrived.wait_for(lambda: len(self.messages) >= n, timeout)
        return list(self.messages)

    def to(self, address: str) -> list:
        """The messages addressed to `address`."""
        return [m for m in self.messages if address in str(m["To"])]

    def clear(self) -> None:
        with self._arrived:
            self.messages.clear()


def free_port() -> int:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def smtp_sink(app):
    """An SMTP sink on 127.0.0.1 at a free port, with the app's MAIL_SERVER and MAIL_PORT
    pointed at it for the test (restored after): what the app emails arrives in
    `smtp_sink.messages`. Works for in-process requests, inline jobs, RQ work horses and a live
    server run from the same process (the browser tests)."""
    from aiosmtpd.controller import Controller

    sink = SmtpSink()
    controller = Controller(sink, hostname="127.0.0.1", port=free_port())
    controller.start()
    saved = {key: app.config.get(key) for key in ("MAIL_SERVER", "MAIL_PORT", "MAIL_USE_TLS",
                                                  "MAIL_USERNAME")}
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=controller.port, MAIL_USE_TLS=False,
                      MAIL_USERNAME="")
    try:
        yield sink
    finally:
        app.config.update(saved)
        controller.stop()
