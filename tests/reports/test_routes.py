"""Dashboard, periodic report, registers: the same figures everywhere, in scope only (issue 5)."""
import io
import re
import shutil
import subprocess
import unicodedata
from datetime import date

import pytest
from openpyxl import load_workbook

from app.core.calendar import local_today
from app.reports import stats as st
from app.reports import tables
from tests.reports.world import H1_2025, build_cases

needs_pdftotext = pytest.mark.skipif(shutil.which("pdftotext") is None,
                                     reason="poppler-utils (pdftotext) is not installed")

PERIOD = "from=2025-01-01&to=2025-06-30"


def pdf_text(data: bytes) -> str:
    assert data.startswith(b"%PDF")
    out = subprocess.run(["pdftotext", "-layout", "-", "-"], input=data, capture_output=True,
                         check=True).stdout.decode()
    return unicodedata.normalize("NFC", out)


@pytest.fixture
def h1(db, world, browser):
    build_cases(world)
    db.session.commit()
    browser.login("handler")
    return world


def _url(path, world, unit="a", extra=""):
    return f"/reports/{path}?org={world.orgs[unit].id}&{PERIOD}{extra}"


def _cells(html: str) -> dict[str, str]:
    return dict(re.findall(r'data-testid="cell-([^"]+)">([^<]*)<', html))


def _expected(world) -> list[tables.Section]:

    return tables.sections(st.compute(world.orgs["a"], H1_2025, local_today()), "vi")


def test_dashboard_shows_the_figures_and_charts(h1, browser):
    page = browser.get(_url("dashboard", h1))
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    cells = _cells(html)
    assert cells["families-letter-2"] == "4"          # letters handled
    assert cells["letters-decision.forward-0"] == "1"
    assert cells["recommendations-answered-0"] == "1"
    assert cells["months-2025-03-1"] == "1"           # closed in March
    assert 'data-testid="figure-handled">8<' in html
    assert html.count("<svg") == 3 and 'role="img"' in html and "<title id=" in html
    assert "style=" not in html.split("<svg", 1)[1]


def test_dashboard_equals_the_report_for_the_same_period(h1, browser):
    cells = _cells(browser.get(_url("dashboard", h1)).get_data(as_text=True))
    book = load_workbook(io.BytesIO(browser.get(_url("periodic.xlsx", h1)).data))
    expected = _expected(h1)
    assert len(book.sheetnames) == len(expected)
    for section, sheet in zip(expected, book.worksheets):
        data = list(sheet.iter_rows(min_row=6, values_only=True))
        assert len(data) == len(section.rows)
        for row, line in zip(section.rows, data):
            assert line[0] == row.label
            for i, value in enumerate(row.values):
                assert cells[f"{section.key}-{row.key}-{i}"] == str(value)
                assert (line[1 + i] if line[1 + i] is not None else "") == value


@needs_pdftotext
def test_periodic_report_pdf_in_the_national_format(h1, browser):
    response = browser.get(_url("periodic.pdf", h1))
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    text = pdf_text(response.data)
    flat = " ".join(text.split())
    for heading in ("LIÊN ĐOÀN LAO ĐỘNG TỈNH HÀ TĨNH", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
                    "BÁO CÁO", "Số: /BC-LĐLĐ", "6 tháng đầu năm 2025",
                    "I. VỤ VIỆC THEO LOẠI", "V. TIẾP NHẬN, XỬ LÝ ĐƠN THƯ (THEO BIỂU 01/XLD)",
                    "VI. DIỄN BIẾN THEO THÁNG", "Kính gửi: Tổng Liên đoàn Lao động Việt Nam"):
        assert heading in flat, heading
    lines = {" ".join(line.split()) for line in text.splitlines()}
    # label followed by its figures, as in the dashboard
    assert "Tổng số đơn phải xử lý 4" in lines
    assert "Kỳ trước chuyển sang 1" in lines
    assert "Chuyển đơn đến cơ quan có thẩm quyền 1" in lines
    assert "Đã được trả lời 1" in lines
    assert "Đơn thư 1 3 4 1 3 0 2" in lines
    assert "Tổng cộng 2 6 8 1 7 0 3" in lines
    assert "03/2025 1 1" in lines
    # unnumbered until it is issued: a draft, marked on every page
    assert "DỰ THẢO" in text and text.count("DỰ THẢO") >= text.count("\f")
    assert browser.get(_url("periodic.pdf", h1)).data == response.data  # deterministic
    # the monthly trend chart: its x axis and its legend, after part VI
    order = [" ".join(line.split()) for line in text.splitlines()]
    assert (order.index("VI. DIỄN BIẾN THEO THÁNG")
            < order.index("01/2025 02/2025 03/2025 04/2025 05/2025 06/2025")
            < order.index("Tiếp nhận Kết thúc") < order.index("03/2025 1 1"))


