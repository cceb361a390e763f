"""The case list at national scale: keyset pages in each sort's order, a fixed number of
statements, phrase search through the trigram index, and index walks in the plans."""
from __future__ import annotations

import html
import re
from datetime import date, timedelta

import pytest
import sqlalchemy as sa

from app.cases import queries, services
from app.cases.models import Case
from app.core.calendar import local_today
from tests.factories import make_case
from tests.perf.conftest import bulk_cases, plan_of
from workflows.vocab import LETTER, SUPERVISION

#: The list page's statements whatever it shows: the user, their roles, the page's rows, the
#: unit filter's choices (and the session's bookkeeping around them).
LIST_STATEMENTS = 6


def _ids(page: str) -> list[int]:
    """The cases of a list page, in the order shown."""
    body = page[page.index("<tbody>"):page.index("</tbody>")]
    return [int(x) for x in re.findall(r'<td[^>]*><a[^>]* href="/cases/(\d+)"', body)]


def _link(page: str, rel: str) -> str | None:
    found = re.search(rf'href="([^"]+)" rel="{rel}"', page)
    return html.unescape(found.group(1)) if found else None


def _cases(world, n: int, start: int = 0) -> list[Case]:
    """`n` cases of province A: letters (a deadline runs) and supervisions (none), received
    on a few days so that many share a day (the id breaks the tie)."""
    u, o = world.users, world.orgs
    made = []
    for i in range(start, start + n):
        family = LETTER if i % 2 else SUPERVISION
        made.append(make_case(u["intake"], o["a"], family, title=f"Vụ việc số {i}",
                              received_on=date(2026, 3, 2) + timedelta(days=i % 7)))
    return made


def _expected(sort: str) -> list[int]:
    from app.extensions import db

    rows = db.session.scalars(sa.select(Case)).all()
    key = {
        "newest": lambda c: (c.received_on, c.id),
        "oldest": lambda c: (c.received_on, c.id),
        "due": lambda c: (c.due_on is None, c.due_on or date.min, c.id),
        "updated": lambda c: (c.updated_at.replace(tzinfo=None), c.id),
    }[sort]
    return [c.id for c in sorted(rows, key=key, reverse=sort in ("newest", "updated"))]


def _walk(browser, url: str, rel: str = "next") -> tuple[list[list[int]], str]:
    """Follow `rel` links from `url` to the end: the pages' ids and the last page's HTML."""
    pages = []
    for _ in range(50):
        page = browser.get(url)
        assert page.status_code == 200
        text = page.get_data(as_text=True)
        pages.append(_ids(text))
        url = _link(text, rel)
        if url is None:
            return pages, text
    raise AssertionError("the pager never ends")


@pytest.mark.parametrize("sort", list(queries.SORTS))
def test_next_links_walk_every_case_once_in_the_sort_order(browser, db, world, sort):
    _cases(world, 60)
    db.session.commit()
    browser.login("handler")
    pages, last = _walk(browser, f"/cases/?sort={sort}&per_page=10")
    assert [len(p) for p in pages] == [10] * 6
    assert [i for p in pages for i in p] == _expected(sort)
    # Previous goes back through the same pages; the first page has no Previous.
    back, first = _walk(browser, _link(last, "prev"), rel="prev")
    assert back == pages[-2::-1]
    assert _link(first, "prev") is None and 'data-testid="first-page"' not in first


def test_due_sort_passes_from_the_deadlines_to_the_cases_without_one(browser, db, world):
    made = _cases(world, 25)
    db.session.commit()
    with_due = sorted((c for c in made if c.due_on is not None), key=lambda c: (c.due_on, c.id))
    assert 0 < len(with_due) < 25
    browser.login("handler")
    pages, _last = _walk(browser, "/cases/?sort=due&per_page=10")
    shown = [i for p in pages for i in p]
    assert shown[:len(with_due)] == [c.id for c in with_due]
    assert shown[len(with_due):] == sorted(c.id for c in made if c.due_on is None)


def test_a_garbled_or_foreign_token_gives_page_one(browser, db, world):
    made = _cases(world, 15)
    db.session.commit()
    browser.login("handler")
    first = _ids(browser.get("/cases/?per_page=10").get_data(as_text=True))
    other_sort = queries.page_token("oldest", made[3])
    for query in ("after=xyz", "after=newest.0.2026-13-45.7", "before=newest.9.1",
                  "after=newest.0.99999999999999999999999.1", f"after={other_sort}",
                  "after=" + "9" * 500, "before=due.1.x"):
        page = browser.get(f"/cases/?per_page=10&{query}")
        assert page.status_code == 200, query
        assert _ids(page.get_data(as_text=True)) == first, query


