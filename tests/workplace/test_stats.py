"""The workplace dialogue and democracy figures of a subtree over a period (app.workplace.stats):
counted from the dialogues' timelines and the employers' dated records, so a past period keeps
its numbers when later dialogues, follow-ups, headcounts and regulations are recorded; shown on
the dashboard and in the periodic report."""
import io
import shutil
from datetime import timedelta

import pytest
import sqlalchemy as sa
from openpyxl import load_workbook

from app.cases.services import transition_case
from app.deadlines import queries as deadline_queries
from app.reports import stats as report_stats
from app.workplace import queries, services
from tests.factories import issue_for
from tests.workplace.helpers import (
    TODAY,
    dialogue,
    employer,
    participants,
    to_agenda_sent,
)

START = TODAY - timedelta(days=120)
#: A past period: ends before the later dialogue, follow-ups, regulation and headcount.
PAST_END = TODAY - timedelta(days=30)


def _hold(world, emp, day, held_on, **values):
    """A dialogue whose content went out on `day`, held on `held_on`."""
    case = dialogue(world, emp, scheduled_on=day + timedelta(days=14), **values)
    to_agenda_sent(world, case, day)
    services.hold_dialogue(case, world.users["grass_handler"], held_on=held_on,
                           place="Hội trường", participants=participants(workers=9))
    return case


def _agree_and_publish(world, case, published_on):
    h, approver = world.users["grass_handler"], world.users["grass_approver"]
    items = queries.items_of(case)
    people = queries.participants_of(case)
    services.record_minutes(case, h, outcomes={
        item.id: {"outcome": "agreed", "note": "Thống nhất", "due_on": TODAY + timedelta(days=30)}
        for item in items}, signatories={people[0].id, people[-1].id})
    issue_for(case, "sign_minutes", approver)
    transition_case(case, "sign_minutes", h)
    issue_for(case, "publish", approver)
    services.publish_minutes(case, h, published_on=published_on, how="Bảng tin")
    return items


@pytest.fixture
def scene(db, world):
    """Four employers of the grassroots union a_grass and three dialogues held there."""
    h = world.users["grass_handler"]
    rule = deadline_queries.rule("dialogue.periodic")
    steel = employer(world, name="Công ty Thép", workers=120)
    small = employer(world, name="Cửa hàng Nhỏ", workers=8)
    # Covered long enough ago that its first periodic dialogue falls due in 15 days.
    port = employer(world, name="Cảng Sơn Dương", workers=50,
                    since=TODAY - timedelta(days=rule.days - 15))
    employer(world, name="Công ty Mới", workers=15, since=TODAY - timedelta(days=10))

    asked = TODAY - timedelta(days=95)
    _hold(world, small, asked, TODAY - timedelta(days=80), kind="on_request",
          requested_by="workers", requested_on=asked)
    periodic = _hold(world, steel, TODAY - timedelta(days=60), TODAY - timedelta(days=40))
    items = _agree_and_publish(world, periodic, TODAY - timedelta(days=38))
    services.follow_item(periodic, h, items[0].id, status="done",
                         status_on=TODAY - timedelta(days=20), note="Đã lắp quạt")
    services.follow_item(periodic, h, items[1].id, status="not_done",
                         status_on=TODAY - timedelta(days=5), note="Chưa đủ kinh phí")
    _hold(world, port, TODAY - timedelta(days=25), TODAY - timedelta(days=10), kind="on_event",
          event="restructuring")

    services.record_conference(steel, h, held_on=TODAY - timedelta(days=60), participants=100,
                               resolutions="Nghị quyết hội nghị")
    services.record_conference(port, h, held_on=TODAY - timedelta(days=3), participants=40,
                               resolutions="Nghị quyết hội nghị")
    services.record_regulation(port, h, kind="issued", issued_on=TODAY - timedelta(days=200),
                               reference="01/QĐ-CSD")
    services.record_regulation(steel, h, kind="issued", issued_on=TODAY - timedelta(days=20),
                               reference="05/QĐ-TVA")
    services.record_headcount(small, h, as_of=TODAY - timedelta(days=5), workers=12)
    db.session.flush()
    return world


