"""The home page at national scale: a fixed number of statements, queues in due order read
through indexes, capped counts, and a "see all" link that leads to the same cases."""
from __future__ import annotations

import re
from datetime import timedelta

import pytest
import sqlalchemy as sa

from app.auth.permissions import scope_condition
from app.auth.services import create_user
from app.cases import queries
from app.cases.models import Case
from app.core.calendar import local_today
from tests.factories import make_case, password_hash
from tests.perf.conftest import bulk_cases, plan_of
from workflows.vocab import APPROVER, HANDLER, INTAKE, LETTER, SUPERVISION


@pytest.fixture
def officer(db, world):
    """A user with roles at several units: handler and intake of a province, approver of a
    grassroots unit in the other province."""
    o = world.orgs
    return create_user("officer", "Cán bộ nhiều đơn vị", None,
                       [(HANDLER, o["a"]), (INTAKE, o["a"]), (APPROVER, o["b"])],
                       password_hash=password_hash())


def _cases(world, n: int) -> list[Case]:
    """`n` cases of the officer's units: letters received on several days (so some overdue)
    and supervisions."""
    u, o = world.users, world.orgs
    today = local_today()
    made = []
    for i in range(n):
        if i % 3 == 0:
            made.append(make_case(u["b_handler"], o["b"], SUPERVISION, title=f"Giám sát {i}"))
        else:
            made.append(make_case(u["intake"], o["a"], LETTER, title=f"Đơn thư {i}",
                                  received_on=today - timedelta(days=i)))
    return made


def _home(browser, count_statements) -> tuple[int, str]:
    with count_statements() as log:
        response = browser.get("/")
    assert response.status_code == 200
    return len(log), response.get_data(as_text=True)


def test_home_runs_the_same_statements_with_5_and_60_cases(browser, db, world, officer,
                                                           count_statements):
    _cases(world, 5)
    db.session.commit()
    browser.login("officer")
    few, _html = _home(browser, count_statements)
    _cases(world, 55)
    db.session.commit()
    many, html = _home(browser, count_statements)
    assert 'data-testid="summary-overdue_letters"' in html
    assert many == few, f"{few} statements with 5 cases, {many} with 60"
    assert many <= 8, many


def test_queues_put_the_soonest_deadline_first_and_mark_the_overdue(browser, db, world,
                                                                     officer):
    made = _cases(world, 30)
    db.session.commit()
    browser.login("officer")
    html = browser.get("/").get_data(as_text=True)
    line = html[html.index('data-testid="summary-overdue_letters"'):]
    line = line[:line.index("</ul>")]
    overdue = sorted((c for c in made if c.family == LETTER and c.is_overdue()),
                     key=lambda c: (c.due_on, c.id))
    assert overdue, "the oldest letters are past their screening deadline"
    shown = re.findall(r'href="/cases/(\d+)"', line)
    assert shown == [str(c.id) for c in overdue[:10]]
    assert line.count('class="overdue"') == len(shown)
    count = re.search(r'data-testid="count-overdue_letters">(\d+)<', html).group(1)
    assert int(count) == len(overdue)
    # The work queue: every letter the officer may act on comes before any with no deadline.
    table = html[html.index('data-testid="work-queue"'):]
    table = table[:table.index("</table>")]
    codes = re.findall(r'href="/cases/(\d+)"', table)
    dues = [db.session.get(Case, int(i)).due_on for i in codes]
    assert len(codes) == 10  # the queue's limit; the rest is behind "see all"
    assert dues == sorted(dues, key=lambda d: (d is None, d))
    # Its count, in the summary at the top and above the queue: every case the officer may
    # act on (the province's letters and the grassroots unit's supervisions awaiting approval
    # are not theirs; the letters received and screened are).
    actionable = db.session.scalar(sa.select(sa.func.count()).select_from(
        sa.select(Case.id).where(queries.actionable_condition(officer)).subquery()))
    assert actionable > 10
    assert f'data-testid="count-queue">{actionable}<' in html
    assert f'data-testid="tile-count-queue">{actionable}<' in html


def test_counts_beyond_the_cap_show_a_plus(app, browser, db, world, officer, monkeypatch):
    monkeypatch.setitem(app.config, "HOME_COUNT_CAP", 4)
    made = _cases(world, 30)
    db.session.commit()
    overdue = [c for c in made if c.family == LETTER and c.is_overdue()]
    assert len(overdue) > 5
    browser.login("officer")
    html = browser.get("/").get_data(as_text=True)
    assert 'data-testid="count-overdue_letters">4+<' in html


def test_see_all_leads_to_a_list_holding_the_queue(browser, db, world, officer):
    made = _cases(world, 30)
    db.session.commit()
    browser.login("officer")
    html = browser.get("/").get_data(as_text=True)
    block = html[html.index('data-testid="see-all-overdue_letters"'):]
    link = re.search(r'href="([^"]+)"', block).group(1).replace("&amp;", "&")
    listed = browser.get(link + "&per_page=100").get_data(as_text=True)
    overdue = [c for c in made if c.family == LETTER and c.is_overdue()]
    for case in overdue:
        assert case.code in listed
    assert not any(c.code in listed for c in made if c.family == SUPERVISION)