def test_filters_and_page_size_survive_paging(browser, db, world):
    _cases(world, 40)
    db.session.commit()
    browser.login("handler")
    url = "/cases/?family=letter&per_page=10&q=vu+viec&sort=oldest"
    pages, last = _walk(browser, url)
    letters = set(db.session.scalars(sa.select(Case.id).where(Case.family == LETTER)))
    assert [len(p) for p in pages] == [10, 10]
    assert {i for p in pages for i in p} == letters
    for link in (_link(last, "prev"),):
        assert all(part in link for part in ("family=letter", "per_page=10", "q=vu", "sort=oldest"))


def _statements(browser, count_statements, url="/cases/") -> int:
    with count_statements() as log:
        response = browser.get(url)
    assert response.status_code == 200
    return len(log)


@pytest.mark.parametrize("user", ["handler", "top_approver", "grass_handler"])
def test_the_list_runs_the_same_statements_with_5_and_60_cases(browser, db, world, user,
                                                               count_statements):
    _cases(world, 5)
    db.session.commit()
    browser.login(user)
    few = _statements(browser, count_statements)
    more = _cases(world, 55, start=5)
    db.session.commit()
    many = _statements(browser, count_statements)
    deep = _statements(browser, count_statements,
                       "/cases/?after=" + queries.page_token("newest", more[25]))
    assert many == few == deep, f"{few} statements with 5 cases, {many} with 60, {deep} deep"
    assert many <= LIST_STATEMENTS


def test_the_page_shows_no_total(browser, db, world):
    _cases(world, 30)
    db.session.commit()
    browser.login("handler")
    page = browser.get("/cases/?per_page=10").get_data(as_text=True)
    assert 'data-testid="total"' not in page and "30" not in page.split("<tbody>")[0][-400:]


def test_unit_filter_inside_and_around_the_scope(browser, db, world):
    o, u = world.orgs, world.users
    top = make_case(u["intake"], o["a"], title="Tỉnh")
    zone = make_case(u["intake"], o["a_zone"], title="Khu kinh tế")
    grass = make_case(u["grass_handler"], o["a_grass"], title="Cơ sở")
    make_case(u["b_handler"], o["b"], title="Tỉnh khác")
    db.session.commit()
    browser.login("handler")
    assert _search(browser, "", org=o["a"].id) == {top.id, zone.id, grass.id}
    assert _search(browser, "", org=o["a_zone"].id) == {zone.id, grass.id}
    assert _search(browser, "", org=o["b"].id) == set()  # outside the scope
    browser.login("grass_handler")
    # A unit above the scope still shows only the scope.
    assert _search(browser, "", org=o["a"].id) == {grass.id}


def test_overdue_and_due_by_filters_in_every_sort(browser, db, world):
    made = _cases(world, 30)
    today = local_today()
    for i, case in enumerate(made):
        case.due_on = today + timedelta(days=(i % 5) - 2) if i % 3 else None
    made[1].state = "closed"  # a closed letter whose deadline no longer runs
    db.session.commit()
    browser.login("handler")
    overdue = {c.id for c in made if c.due_on and c.due_on < today and c.state != "closed"}
    due_by = {c.id for c in made if c.due_on and c.due_on <= today}
    assert overdue and made[1].id not in overdue and made[1].id in due_by
    for sort in queries.SORTS:
        pages, _last = _walk(browser, f"/cases/?overdue=1&sort={sort}&per_page=10")
        assert {i for p in pages for i in p} == overdue, sort
        pages, _last = _walk(browser, f"/cases/?due_by={today.isoformat()}&sort={sort}"
                                      "&per_page=10")
        assert [i for p in pages for i in p] == [i for i in _expected(sort) if i in due_by]


def test_an_unknown_channel_or_state_shows_nothing(browser, db, world):
    _cases(world, 5)
    db.session.commit()
    browser.login("handler")
    assert _search(browser, "", channel="nope") == set()
    assert _search(browser, "", state="nope") == set()
    assert len(_search(browser, "", state="received")) == 5


# Search ---------------------------------------------------------------------------------


def _search(browser, q: str, **args) -> set[int]:
    page = browser.get("/cases/", query_string={"q": q, "per_page": 100, **args})
    assert page.status_code == 200
    return set(_ids(page.get_data(as_text=True)))


