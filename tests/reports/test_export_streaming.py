"""A case-list CSV streams: its first rows reach the browser while the database still holds the
rest, read through a server-side cursor (PostgreSQL) or a statement still stepping (SQLite),
so 100,000 rows start at once and take constant memory (issue 11)."""
import contextvars
import csv
import io
import sqlite3

import pytest
import sqlalchemy as sa

from app.reports.exports import BATCH
from tests.factories import make_case
from tests.jobs.conftest import clone_cases

ROWS = 2 * BATCH + 500


@pytest.fixture
def many(db, world):
    template = make_case(world.users["handler"], world.orgs["a"], title="Giám sát lương")
    clone_cases(db, template, ROWS - 1)
    return world


def _reading(db) -> bool:
    """Whether some connection still has the export's query open, seen from outside it."""
    url = db.engine.url
    if url.get_backend_name() == "postgresql":
        probe = sa.create_engine(url)
        try:
            with probe.connect() as conn:
                return bool(conn.scalar(sa.text(
                    "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                    "AND pid <> pg_backend_pid() AND state = 'idle in transaction' "
                    "AND query LIKE 'FETCH FORWARD%'")))
        finally:
            probe.dispose()
    # SQLite: an unfinished SELECT holds a shared lock, which an exclusive lock cannot pass.
    conn = sqlite3.connect(url.database, timeout=0, isolation_level=None)
    try:
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] != "wal"
        conn.execute("BEGIN EXCLUSIVE")
        conn.execute("ROLLBACK")
        return False
    except sqlite3.OperationalError as exc:
        assert "locked" in str(exc)
        return True
    finally:
        conn.close()


@pytest.mark.commits
def test_the_first_rows_arrive_before_the_query_is_exhausted(db, many, browser):
    browser.login("handler")
    request = contextvars.Context()  # the streamed body runs in the request's own context
    response = request.run(browser.client.get, "/reports/cases.csv?sort=oldest", buffered=False)
    assert response.status_code == 200 and response.mimetype == "text/csv"
    body = iter(response.response)
    head = b""
    while head.count(b"\n") < 3:  # header and two rows
        chunk = request.run(next, body)
        head += chunk if isinstance(chunk, bytes) else chunk.encode()
    assert _reading(db), "the whole result was read before the first rows were sent"

    rest = b"".join(c if isinstance(c, bytes) else c.encode() for c in request.run(list, body))
    request.run(response.close)
    assert not _reading(db)
    rows = list(csv.reader(io.StringIO((head + rest).decode("utf-8-sig"))))
    assert len(rows) == 1 + ROWS
    assert rows[1][2] == "Giám sát lương"