NOW = {
    "held.periodic": 1, "held.on_request": 1, "held.on_event": 1, "held": 3,
    "items.done": 1, "items.not_done": 1,
    "employers": 4, "dialogue.overdue": 1, "dialogue.due": 1,
    "conferences": 2,
    # steel (120), small (12 since 5 days ago), port (50), new (15); steel and port issued
    "regulations.required": 4, "regulations.issued": 2, "regulations.share": 0.5,
}
PAST = {
    "held.periodic": 1, "held.on_request": 1, "held.on_event": 0, "held": 2,
    "items.done": 0, "items.not_done": 0,
    # `new` was not covered yet; `small` overdue (never held one); `port` not due yet then
    "employers": 3, "dialogue.overdue": 1, "dialogue.due": 0,
    "conferences": 1,
    # small had 8 workers then; steel's regulations came later
    "regulations.required": 2, "regulations.issued": 1, "regulations.share": 0.5,
}


@pytest.mark.parametrize("unit", ["a_grass", "a_zone", "a"])
def test_figures_of_a_period_and_of_a_past_one(scene, unit):
    org = scene.orgs[unit]
    assert queries.workplace_figures(org, START, TODAY) == NOW
    assert queries.workplace_figures(org, START, PAST_END) == PAST


def test_another_subtree_counts_nothing(scene):
    figures = queries.workplace_figures(scene.orgs["b"], START, TODAY)
    assert all(not v for k, v in figures.items() if k != "regulations.share")
    assert figures["regulations.share"] is None


def test_an_item_followed_twice_in_the_period_counts_by_its_last_follow_up(scene, db):
    from app.cases.models import Case

    periodic = db.session.scalar(sa.select(Case).where(
        Case.family == "dialogue", Case.kind == "periodic"))
    item = queries.items_of(periodic)[1]
    services.follow_item(periodic, scene.users["grass_handler"], item.id, status="done",
                         status_on=TODAY - timedelta(days=2), note="Đã bố trí kinh phí")
    figures = queries.workplace_figures(scene.orgs["a"], START, TODAY)
    assert (figures["items.done"], figures["items.not_done"]) == (2, 0)
    # the period that ended before the second follow-up keeps the first
    earlier = queries.workplace_figures(scene.orgs["a"], START, TODAY - timedelta(days=4))
    assert (earlier["items.done"], earlier["items.not_done"]) == (1, 1)


def _statements(db, fn):
    seen = []

    def count(conn, cursor, statement, *_args):
        if not statement.lstrip().upper().startswith(("SAVEPOINT", "RELEASE", "ROLLBACK")):
            seen.append(statement)

    sa.event.listen(db.engine, "before_cursor_execute", count)
    try:
        fn()
    finally:
        sa.event.remove(db.engine, "before_cursor_execute", count)
    return seen


def test_a_fixed_number_of_statements_whatever_the_number_of_employers(scene, db):
    org = scene.orgs["a"]
    few = _statements(db, lambda: queries.workplace_figures(org, START, TODAY))
    for i in range(5):
        emp = employer(scene, name=f"Công ty số {i}", workers=30 + i)
        services.record_conference(emp, scene.users["grass_handler"],
                                   held_on=TODAY - timedelta(days=i + 1), participants=20,
                                   resolutions="Nghị quyết")
    _hold(scene, emp, TODAY - timedelta(days=20), TODAY - timedelta(days=2))
    db.session.flush()
    figures = None

    def run():
        nonlocal figures
        figures = queries.workplace_figures(org, START, TODAY)

    many = _statements(db, run)
    assert figures["employers"] == 9 and figures["held"] == 4
    assert len(many) == len(few) <= 6, many


def test_the_report_figures_carry_the_workplace_section(scene):
    figures = report_stats.compute(scene.orgs["a"], report_stats.Period(START, TODAY), TODAY)
    assert figures.workplace["held"] == 3
    again = report_stats.from_json(scene.orgs["a"], figures.period,
                                   report_stats.to_json(figures), None)
    assert again.workplace == figures.workplace