def test_search_matches_the_phrase_without_diacritics(browser, db, world):
    u, o = world.users, world.orgs
    phrase = make_case(u["intake"], o["a"], LETTER, title="Đơn của ông Nguyễn Văn Hùng")
    apart = make_case(u["intake"], o["a"], LETTER, title="Hùng gửi đơn về Nguyễn Văn Tâm")
    duc = make_case(u["intake"], o["a"], SUPERVISION, title="Giám sát",
                    subject_name="Công ty Đức Thành")
    db.session.commit()
    browser.login("handler")
    assert _search(browser, "nguyen van hung") == {phrase.id}
    assert _search(browser, "NGUYỄN   VĂN HÙNG") == {phrase.id}
    assert _search(browser, "nguyen van") == {phrase.id, apart.id}
    # A long phrase probes the index by its longest words and still matches only the phrase.
    assert _search(browser, "Đơn của ông Nguyễn Văn Hùng") == {phrase.id}
    # No case holds this phrase: the list falls back to the cases holding every word.
    assert _search(browser, "don ve nguyen van hung") == {apart.id}
    assert _search(browser, "duc thanh") == {duc.id}
    assert _search(browser, "ĐỨC") == {duc.id}
    assert _search(browser, "hung", family=SUPERVISION) == set()
    assert _search(browser, "hung", family=LETTER) == {phrase.id, apart.id}
    assert _search(browser, "hu") >= {phrase.id, apart.id}  # under three letters: plain LIKE


def test_like_wildcards_in_the_query_are_literal(browser, db, world):
    u, o = world.users, world.orgs
    percent = make_case(u["intake"], o["a"], title="Tăng lương 10% cho công nhân")
    make_case(u["intake"], o["a"], title="Tăng lương 105 nghìn cho công nhân")
    under = make_case(u["intake"], o["a"], title="Mã số A_B01")
    make_case(u["intake"], o["a"], title="Mã số AXB01")
    db.session.commit()
    browser.login("handler")
    assert _search(browser, "10%") == {percent.id}
    assert _search(browser, "luong 10% cho") == {percent.id}
    assert _search(browser, "a_b01") == {under.id}
    assert _search(browser, '"a_b01"') == set()
    assert _search(browser, "%") == {percent.id}


def test_search_follows_an_edited_title(browser, db, world):
    case = make_case(world.users["intake"], world.orgs["a"], title="Làm thêm ca đêm kéo dài")
    db.session.commit()
    case.title = case.subject_matter = "Chậm trả lương tháng mười"
    services._refresh_search_text(case)
    db.session.commit()
    browser.login("handler")
    assert _search(browser, "cham tra luong") == {case.id}
    assert _search(browser, "ca dem keo dai") == set()


# Plans at scale (PostgreSQL) ----------------------------------------------------------------


def _plans(db, world):
    """(label, statement) of each list query that matters, as case_page builds them."""
    o, u = world.orgs, world.users
    national, province, grass = u["top_approver"], u["handler"], u["grass_handler"]
    some = db.session.scalars(sa.select(Case).order_by(Case.id).offset(25_000).limit(1)).one()
    for user in (national, province, grass):
        for sort in queries.SORTS:
            f = queries.CaseFilter(sort=sort)
            base = queries._filtered(user, f)
            for token in (None, queries.page_token(sort, some)):
                start = queries.parse_token(token, sort)
                yield (f"{user.username} {sort} {'deep' if token else 'first'}",
                       _page_statement(base, sort, start))
        for label, f in (("family+state", queries.CaseFilter(family=LETTER, state="received")),
                         ("family", queries.CaseFilter(family=LETTER)),
                         ("open", queries.CaseFilter(open_only=True)),
                         ("own unit", queries.CaseFilter(org_id=o["a"].id)),
                         ("unit", queries.CaseFilter(org_id=o["a_zone"].id)),
                         ("search", queries.CaseFilter(q="nguyen van hung")),
                         ("rare phrase", queries.CaseFilter(q="vu viec 4242"))):
            yield f"{user.username} {label}", _page_statement(queries._filtered(user, f),
                                                              "newest", None)


def _page_statement(base, sort, start):
    """The statement of a page's first segment, as case_page sends it."""
    number = start.segment if start else 0
    return queries.segment_query(base, sort, number, start).limit(26)


@pytest.mark.commits  # bulk rows, analysed: truncated after, not left behind as dead rows
def test_list_plans_walk_indexes_at_scale(db, world):
    if db.engine.dialect.name != "postgresql":
        pytest.skip("the plans that matter are PostgreSQL's")
    bulk_cases(db, 50_000, [org.id for org in world.orgs.values()])
    for label, stmt in _plans(db, world):
        plan = plan_of(db, stmt)
        assert "Seq Scan on case_file" not in plan, f"{label}:\n{plan}"
        if "search" not in label and "phrase" not in label and "unit" not in label:
            assert plan.lstrip().startswith("Limit"), f"{label}:\n{plan}"
            assert "Sort" not in plan.split("\n")[1], f"{label}:\n{plan}"


