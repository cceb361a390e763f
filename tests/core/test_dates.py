"""Dates and times shown to users: dd/mm/yyyy, and dd/mm/yyyy HH:mm in Vietnam time (UTC+7) for
timestamps stored in UTC (naive from SQLite, aware from PostgreSQL)."""
import csv
import io
from datetime import UTC, date, datetime, timedelta, timezone

import pytest
from flask import render_template_string
from openpyxl import load_workbook

from app.cases.services import record_event
from app.core.dates import format_day, format_dmy, format_moment, to_local
from app.reports.exports import csv_safe, csv_stream, write_xlsx
from tests.factories import make_case

#: 01:30 UTC on 5 March 2026 is 08:30 in Hà Nội.
STORED = datetime(2026, 3, 5, 1, 30)
#: 20:00 UTC on 4 March is already 5 March (03:00) in Hà Nội.
LATE_EVENING = datetime(2026, 3, 4, 20, 0)
#: 08:30 in Paris (UTC+1 in March) is 14:30 in Hà Nội.
PARIS = datetime(2026, 3, 5, 8, 30, tzinfo=timezone(timedelta(hours=1)))


def _check_formatters():
    assert format_moment(STORED) == "05/03/2026 08:30"
    assert format_moment(STORED.replace(tzinfo=UTC)) == "05/03/2026 08:30"
    assert format_moment(LATE_EVENING) == "05/03/2026 03:00"
    assert format_moment(PARIS) == "05/03/2026 14:30"
    assert format_moment("2026-03-05T01:30:00+00:00") == "05/03/2026 08:30"
    assert format_moment(date(2026, 3, 5)) == "05/03/2026"
    assert format_day(date(2026, 3, 5)) == "05/03/2026"
    assert format_day("2026-03-05") == "05/03/2026"  # ISO dates kept in event data
    assert format_day(LATE_EVENING) == "05/03/2026"  # the day in Vietnam, not in UTC
    assert format_dmy(STORED) == "05/03/2026 08:30"
    assert format_dmy("2026-03-05") == format_dmy(date(2026, 3, 5)) == "05/03/2026"
    for blank in (None, ""):
        assert format_day(blank) == format_moment(blank) == format_dmy(blank) == ""
    assert to_local(STORED).strftime("%H:%M") == "08:30"


def test_formatters_outside_an_app_context():
    """CLI scripts and builders called on their own: zoneinfo and LOCAL_TZ."""
    _check_formatters()


def test_formatters_through_flask_babel(app):
    with app.test_request_context("/"):
        _check_formatters()


def test_template_filters_show_vietnam_time(app):
    with app.test_request_context("/"):
        render = render_template_string
        assert render("{{ v|dmy }}", v=STORED) == "05/03/2026 08:30"
        assert render("{{ v|dmy }}", v=STORED.replace(tzinfo=UTC)) == "05/03/2026 08:30"
        assert render("{{ v|dmy }}", v=date(2026, 3, 5)) == "05/03/2026"
        assert render("{{ v|dmy }}", v="2026-03-05") == "05/03/2026"
        assert render("{{ v|dmy }}|{{ w|dmy }}", v=None, w="") == "|"
        assert render("{{ v|moment }}", v=LATE_EVENING) == "05/03/2026 03:00"
        assert render("{{ v|day }}", v=LATE_EVENING) == "05/03/2026"


def test_case_timeline_shows_the_time_in_vietnam(db, world, browser):
    """An event stored at 01:30 UTC reads 08:30, as the officer who recorded it saw the clock."""
    case = make_case(world.users["handler"], world.orgs["a"])
    record_event(case, world.users["handler"], "edit", comment="Ghi chú buổi sáng",
                 at=STORED.replace(tzinfo=UTC))
    db.session.commit()
    browser.login("handler")
    page = browser.get(f"/cases/{case.id}").get_data(as_text=True)
    timeline = page.split('data-testid="timeline"', 1)[1]
    assert "Ghi chú buổi sáng" in timeline
    assert "05/03/2026 08:30" in timeline
    assert "05/03/2026 01:30" not in timeline


def test_export_cells_show_datetimes_in_vietnam_time():
    """The exports carry dates today (received, due); a datetime cell, should one be added,
    is shown in Vietnam time: as text in CSV, as a local date-time in XLSX."""
    assert csv_safe(date(2026, 3, 5)) == "05/03/2026"
    assert csv_safe(LATE_EVENING) == "05/03/2026 03:00"
    rows = list(csv.reader(io.StringIO("".join(csv_stream(
        ["Mã", "Nhận", "Lúc"], [["X-1", date(2026, 3, 5), STORED.replace(tzinfo=UTC)]]))[1:])))
    assert rows[1] == ["X-1", "05/03/2026", "05/03/2026 08:30"]
    with write_xlsx([("Thử", [], ["Nhận", "Lúc"],
                      [[date(2026, 3, 5), STORED.replace(tzinfo=UTC)]])]) as out:
        sheet = load_workbook(out).active
    received, moment = next(sheet.iter_rows(min_row=2))
    assert received.value == datetime(2026, 3, 5) and received.number_format == "DD/MM/YYYY"
    assert moment.value == datetime(2026, 3, 5, 8, 30)
    assert moment.number_format == "DD/MM/YYYY HH:MM"


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_case_list_export_dates_stay_dd_mm_yyyy(db, world, browser, fmt):
    case = make_case(world.users["handler"], world.orgs["a"], received_on=date(2025, 3, 5))
    db.session.commit()
    browser.login("handler")
    response = browser.get(f"/reports/cases.{fmt}", buffered=True)
    assert response.status_code == 200
    if fmt == "csv":
        rows = list(csv.reader(io.StringIO(response.data.decode("utf-8-sig"))))
        assert rows[1][0] == case.code and rows[1][5] == "05/03/2025"
    else:
        row = next(load_workbook(io.BytesIO(response.data)).active.iter_rows(min_row=2))
        assert row[0].value == case.code and row[5].value == datetime(2025, 3, 5)


def test_moments_read_as_babel_writes_the_pattern(app):
    """format_moment writes, without Babel's per-call look-ups, what Babel's format_datetime
    writes for MOMENT_PATTERN in Vietnam time: checked over a spread of instants from 1960 to
    2099, in a request and outside one. (Before 1920 Saigon's clock was 7:06:40 ahead of UTC,
    and the two round those seconds differently; no record of the app is that old.)"""
    import random

    from babel import dates as babel_dates

    from app.core.dates import LOCAL_TZ, MOMENT_PATTERN

    draw = random.Random(11)
    instants = [datetime(1960, 1, 1, tzinfo=UTC) + timedelta(minutes=draw.randrange(73_000_000))
                for _ in range(400)]
    instants += [i.replace(tzinfo=None) for i in instants[:50]]  # naive: UTC, as SQLite gives
    expected = [babel_dates.format_datetime(i if i.tzinfo else i.replace(tzinfo=UTC),
                                            MOMENT_PATTERN, tzinfo=LOCAL_TZ, locale="vi")
                for i in instants]
    assert [format_moment(i) for i in instants] == expected
    with app.test_request_context("/"):
        assert [format_moment(i) for i in instants] == expected
