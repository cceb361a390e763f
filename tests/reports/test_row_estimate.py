"""exports.row_estimate: how many rows a filtered list has, as far as deciding between a direct
download and a background job needs, without reading every row when the planner already says."""
from __future__ import annotations

import pytest
import sqlalchemy as sa

from app.cases import queries
from app.cases.models import Case
from app.reports import exports
from tests.factories import make_case


@pytest.fixture
def counted(app, db, world, backend):
    """30 cases of province a, the statistics fresh; the statements each call runs."""
    for i in range(30):
        make_case(world.users["handler"], world.orgs["a"], title=f"Giám sát ước lượng {i}")
    db.session.flush()
    if backend == "postgresql":
        db.session.execute(sa.text("ANALYZE case_file"))
    statements: list[str] = []

    def record(conn, cursor, statement, *args):
        statements.append(statement)

    engine = db.session.get_bind()
    sa.event.listen(engine, "before_cursor_execute", record)
    yield world, statements
    sa.event.remove(engine, "before_cursor_execute", record)


def _counts(statements) -> int:
    return sum("count(" in s.lower() and not s.startswith("EXPLAIN") for s in statements)


def _stmt(world):
    return queries.filtered_cases(world.users["handler"], queries.CaseFilter())


def _estimate(world) -> int:
    return exports.planner_estimate(_stmt(world).with_only_columns(Case.id).order_by(None))


@pytest.mark.parametrize("where", ["far below the limit", "above the limit"])
def test_the_planner_answers_without_a_count_far_below_or_above_the_limit(counted, backend,
                                                                          where):
    world, statements = counted
    if backend != "postgresql":
        pytest.skip("SQLite has no planner estimate: it always counts")
    estimate = _estimate(world)
    cap = estimate * exports.ESTIMATE_MARGIN if where == "far below the limit" else estimate - 1
    statements.clear()
    assert exports.row_estimate(_stmt(world), cap) == estimate
    assert _counts(statements) == 0


def test_near_the_limit_an_exact_count_decides(counted, backend):
    world, statements = counted
    # Just above the estimate (SQLite has none): the planner could be too low, so count.
    cap = (1 if backend == "sqlite" else _estimate(world)) * exports.ESTIMATE_MARGIN - 1
    statements.clear()
    assert exports.row_estimate(_stmt(world), max(cap, 30)) == 30
    assert _counts(statements) == 1
    # The count stops past the limit: 11 says "more than 10" whatever the planner thought.
    if backend == "sqlite" or _estimate(world) <= 10:
        assert exports.row_estimate(_stmt(world), 10) == 11