@needs_pdftotext
def test_periodic_report_follows_its_figures_and_its_unit(h1, browser, db):
    """A report drawn once is kept for the same inputs (app.reports.render._DRAWN), but a new
    case in the period, a renamed unit, or the public copy each give the report they should."""
    from tests.factories import make_case
    from workflows import vocab

    def flat(extra=""):
        return " ".join(pdf_text(browser.get(_url("periodic.pdf", h1, extra=extra)).data).split())

    assert "Tổng cộng 2 6 8 1 7 0 3" in flat()
    make_case(h1.users["handler"], h1.orgs["a"], vocab.SUPERVISION, channel="media",
              received_on=date(2025, 3, 9))
    h1.orgs["a"].name = "Liên đoàn Lao động tỉnh Hà Tĩnh (mới)"
    db.session.commit()
    again = flat()
    assert "Tổng cộng 2 7 9 1 8 0 3" in again
    assert "Đơn vị: Liên đoàn Lao động tỉnh Hà Tĩnh (mới) và các công đoàn cấp dưới" in again
    assert "Bản công bố" in flat("&public=1") and "Bản công bố" not in flat()


@needs_pdftotext
def test_publishable_report_masks_small_counts(h1, browser):
    text = pdf_text(browser.get(_url("periodic.pdf", h1, extra="&public=1")).data)
    lines = {" ".join(line.split()) for line in text.splitlines()}
    assert "Tổng số đơn phải xử lý <5" in lines
    assert "Tố cáo <5" in lines
    assert "Tổng cộng <5 6 8 <5 7 0 <5" in lines
    assert "Tổng số đơn phải xử lý 4" not in lines


@pytest.mark.parametrize("path", ["dashboard", "periodic.pdf", "periodic.xlsx",
                                  "registers/letters.pdf", "registers/recommendations.xlsx"])
def test_a_unit_outside_the_users_scope_is_not_found(db, world, browser, path):
    browser.login("b_handler")
    assert browser.get(_url(path, world, "a")).status_code == 404
    assert browser.get(_url(path, world, "b")).status_code == 200
    for unknown in ("999999", "99999999999999999999", "a"):
        assert browser.get(f"/reports/{path}?org={unknown}&{PERIOD}").status_code == 404


def test_a_lower_unit_user_sees_only_their_subtree(db, world, browser):
    browser.login("grass_handler")
    assert browser.get(_url("dashboard", world, "a")).status_code == 404
    assert browser.get(_url("dashboard", world, "a_grass")).status_code == 200


def test_bad_period_is_refused_with_a_message(h1, browser):
    browser.get("/language/en")
    page = browser.get(f"/reports/dashboard?org={h1.orgs['a'].id}&from=2025-06-30&to=2025-01-01")
    assert page.status_code == 422
    assert 'data-testid="error"' in page.get_data(as_text=True)
    assert browser.get(f"/reports/periodic.pdf?org={h1.orgs['a'].id}&from=x&to=y"
                       ).status_code == 422


def test_dashboard_defaults_to_the_users_unit_and_the_current_year(h1, browser):

    page = browser.get("/reports/dashboard").get_data(as_text=True)
    assert h1.orgs["a"].name in page
    assert f"01/01/{local_today().year} – 31/12/{local_today().year}" in page


def test_dashboard_is_linked_from_the_menu_and_the_home_page(h1, browser):
    home = browser.get("/").get_data(as_text=True)
    assert home.count('href="/reports/dashboard"') == 2  # menu and home page
    unit = browser.get(f"/units/{h1.orgs['a_zone'].id}").get_data(as_text=True)
    assert f'href="/reports/dashboard?org={h1.orgs["a_zone"].id}"' in unit


def test_report_workbook_sheets_are_named_after_the_sections(h1, browser):
    book = load_workbook(io.BytesIO(browser.get(_url("periodic.xlsx", h1)).data))
    assert book.sheetnames[0] == "Vụ việc theo loại"
    assert book.sheetnames[4] == "Tiếp nhận, xử lý đơn thư (theo "
    assert book.worksheets[0]["A1"].value.startswith("BÁO CÁO KẾT QUẢ CÔNG TÁC GIÁM SÁT")


