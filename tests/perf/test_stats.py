"""The dashboard and the periodic report at national scale: a unit with units below it reads one
snapshot row whatever its subtree holds, the snapshot equals the direct computation, an ended
period's figures stay frozen, and a grassroots unit's live computation reads the timeline
through indexes."""
from __future__ import annotations

import random
from datetime import date, timedelta

import pytest
import sqlalchemy as sa

from app.cases.services import allowed_actions, transition_case
from app.core.calendar import local_today
from app.core.errors import Conflict, Forbidden, Invalid
from app.orgs.services import create_org
from app.reports import stats as st
from tests.factories import make_case
from tests.perf.conftest import bulk_cases
from tests.reports.world import H1_2025, build_cases
from workflows import vocab

TODAY = date(2026, 1, 15)
YEAR_2025 = st.standard_period("year", 2025)
H2_2025 = st.standard_period("h2", 2025)
#: Days on either side of the boundaries of the half-years of 2025.
EDGES = [date(2024, 12, 31), date(2025, 1, 1), date(2025, 6, 30), date(2025, 7, 1),
         date(2025, 12, 31)]


def _dashboard(browser, count_statements, org):
    with count_statements() as log:
        page = browser.get(f"/reports/dashboard?org={org.id}")  # this year
    assert page.status_code == 200
    return len(log), page.get_data(as_text=True)


def _figure(html: str, key: str) -> int:
    marker = f'data-testid="figure-{key}">'
    return int(html.split(marker, 1)[1].split("<", 1)[0])


def _letters_this_year(world, unit, n):
    today = local_today()
    for i in range(n):
        make_case(world.users["b_handler"], unit, vocab.LETTER,
                  received_on=max(today.replace(month=1, day=1), today - timedelta(days=i)))


def test_national_dashboard_statements_do_not_grow_with_units_or_cases(
        db, world, browser, count_statements):
    _letters_this_year(world, world.orgs["b"], 3)
    db.session.commit()
    st.refresh_snapshots()
    db.session.commit()
    browser.login("top_approver")
    small, html = _dashboard(browser, count_statements, world.orgs["tld"])
    assert 'data-testid="as-of"' in html and _figure(html, "handled") == 3

    for i in range(12):
        unit = create_org(f"Công đoàn cơ sở số {i}", "CĐCS", "Thủ Đức", 4, world.orgs["b"])
        _letters_this_year(world, unit, 2)
    db.session.commit()
    st.refresh_snapshots()
    db.session.commit()
    big, html = _dashboard(browser, count_statements, world.orgs["tld"])
    assert _figure(html, "handled") == 3 + 24
    assert big == small and big <= 12


def _random_world(world, seed: int) -> None:
    """Cases of three families in every unit, received and moved on days around the
    boundaries of the half-years, by whoever may fire a random allowed action."""
    rng = random.Random(seed)
    users = list(world.users.values())
    creators = {"a": "intake", "a_zone": "handler", "a_grass": "grass_handler",
                "b": "b_handler", "tld": "top_approver"}
    for n in range(36):
        unit = rng.choice(sorted(creators))
        family = rng.choice([vocab.LETTER, vocab.LETTER, vocab.RECOMMENDATION,
                             vocab.SUPERVISION])
        day = rng.choice(EDGES + [date(2024, 11, 20), date(2025, 4, 10), date(2025, 9, 5)])
        case = make_case(world.users[creators[unit]], world.orgs[unit], family,
                         received_on=day, title=f"Vụ việc ngẫu nhiên {n}")
        for _ in range(rng.randint(0, 4)):
            day = max(day, rng.choice(EDGES + [day + timedelta(days=rng.randint(0, 40))]))
            if day >= TODAY:
                break
            choices = [(u, a) for u in users for a in allowed_actions(u, case)]
            if not choices:
                break
            user, action = rng.choice(choices)
            try:
                transition_case(case, action.trigger, user, comment="Ghi chú", today=day)
            except (Invalid, Forbidden, Conflict):
                continue


@pytest.mark.parametrize("seed", [1, 2])
def test_snapshot_figures_equal_the_direct_computation(db, world, seed):
    _random_world(world, seed)
    db.session.commit()
    assert st.refresh_snapshots(TODAY, [2025]) == {"periods": 3, "snapshots": 9}  # tld, a, a_zone
    db.session.commit()
    handled = 0
    for key in ("tld", "a", "a_zone"):
        org = world.orgs[key]
        for period in (H1_2025, H2_2025, YEAR_2025):
            snapshot = st.figures(org, period, TODAY)
            assert snapshot.as_of is not None, "read from the snapshot"
            assert st.to_json(snapshot) == st.to_json(st.compute(org, period, TODAY)), (
                key, period)
            handled += snapshot.totals["total"]
    assert handled > 36  # the cases were counted, in several units and periods


