"""Helpers for the national-scale guards: count the SQL statements a request runs, and fill
PostgreSQL with enough cases that a sequential scan would be the planner's choice."""
from __future__ import annotations

import contextlib
import re

import pytest
import sqlalchemy as sa

from workflows.registry import WORKFLOWS
from workflows.vocab import CHANNELS, INTAKE_FORMS


class StatementLog:
    """The SQL statements run while it listens (every engine of the app's session)."""

    def __init__(self):
        self.statements: list[str] = []

    def __len__(self) -> int:
        return len(self.statements)

    def _record(self, conn, cursor, statement, parameters, context, executemany):
        if not re.match(r"\s*(SAVEPOINT|RELEASE|ROLLBACK)", statement, re.I):
            self.statements.append(statement)

    def report(self) -> str:
        return "\n---\n".join(self.statements)


@pytest.fixture
def count_statements(app):
    """with count_statements() as log: browser.get(...); then len(log) is the number of SQL
    statements the request ran."""
    from app.extensions import db

    @contextlib.contextmanager
    def counting():
        log = StatementLog()
        engine = db.engine
        sa.event.listen(engine, "before_cursor_execute", log._record)
        try:
            yield log
        finally:
            sa.event.remove(engine, "before_cursor_execute", log._record)

    return counting


def _pairs() -> list[tuple[str, str]]:
    return [(family, s.name) for family, wf in WORKFLOWS.items() for s in wf.states]


def bulk_cases(db, n: int, org_ids: list[int], *, words: tuple[str, ...] = (
        "nguyen van hung", "tran thi lan", "cong ty", "tien luong", "bao hiem", "ky luat")) -> None:
    """Insert `n` cases spread over `org_ids`, families, states, ten years of receipt, a third
    with a running deadline, in one INSERT ... SELECT (PostgreSQL only), then ANALYZE."""
    conn = db.session.connection()
    assert conn.dialect.name == "postgresql", "bulk_cases fills PostgreSQL only"
    pairs = _pairs()
    channels, forms = sorted(CHANNELS), sorted(INTAKE_FORMS)
    conn.execute(sa.text("""
        INSERT INTO case_file (code, family, channel, intake_form, state, title, summary,
            subject_kind, subject_name, subject_position, subject_unit, subject_party_committee,
            is_anonymous, org_id, received_on, due_on, created_at, updated_at, search_text,
            version, org_path)
        SELECT 'BULK-' || g, (CAST(:families AS text[]))[1 + g % :np], (CAST(:channels AS text[]))[1 + g % :nc],
               (CAST(:forms AS text[]))[1 + g % :nf], (CAST(:states AS text[]))[1 + g % :np],
               'Vụ việc ' || g, '', 'organisation', '', '', '', '', false,
               (CAST(:orgs AS int[]))[1 + (g * 7919) % :no],
               DATE '2016-01-01' + (g * 37) % 3650,
               CASE WHEN g % 3 = 0 THEN DATE '2026-01-01' + (g % 700) END,
               now(), now() - ((g % 5000) || ' minutes')::interval,
               (CAST(:words AS text[]))[1 + g % :nw] || ' vu viec ' || g, 1,
               (SELECT path FROM organisation
                WHERE id = (CAST(:orgs AS int[]))[1 + (g * 7919) % :no])
        FROM generate_series(1, :n) AS g
    """), {
        "families": [f for f, _ in pairs], "states": [s for _, s in pairs], "np": len(pairs),
        "channels": channels, "nc": len(channels), "forms": forms, "nf": len(forms),
        "orgs": list(org_ids), "no": len(org_ids), "words": list(words), "nw": len(words),
        "n": n,
    })
    conn.execute(sa.text("ANALYZE"))


def plan_of(db, stmt) -> str:
    """EXPLAIN of a SQLAlchemy statement (or plain SQL with no parameters) on PostgreSQL."""
    conn = db.session.connection()
    if isinstance(stmt, str):
        rows = conn.exec_driver_sql("EXPLAIN " + stmt)
    else:
        compiled = stmt.compile(dialect=conn.dialect,
                                compile_kwargs={"render_postcompile": True})  # IN lists
        rows = conn.exec_driver_sql("EXPLAIN " + str(compiled), compiled.params)
    return "\n".join(r[0] for r in rows)