@needs_pdftotext
def test_letter_register_never_names_the_sender(h1, browser):
    text = pdf_text(browser.get(_url("registers/letters.pdf", h1)).data)
    flat = " ".join(text.split())
    assert "SỔ THEO DÕI ĐƠN THƯ" in flat and "6 tháng đầu năm 2025" in flat
    for code in ("L2", "L3", "L4"):  # received in the period, in the subtree
        assert h1.cases[code].code in flat
    for code in ("L1", "L5", "L6", "B1"):
        assert h1.cases[code].code not in flat
    assert "Ẩn danh" in flat and "Bảo mật" in flat
    _assert_register_book(text)

    book = load_workbook(io.BytesIO(browser.get(_url("registers/letters.xlsx", h1)).data))
    rows = list(book.active.iter_rows(min_row=5, values_only=True))
    by_code = {r[1]: r for r in rows}
    assert len(rows) == 3
    assert by_code[h1.cases["L3"].code][3] == "Ẩn danh"
    assert by_code[h1.cases["L2"].code][3] == "Bảo mật (3 người đứng tên)"
    assert by_code[h1.cases["L2"].code][4] == "Tố cáo"
    assert by_code[h1.cases["L2"].code][6] == \
        "Chuyển đơn đến cơ quan có thẩm quyền: Thanh tra tỉnh Hà Tĩnh"
    assert by_code[h1.cases["L2"].code][2].date().isoformat() == "2025-01-20"


def _assert_register_book(text: str) -> None:
    """A register book is neither a draft nor a numbered document: dated the day it is printed."""
    from app.core.calendar import local_today

    flat = " ".join(text.split())
    assert "DỰ THẢO" not in text and "Số:" not in flat and "Nơi nhận:" not in flat
    today = local_today()
    month = f"{today.month:02d}" if today.month <= 2 else str(today.month)
    assert f"Hà Tĩnh, ngày {today.day:02d} tháng {month} năm {today.year}" in flat


@needs_pdftotext
def test_recommendation_register_pdf_is_a_register_book(h1, browser):
    text = pdf_text(browser.get(_url("registers/recommendations.pdf", h1)).data)
    flat = " ".join(text.split())
    assert "SỔ THEO DÕI KIẾN NGHỊ" in flat and "6 tháng đầu năm 2025" in flat
    assert h1.cases["R1"].code in flat and h1.cases["R2"].code in flat
    assert "Trả lương làm thêm giờ 01/05/2025 Chưa trả lời" in flat
    _assert_register_book(text)


@needs_pdftotext
def test_an_empty_register_says_so(h1, browser):
    text = pdf_text(browser.get(_url("registers/letters.pdf", h1).replace(
        PERIOD, "from=2020-01-01&to=2020-03-31")).data)
    assert "Không có vụ việc trong kỳ." in " ".join(text.split())
    _assert_register_book(text)


def test_recommendation_register(h1, browser):
    book = load_workbook(io.BytesIO(
        browser.get(_url("registers/recommendations.xlsx", h1)).data))
    sheet = book.active
    assert sheet["A1"].value == "SỔ THEO DÕI KIẾN NGHỊ - 6 tháng đầu năm 2025"
    rows = list(sheet.iter_rows(min_row=5, values_only=True))
    assert [r[1] for r in rows] == [h1.cases["R1"].code, h1.cases["R2"].code]
    assert rows[0][6] == "1 (gần nhất 15/04/2025)" and rows[0][7] == "Chờ trả lời"
    assert rows[1][2] == "Công ty TNHH Giày da Tân Thuận" and rows[1][7] == "Đã thực hiện"
    assert rows[1][6] == "Chưa trả lời"


@needs_pdftotext
def test_a_grassroots_unit_signs_its_report_for_its_executive_committee(h1, browser):
    """A grassroots union signs "TM. BAN CHẤP HÀNH", an upper level "TM. BAN THƯỜNG VỤ"."""
    browser.logout()
    browser.login("grass_handler")
    grass = " ".join(pdf_text(browser.get(_url("periodic.pdf", h1, unit="a_grass")).data)
                     .split())
    assert "TM. BAN CHẤP HÀNH" in grass and "BAN THƯỜNG VỤ" not in grass
    browser.logout()
    browser.login("handler")
    province = " ".join(pdf_text(browser.get(_url("periodic.pdf", h1)).data).split())
    assert "TM. BAN THƯỜNG VỤ" in province


def test_the_dashboards_unit_picker_offers_the_unit_its_ancestors_and_children(h1, browser):
    """The picker: the units above that the user may see, the unit (selected) and the units
    right below it, indented by depth; never a unit outside the user's scope."""
    html = browser.get(_url("dashboard", h1, unit="a_zone")).get_data(as_text=True)
    select = re.search(r'<select[^>]*name="org".*?</select>', html, re.S).group(0)
    offered = re.findall(r'<option value="(\d+)"( selected)?>([^<]*)</option>', select)
    o = h1.orgs
    assert [(int(v), bool(s), t) for v, s, t in offered] == [
        (o["a"].id, False, "— Liên đoàn Lao động tỉnh Hà Tĩnh"),
        (o["a_zone"].id, True, "— — Công đoàn Khu kinh tế tỉnh Hà Tĩnh"),
        (o["a_grass"].id, False, "— — — Công đoàn cơ sở Công ty Thép Vũng Áng"),
    ]  # the handler's role is the province's: the national unit above it is not theirs