def test_the_current_period_is_a_refresh_old_and_an_ended_one_frozen(db, world):
    build_cases(world)
    db.session.commit()
    org, letter = world.orgs["a"], world.cases["L4"]
    # 01/05/2025: the first half-year is running, its snapshot is the last refresh
    st.refresh_snapshots(date(2025, 5, 1), [2025])
    db.session.commit()
    running = st.figures(org, H1_2025, date(2025, 5, 1))
    assert running.as_of is not None and running.reference == date(2025, 5, 1)

    # after the period: its first view is computed (the snapshot was not final), then frozen
    assert st.figures(org, H1_2025, TODAY).as_of is None
    st.refresh_snapshots(TODAY, [2025])
    db.session.commit()
    frozen = st.figures(org, H1_2025, TODAY)
    assert st.to_json(frozen) == st.to_json(st.compute(org, H1_2025, TODAY))

    # a transition dated inside the period changes the live computation, not the report
    transition_case(letter, "classify", world.users["handler"], today=date(2025, 6, 25))
    db.session.commit()
    assert st.compute(org, H1_2025, TODAY).states != frozen.states
    assert st.refresh_snapshots(TODAY, [2025])["periods"] == 0
    db.session.commit()
    again = st.figures(org, H1_2025, TODAY)
    assert st.to_json(again) == st.to_json(frozen) and again.as_of == frozen.as_of


def test_no_state_name_is_terminal_in_one_workflow_and_open_in_another():
    from workflows.registry import WORKFLOWS

    open_names = {s.name for wf in WORKFLOWS.values() for s in wf.states if not s.is_terminal}
    assert not open_names & set(st.TERMINAL_STATES)


def _events_for_bulk_cases(db) -> None:
    """Three timeline lines for each bulk case (hashes are not checked here)."""
    db.session.connection().execute(sa.text("""
        INSERT INTO case_event (case_id, actor_id, created_at, action, from_state, to_state,
                                comment, data, seq, prev_hash, hash)
        SELECT c.id, NULL, c.received_on + (s * 20 || ' days')::interval + interval '5 hours',
               'step', NULL, c.state, '', '{}', s, '', ''
        FROM case_file c CROSS JOIN generate_series(1, 3) AS s
        WHERE c.code LIKE 'BULK-%'
    """))
    db.session.connection().execute(sa.text("ANALYZE case_event"))


@pytest.mark.commits  # bulk rows, analysed: truncated after, not left behind as dead rows
def test_no_sequential_scan_of_the_timeline_at_scale(db, world, count_statements, app):
    if db.engine.dialect.name != "postgresql":
        pytest.skip("the plans that matter are PostgreSQL's")
    o = world.orgs
    units = [o["a_grass"]] + [create_org(f"Công đoàn cơ sở {i}", "CĐCS", "Quận 1", 4, o["b"])
                              for i in range(40)]
    db.session.flush()
    bulk_cases(db, 40_000, [u.id for u in units])
    _events_for_bulk_cases(db)
    period = st.standard_period("year", 2024)

    statements = []

    def record(conn, cursor, statement, parameters, context, executemany):
        if "case_event" in statement and statement.lstrip().upper().startswith("SELECT"):
            statements.append((statement, parameters))

    sa.event.listen(db.engine, "before_cursor_execute", record)
    try:
        live = st.figures(o["a_grass"], period, TODAY)  # a grassroots unit: computed live
    finally:
        sa.event.remove(db.engine, "before_cursor_execute", record)
    assert live.as_of is None and live.totals["total"] > 0
    assert statements
    conn = db.session.connection()
    for statement, parameters in statements:
        plan = "\n".join(r[0] for r in conn.exec_driver_sql("EXPLAIN " + statement,
                                                            parameters))
        assert "Seq Scan on case_event" not in plan, plan

    st.refresh_snapshots(TODAY, [2024])
    with count_statements() as log:
        national = st.figures(o["tld"], period, TODAY)
    assert national.totals["total"] > live.totals["total"]
    assert not [s for s in log.statements if "case_event" in s]