def _queue_statements(user, today):
    """Every statement the home page's queues run, as built for `user`."""
    scope = scope_condition(user, Case.org_id)
    lines = {key: queries._summary_line(scope, family, states, overdue, today)
             for key, family, states, overdue in queries.SUMMARY_LINES}
    work = [(s, sa.or_(*c)) for s, c in queries._actionable_states(user).items()]
    yield "work queue", queries.queue(work, 10, queries.units_of(user))
    yield "work queue count", sa.select(queries.queue_count(work, units=queries.units_of(user)))
    for key, branches in lines.items():
        yield key, queries.queue(branches, 10)
        yield f"{key} count", sa.select(queries.capped_count(branches))


@pytest.mark.commits  # bulk rows, analysed: truncated after, not left behind as dead rows
def test_queue_plans_use_indexes_at_scale(db, world, officer):
    if db.engine.dialect.name != "postgresql":
        pytest.skip("the plans that matter are PostgreSQL's")
    o = world.orgs
    bulk_cases(db, 50_000, [org.id for org in o.values()])
    today = local_today()
    for user in (officer, world.users["top_approver"], world.users["grass_handler"]):
        for name, stmt in _queue_statements(user, today):
            plan = plan_of(db, stmt)
            assert "Seq Scan on case_file" not in plan, f"{user.username}, {name}:\n{plan}"


def _running_deadlines(db) -> None:
    """A running deadline for every case with a due date (as deadlines.services keeps them:
    the case's due_on is its running deadline's), warned one to three days ahead, and a met
    one for every other case, then ANALYZE."""
    db.session.execute(sa.text("""
        INSERT INTO case_deadline (case_id, rule_code, rule, start_on, days, complexity, remote,
            due_on, warn_on, status, extensions, pauses, explanation, created_at, updated_at)
        SELECT id, 'letter.resolve', '{"name_vi": "Giải quyết", "name_en": "Resolve"}', COALESCE(due_on, received_on) - 30, 30, 'normal',
               false, COALESCE(due_on, received_on), COALESCE(due_on, received_on) - 1 - id % 3,
               CASE WHEN due_on IS NULL THEN 'met' ELSE 'running' END, '[]', '[]', '[]',
               now(), now()
        FROM case_file"""))
    db.session.execute(sa.text("ANALYZE case_deadline"))


@pytest.mark.commits  # bulk rows, analysed: truncated after, not left behind as dead rows
def test_home_plans_read_case_file_and_case_deadline_through_indexes(browser, db, world):
    """Every statement of the home page, for a national, a provincial and a grassroots user,
    at 50,000 cases with their deadlines: none reads case_file or case_deadline whole (the
    deadline warnings and a province's queues once walked the country)."""
    if db.engine.dialect.name != "postgresql":
        pytest.skip("the plans that matter are PostgreSQL's")
    bulk_cases(db, 50_000, [org.id for org in world.orgs.values()])
    _running_deadlines(db)
    db.session.commit()
    seen: list[tuple[str, object]] = []

    def record(conn, cursor, statement, parameters, context, executemany):
        if statement.lstrip().upper().startswith("SELECT"):
            seen.append((statement, parameters))

    for username in ("top_approver", "handler", "grass_handler"):
        browser.login(username)
        sa.event.listen(db.engine, "before_cursor_execute", record)
        try:
            html = browser.get("/").get_data(as_text=True)
        finally:
            sa.event.remove(db.engine, "before_cursor_execute", record)
        assert 'data-testid="deadlines-overdue"' in html
        statements, seen[:] = list(seen), []
        read = [(s, p) for s, p in statements if "case_file" in s or "case_deadline" in s]
        assert len(read) >= 3, f"{username}: the queues, counts and warnings"
        conn = db.session.connection()
        for statement, params in read:
            plan = "\n".join(r[0] for r in conn.exec_driver_sql("EXPLAIN " + statement, params))
            for table in ("case_file", "case_deadline"):
                assert f"Seq Scan on {table}" not in plan, f"{username}:\n{statement}\n{plan}"
            # Deadlines are read by case id (or the window's index end), never walked
            # across the country by status and date.
            for line in re.findall(r".* on case_deadline.*", plan):
                assert re.search(r"using ix_case_deadline_(case_id|warn_span) ", line), \
                    f"{username}:\n{plan}"
        browser.logout()


def _queue(browser) -> str:
    html = browser.get("/").get_data(as_text=True)
    return html[html.index('data-testid="work-queue"'):html.index('data-testid="see-all-queue"')]