def test_a_snapshot_sums_the_units_below(scene, db):
    """Units with units below them read the workplace counts from their snapshot, summed from
    each unit's own counts like the case figures."""
    report_stats.refresh_snapshots(TODAY, [TODAY.year])
    year = report_stats.standard_period("year", TODAY.year)
    for unit in ("a", "a_zone", "tld"):
        snap = report_stats.figures(scene.orgs[unit], year, TODAY)
        live = queries.workplace_figures(scene.orgs[unit], year.start, year.end, TODAY)
        assert snap.as_of is not None
        for key, value in live.items():
            if key != "regulations.share":
                assert snap.workplace.get(key, 0) == value, (unit, key)


PERIOD = f"from={START.isoformat()}&to={TODAY.isoformat()}"


def test_the_dashboard_shows_the_dialogue_figures_in_vietnamese(scene, db, browser):
    db.session.commit()
    browser.login("approver")
    html = browser.get(f"/reports/dashboard?org={scene.orgs['a'].id}&{PERIOD}").get_data(
        as_text=True)
    card = html.split('data-testid="workplace-card"', 1)[1].split("</section>", 1)[0]
    assert "Đối thoại và dân chủ ở cơ sở" in card
    assert "Số cuộc đối thoại tại nơi làm việc đã tổ chức trong kỳ" in card
    assert 'data-testid="workplace-held">3<' in card
    assert 'data-testid="workplace-held.on_event">1<' in card
    assert 'data-testid="workplace-items.done">1<' in card
    assert 'data-testid="workplace-dialogue.overdue">1<' in card
    assert 'data-testid="workplace-regulations.share">50%<' in card
    assert "Hội nghị người lao động đã tổ chức trong kỳ" in card
    # and the report's table of the same lines
    assert 'data-testid="section-workplace"' in html
    assert 'data-testid="cell-workplace-employers-0">4<' in html


def test_the_dashboard_of_a_past_period_keeps_its_figures(scene, db, browser):
    db.session.commit()
    browser.login("approver")
    html = browser.get(f"/reports/dashboard?org={scene.orgs['a'].id}&from={START.isoformat()}"
                       f"&to={PAST_END.isoformat()}").get_data(as_text=True)
    assert 'data-testid="workplace-held">2<' in html
    assert 'data-testid="workplace-items.done">0<' in html


def test_the_periodic_report_shows_the_dialogue_figures(scene, db, browser):
    db.session.commit()
    browser.login("approver")
    url = f"/reports/periodic.%s?org={scene.orgs['a'].id}&{PERIOD}"
    book = load_workbook(io.BytesIO(browser.get(url % "xlsx").data))
    assert "Đối thoại và dân chủ ở cơ sở" in book.sheetnames
    rows = {r[0]: r[1] for r in book["Đối thoại và dân chủ ở cơ sở"].iter_rows(
        min_row=6, values_only=True)}
    assert rows["Số cuộc đối thoại tại nơi làm việc đã tổ chức trong kỳ"] == 3
    assert rows["Đối thoại theo yêu cầu"] == 1
    assert rows["Đã thực hiện"] == 1 and rows["Không thực hiện"] == 1
    assert rows["Hội nghị người lao động đã tổ chức trong kỳ"] == 2
    assert rows["Tỷ lệ đã ban hành quy chế"] == "50%"

    response = browser.get(url % "pdf")
    assert response.status_code == 200 and response.data.startswith(b"%PDF")
    if shutil.which("pdftotext") is None:
        return
    from tests.reports.test_routes import pdf_text

    text = pdf_text(response.data)
    flat = " ".join(text.split())
    assert "VII. ĐỐI THOẠI VÀ DÂN CHỦ Ở CƠ SỞ" in flat
    lines = {" ".join(line.split()) for line in text.splitlines()}
    assert "Số cuộc đối thoại tại nơi làm việc đã tổ chức trong kỳ 3" in lines
    assert "Hội nghị người lao động đã tổ chức trong kỳ 2" in lines
    assert "Tỷ lệ đã ban hành quy chế 50%" in lines
