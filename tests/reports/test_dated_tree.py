"""Statistics and registers of a past period count each unit under the parent it had then
(issue 12): a unit moved from one province to another in 2026 counts under the old one in
the 2025 reports, and under the new one from the day it moved."""
import re
from datetime import date

import pytest
import sqlalchemy as sa

from app.orgs.models import Organisation
from app.orgs.queries import TreeOn, bytewise, tree_on
from app.orgs.services import move_org
from app.reports import queries as registers
from app.reports import stats as st
from app.reports.models import StatsSnapshot
from tests.factories import make_case
from tests.reports.world import H1_2025, build_cases
from workflows import vocab

TODAY = date(2026, 12, 1)
MOVED_ON = date(2026, 3, 1)
YEAR_2026 = st.Period(date(2026, 1, 1), date(2026, 12, 31), "year")


def _report(world, key, period=H1_2025):
    figures = st.compute(world.orgs[key], period, today=TODAY)
    return {"families": figures.families, "letters": figures.letters,
            "recommendations": figures.recommendations, "states": figures.states}


def _register_codes(world, key, period=H1_2025):
    return [row[1] for row in registers.letter_register(world.orgs[key], period)]


@pytest.fixture
def moved(db, world):
    """The world's cases; a_zone (with a_grass under it) moves from province a to province b on
    1 March 2026, after a letter came to a_grass in February 2026; another comes in April."""
    build_cases(world)
    world.cases["L7"] = make_case(world.users["grass_handler"], world.orgs["a_grass"],
                                  vocab.LETTER, received_on=date(2026, 2, 10),
                                  title="Đơn kiến nghị về tiền lương tháng 1/2026")
    db.session.commit()
    before = {key: (_report(world, key), _register_codes(world, key)) for key in ("a", "b")}
    move_org(world.orgs["a_zone"], world.orgs["b"], MOVED_ON)
    db.session.commit()
    world.cases["L8"] = make_case(world.users["grass_handler"], world.orgs["a_grass"],
                                  vocab.LETTER, received_on=date(2026, 4, 2),
                                  title="Đơn phản ánh về ca làm việc")
    db.session.commit()
    return before


def test_a_past_period_counts_the_moved_unit_under_its_old_parent(world, moved):
    for key in ("a", "b"):
        assert _report(world, key) == moved[key][0]
        assert _register_codes(world, key) == moved[key][1]
    # L2 came to a_grass in January 2025: still in province a's register of that half-year.
    assert world.cases["L2"].code in _register_codes(world, "a")
    assert _report(world, "b")["families"]["letter"]["total"] == 1


def test_the_period_of_the_move_counts_it_under_the_parent_it_had_at_the_end(world, moved):
    feb = st.Period(date(2026, 2, 1), date(2026, 2, 28), "custom")
    assert world.cases["L7"].code in _register_codes(world, "a", feb)
    assert world.cases["L7"].code not in _register_codes(world, "b", feb)
    # The year 2026 ends after the move: both letters of a_grass count under b.
    codes_b = _register_codes(world, "b", YEAR_2026)
    assert {world.cases["L7"].code, world.cases["L8"].code} <= set(codes_b)
    assert not {world.cases["L7"].code, world.cases["L8"].code} & set(
        _register_codes(world, "a", YEAR_2026))


def test_the_moved_unit_itself_keeps_its_own_cases_whatever_the_day(world, moved):
    zone_2025 = st.compute(world.orgs["a_zone"], H1_2025, today=TODAY)
    assert zone_2025.totals["total"] == 3


def test_snapshots_of_a_past_period_follow_the_old_tree(db, world, moved):
    st.refresh_snapshots(today=TODAY, years=[2025, 2026])
    db.session.commit()

    def snapshot(key, period):
        return st.figures(world.orgs[key], period, today=TODAY)

    assert snapshot("a", H1_2025).totals["total"] == 8
    assert snapshot("b", H1_2025).totals["total"] == 1
    assert snapshot("b", YEAR_2026).letters["received"] == 2  # L7 and L8
    assert snapshot("a", YEAR_2026).letters.get("received", 0) == 0
    assert db.session.query(StatsSnapshot).filter_by(org_id=world.orgs["tld"].id).count() >= 3