@pytest.mark.commits  # bulk rows, analysed: truncated after, not left behind as dead rows
def test_own_unit_filter_puts_one_subtree_condition(db, world):
    """A provincial user choosing their own province: the unit's subtree alone, not the scope's
    subtree again (their two estimates multiplied made the planner sort the whole province)."""
    if db.engine.dialect.name != "postgresql":
        pytest.skip("the plans that matter are PostgreSQL's")
    bulk_cases(db, 50_000, [org.id for org in world.orgs.values()])
    stmt = _page_statement(queries._filtered(world.users["handler"],
                                             queries.CaseFilter(org_id=world.orgs["a"].id)),
                           "newest", None)
    plan = plan_of(db, stmt)
    assert plan.count("path)::text ~~") == 1, plan
    assert plan.lstrip().startswith("Limit") and "Sort" not in plan.split("\n")[1], plan


@pytest.mark.commits  # bulk rows, analysed: truncated after, not left behind as dead rows
def test_overdue_pages_read_the_running_deadlines_index(db, world):
    """An overdue page, national or provincial, in every sort, sorts its matches read off a
    deadline index: no walk of a whole sort, no (state, due_on) scan of the heap."""
    if db.engine.dialect.name != "postgresql":
        pytest.skip("the plans that matter are PostgreSQL's")
    bulk_cases(db, 50_000, [org.id for org in world.orgs.values()])
    # Deadlines run on 3% of the cases, mostly received long ago, as at a million cases.
    db.session.execute(sa.text("UPDATE case_file SET due_on = NULL WHERE id % 11 <> 0"))
    db.session.execute(sa.text("ANALYZE case_file"))
    for sort in queries.SORTS:
        for user in ("top_approver", "handler"):
            f = queries.CaseFilter(overdue=True, sort=sort)
            base = queries._filtered(world.users[user], f, today=date(2026, 12, 1))
            part = _page_statement(base, sort, None)
            stmt = sa.select(Case).where(Case.id.in_(part.with_only_columns(Case.id)))
            plan = plan_of(db, stmt)
            # On a vacuumed table, an index-only scan of ix_case_file_running_due.
            assert re.search(r"(using|on) ix_case_file_(running_due|due_on|due_id) ", plan), \
                f"{sort}, {user}:\n{plan}"
            for walk in ("Seq Scan on case_file", "ix_case_file_state_due",
                         "ix_case_file_received ", "ix_case_file_updated "):
                assert walk not in plan, f"{sort}, {user}:\n{plan}"


def test_a_phrase_that_matches_nothing_falls_back_to_every_word_and_says_so(
        browser, world, db):
    apart = make_case(world.users["intake"], world.orgs["a"],
                      title="Đơn khiếu nại việc nợ lương của Công ty Giày Hưng Thịnh")
    make_case(world.users["intake"], world.orgs["a"],
              title="Đơn về tiền thưởng của Công ty Giày Hưng Thịnh")
    db.session.commit()
    browser.login("handler")

    page = browser.get("/cases/?q=no+luong+giay+hung+thinh").get_data(as_text=True)
    assert 'data-testid="words-fallback"' in page
    assert apart.code in page and page.count("<tr>") == 2  # header + the one case with every word

    exact = browser.get("/cases/?q=giay+hung+thinh").get_data(as_text=True)
    assert 'data-testid="words-fallback"' not in exact and exact.count("<tr>") == 3
    assert 'words=1' in page and 'words=1' not in exact  # the export keeps the fallback


def test_sqlite_sorts_a_subtrees_ids_before_reading_its_cases(browser, db, world,
                                                              count_statements):
    """SQLite joined every case of a province to its unit before sorting them (8 ms at 10^5
    cases); the list now sorts the ids from the covering (org_id, received_on, id) index and
    reads the page's cases alone."""
    if db.engine.dialect.name != "sqlite":
        pytest.skip("SQLite's planner")
    _cases(world, 30)
    db.session.commit()
    browser.login("handler")  # provincial
    with count_statements() as log:
        page = browser.get("/cases/").get_data(as_text=True)
    assert len(_ids(page)) == 25
    listed = next(s for s in log.statements if "FROM case_file" in s and "ORDER BY" in s)
    conn = db.session.connection()
    plan = " | ".join(row[3] for row in conn.exec_driver_sql(
        "EXPLAIN QUERY PLAN " + listed, tuple(["/"] * listed.count("?"))))
    assert "COVERING INDEX ix_case_file_org_received" in plan, plan