def test_kept_statements_follow_new_units_and_roles(browser, db, world):
    """The home page's statements are built once per role shape and kept across requests;
    what they do not hold is read on every request: the units under a role's unit (a unit
    created since shows its cases in the work queue), and the roles themselves (a new role
    is a new shape)."""
    from app.auth.models import RoleAssignment
    from app.orgs.services import create_org

    u, o = world.users, world.orgs
    browser.login("handler")  # a provincial handler: the queues walk the national indexes
    _queue(browser)
    built = (queries._home_statements.cache_info().misses,
             queries._work_queue_statement.cache_info().misses)
    _queue(browser)
    assert (queries._home_statements.cache_info().misses,
            queries._work_queue_statement.cache_info().misses) == built, "built again"

    unit = create_org("Công đoàn cơ sở Công ty Mới Thành lập", "CĐCS Mới", "Hà Tĩnh", 4,
                      o["a_zone"])
    new = make_case(u["handler"], unit, SUPERVISION, title="Giám sát ở đơn vị mới thành lập")
    elsewhere = make_case(u["b_handler"], o["b"], SUPERVISION, title="Giám sát ở tỉnh khác")
    db.session.commit()
    queue = _queue(browser)
    assert queries._work_queue_statement.cache_info().misses == built[1]
    assert f'href="/cases/{new.id}"' in queue
    assert f'href="/cases/{elsewhere.id}"' not in queue

    db.session.add(RoleAssignment(user_id=u["handler"].id, org_id=o["b"].id, role=HANDLER))
    db.session.commit()
    queue = _queue(browser)
    assert (queries._home_statements.cache_info().misses,
            queries._work_queue_statement.cache_info().misses) == (built[0] + 1, built[1] + 1)
    assert f'href="/cases/{elsewhere.id}"' in queue and f'href="/cases/{new.id}"' in queue


def test_cases_carry_their_units_path_and_follow_a_moved_unit(browser, db, world):
    """Case.org_path is its unit's path (the queues read a subtree as one range of it): set
    when a case is logged or changes unit, and rewritten, in the same transaction, for every
    case under a unit that moves to another province. The queues follow: the moved unit's
    case leaves province A's work queue and joins province B's."""
    from app.orgs.services import move_org

    u, o = world.users, world.orgs
    moving = make_case(u["handler"], o["a_grass"], SUPERVISION, title="Giám sát ở cơ sở")
    staying = make_case(u["handler"], o["a"], SUPERVISION, title="Giám sát ở tỉnh A")
    db.session.commit()
    assert (moving.org_path, staying.org_path) == (o["a_grass"].path, o["a"].path)
    browser.login("handler")
    assert f'href="/cases/{moving.id}"' in _queue(browser)
    browser.logout()
    touched = db.session.scalar(sa.select(Case.updated_at).where(Case.id == moving.id))

    move_org(o["a_zone"], o["b"], local_today())
    db.session.commit()
    paths = dict(db.session.execute(sa.select(Case.id, Case.org_path)).all())
    assert paths[moving.id] == o["a_grass"].path
    assert paths[moving.id].startswith(o["b"].path) and paths[staying.id] == o["a"].path
    assert db.session.scalar(sa.select(Case.updated_at).where(Case.id == moving.id)) == touched
    browser.login("handler")
    queue = _queue(browser)
    assert f'href="/cases/{moving.id}"' not in queue and f'href="/cases/{staying.id}"' in queue
    browser.logout()
    browser.login("b_handler")
    assert f'href="/cases/{moving.id}"' in _queue(browser)

    # A case handed to another unit carries that unit's path.
    staying.org = o["b"]
    db.session.commit()
    assert db.session.scalar(
        sa.select(Case.org_path).where(Case.id == staying.id)) == o["b"].path


def test_unit_page_shows_its_subtree_in_the_same_statements_whatever_its_size(
        browser, db, world, officer, count_statements):
    """A unit's page (/units/<id>): its summary's counts and lines in one statement, kept
    across requests, the same number of statements with 5 and 60 cases; its overdue letters
    are the subtree's, soonest first, and none of another province's."""
    o = world.orgs
    _cases(world, 5)
    db.session.commit()
    browser.login("officer")
    url = f"/units/{o['a'].id}"
    with count_statements() as log:
        assert browser.get(url).status_code == 200
    few = len(log)
    made = _cases(world, 55)
    elsewhere = make_case(world.users["b_handler"], o["b"], LETTER, title="Đơn thư tỉnh khác",
                          received_on=local_today() - timedelta(days=90))
    db.session.commit()
    built = queries._unit_statement.cache_info().misses
    with count_statements() as log:
        html = browser.get(url).get_data(as_text=True)
    assert len(log) == few <= 3, f"{few} statements with 5 cases, {len(log)} with 60"
    assert queries._unit_statement.cache_info().misses == built, "built again"
    line = html[html.index('data-testid="summary-overdue_letters"'):]
    line = line[:line.index("</ul>")]
    overdue = sorted((c for c in db.session.scalars(sa.select(Case).where(
        Case.family == LETTER, Case.org_id == o["a"].id)) if c.is_overdue()),
        key=lambda c: (c.due_on, c.id))
    assert len(overdue) > 10 and made
    assert re.findall(r'href="/cases/(\d+)"', line) == [str(c.id) for c in overdue[:10]]
    assert f'href="/cases/{elsewhere.id}"' not in html