def test_the_dashboard_page_of_a_past_period_is_unchanged_by_the_move(db, browser, world):
    build_cases(world)
    db.session.commit()
    browser.login("handler")
    url = f"/reports/dashboard?org={world.orgs['a'].id}&period=h1&year=2025"
    before = browser.get(url)
    assert before.status_code == 200
    move_org(world.orgs["a_zone"], world.orgs["b"], MOVED_ON)
    db.session.commit()
    after = browser.get(url)
    assert after.status_code == 200
    assert "Công đoàn Khu kinh tế" not in _figures_text(after)  # no longer offered below a
    assert _figures_text(after) == _figures_text(before)
    assert "8" in _figures_text(after)


def _figures_text(response) -> str:
    """The page's text without its forms (the unit picker lists today's units below)."""
    html = re.sub(r"<form.*?</form>", " ", response.data.decode(), flags=re.DOTALL)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


# The tree of a past day, worked on paths alone.

def test_no_move_since_the_day_is_todays_tree(db, world):
    tree = tree_on(date(2025, 1, 1))
    assert tree.moves == ()
    assert tree.path(world.orgs["a_grass"].path) == world.orgs["a_grass"].path


def test_paths_before_and_after_nested_moves(db, world):
    o = world.orgs
    a, zone, grass, b = (o[k].path for k in ("a", "a_zone", "a_grass", "b"))
    move_org(o["a_grass"], o["a"], date(2026, 2, 1))   # grass straight under province a
    move_org(o["a_zone"], o["b"], date(2026, 3, 1))    # then the zone goes to province b
    db.session.commit()
    tld = o["tld"].path
    zone_now, grass_now = o["a_zone"].path, o["a_grass"].path
    assert zone_now == f"{o['b'].path}{o['a_zone'].id}/" and grass_now == f"{a}{o['a_grass'].id}/"

    statements = []

    def count(*_args):
        statements.append(1)

    sa.event.listen(db.engine, "before_cursor_execute", count)
    try:
        jan = tree_on(date(2026, 1, 15))  # two units moved since, one inside the other's old home
    finally:
        sa.event.remove(db.engine, "before_cursor_execute", count)
    assert len(statements) == 2

    assert jan.path(zone_now) == zone and jan.path(grass_now) == grass
    feb = tree_on(date(2026, 2, 15))
    assert feb.path(zone_now) == zone and feb.path(grass_now) == grass_now
    assert tree_on(date(2026, 3, 1)).moves == ()
    assert jan.path(tld) == tld and jan.path(b) == b


SQL_TREE = TreeOn(date(2026, 1, 1), (("/1/7/4/9/", "/1/2/4/5/9/"), ("/1/7/4/", "/1/2/4/")))


@pytest.mark.parametrize("org_path, current, inside", [
    # Province 2 on that day held 4 (now under 7) and 9 (now under 4 directly).
    ("/1/2/", "/1/7/4/", True),
    ("/1/2/", "/1/7/4/8/", True),
    ("/1/2/", "/1/7/4/9/", True),
    ("/1/2/", "/1/7/", False),
    ("/1/2/", "/1/2/3/", True),
    # Province 7 held neither.
    ("/1/7/", "/1/7/4/", False),
    ("/1/7/", "/1/7/4/9/", False),
    ("/1/7/", "/1/7/6/", True),
    # Unit 5 (under 4 then) held 9, not 4's other units.
    ("/1/2/4/5/", "/1/7/4/9/", True),
    ("/1/2/4/5/", "/1/7/4/8/", False),
    ("/1/", "/1/7/4/9/", True),
])
def test_subtree_condition_of_a_past_day(db, org_path, current, inside):
    column = bytewise(sa.literal(current, sa.String))
    # `org_path` is the unit's path on that day; unit 5 today sits at /1/7/4/5/.
    org = Organisation(path={"/1/2/4/5/": "/1/7/4/5/"}.get(org_path, org_path))
    assert SQL_TREE.path(org.path) == org_path
    assert bool(db.session.scalar(sa.select(SQL_TREE.subtree(org, column)))) is inside


def test_a_unit_cannot_move_before_it_was_attached(db, world):
    with pytest.raises(ValueError):
        move_org(world.orgs["a_zone"], world.orgs["b"], date(1999, 12, 31))
    assert world.orgs["a_zone"].parent is world.orgs["a"]
