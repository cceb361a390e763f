"""CSV and XLSX of the case list exactly as filtered on screen; no reporter identity in any
export; formula injection refused (issue 5)."""
import csv
import html
import io
import re
import zipfile
from datetime import date

import pytest
from openpyxl import load_workbook

from app.identity.services import Reporter
from tests.factories import make_case
from tests.reports.test_routes import needs_pdftotext, pdf_text
from tests.reports.world import build_cases
from workflows import vocab

SECRET = "Nguyễn Thị Bí Mật"
PHONE = "0912 345 678"


@pytest.fixture
def listed(db, world, browser):
    build_cases(world)
    db.session.commit()
    browser.login("handler")
    return world


def _screen(browser, query: str) -> tuple[list[str], list[tuple[str, str]]]:
    """The column headers and the (code, title) of each row of the case list page."""
    page = browser.get(f"/cases/?{query}&per_page=100").get_data(as_text=True)
    table = page.split('class="table table-sm table-hover case-table', 1)[1]
    header = [html.unescape(h) for h in re.findall(r'<th scope="col">([^<]*)</th>', table)]
    rows = re.findall(r'<td[^>]*><a[^>]* href="/cases/\d+">([^<]+)</a></td>.*?<td[^>]*>.*?</td>'
                      r'\s*<td[^>]*>([^<]*)</td>',
                      table, re.DOTALL)
    return header, [(code, html.unescape(title)) for code, title in rows]


def _csv(browser, query: str) -> list[list[str]]:
    # buffered: the CSV is streamed, read it while the request is still running
    response = browser.get(f"/reports/cases.csv?{query}", buffered=True)
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert response.data.startswith(b"\xef\xbb\xbf")
    return list(csv.reader(io.StringIO(response.data.decode("utf-8-sig"))))


@pytest.mark.parametrize("query", ["", "family=letter&sort=oldest", "open=1&sort=due",
                                   "q=bao+hiem", "overdue=1"])
def test_csv_rows_equal_the_filtered_list_on_screen(listed, browser, query):
    header, screen = _screen(browser, query)
    rows = _csv(browser, query)
    assert rows[0][:7] == header
    assert [(r[0], r[2]) for r in rows[1:]] == screen
    assert screen  # every filter above matches something in the world
    assert listed.cases["B1"].code not in {r[0] for r in rows}  # another province


def test_the_list_page_links_its_exports_with_the_current_filters(listed, browser):
    page = browser.get("/cases/?family=letter&sort=oldest&page=1").get_data(as_text=True)
    links = re.findall(r'href="(/reports/cases\.(?:csv|xlsx)[^"]*)"', page)
    assert len(links) == 2
    for link in links:
        query = html.unescape(link).split("?", 1)[1]
        assert sorted(query.split("&")) == ["family=letter", "sort=oldest"]


def test_xlsx_equals_the_csv(listed, browser):
    query = "family=letter&sort=oldest"
    rows = _csv(browser, query)
    response = browser.get(f"/reports/cases.xlsx?{query}")
    sheet = load_workbook(io.BytesIO(response.data)).active
    data = list(sheet.iter_rows(values_only=True))
    assert [list(r[:5]) for r in data] == [r[:5] for r in rows]
    received = data[1][5]
    assert received.date() == date(2024, 10, 1) and rows[1][5] == "01/10/2024"


def test_formula_injection_is_neutralised(db, world, browser):
    titles = ["=HYPERLINK(\"http://x\",\"y\")", "+SUM(1,2)", "-2+3", "@cmd", "Bình thường"]
    for title in titles:
        make_case(world.users["handler"], world.orgs["a"], title=title)
    db.session.commit()
    browser.login("handler")
    rows = _csv(browser, "sort=oldest")
    assert [r[2] for r in rows[1:]] == ["'" + t for t in titles[:4]] + ["Bình thường"]
    sheet = load_workbook(io.BytesIO(browser.get("/reports/cases.xlsx?sort=oldest").data)).active
    cells = [row[2] for row in sheet.iter_rows(min_row=2)]
    assert [c.value for c in cells] == titles
    assert {c.data_type for c in cells} == {"s"}  # text, never a formula


@pytest.fixture
def sealed(db, world, browser):
    """A denunciation whose sender's identity is sealed (app.identity)."""
    build_cases(world)
    case = make_case(world.users["handler"], world.orgs["a"], vocab.LETTER, kind="denunciation",
                     received_on=date(2025, 5, 5), title="Tố cáo vi phạm trong chi trả lương",
                     reporter=Reporter(name=SECRET, address="Kỳ Anh, Hà Tĩnh", contact=PHONE))
    db.session.commit()
    browser.login("handler")
    return case


def _xlsx_text(data: bytes) -> str:
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        return " ".join(z.read(n).decode("utf-8") for n in z.namelist())


def test_no_export_carries_the_reporters_identity(sealed, world, browser):
    q = f"org={world.orgs['a'].id}&from=2025-01-01&to=2025-06-30"
    csv_data = browser.get("/reports/cases.csv?family=letter", buffered=True).data.decode("utf-8-sig")
    assert sealed.code in csv_data
    xlsx_files = [browser.get(url).data for url in (
        "/reports/cases.xlsx?family=letter", f"/reports/periodic.xlsx?{q}",
        f"/reports/registers/letters.xlsx?{q}")]
    assert sealed.code in _xlsx_text(xlsx_files[0]) and sealed.code in _xlsx_text(xlsx_files[2])
    for text in [csv_data, *map(_xlsx_text, xlsx_files)]:
        assert SECRET not in text and "Bí Mật" not in text and PHONE not in text


@needs_pdftotext
def test_no_pdf_carries_the_reporters_identity(sealed, world, browser):
    q = f"org={world.orgs['a'].id}&from=2025-01-01&to=2025-06-30"
    register = pdf_text(browser.get(f"/reports/registers/letters.pdf?{q}").data)
    assert sealed.code in " ".join(register.split())
    for url in (f"/reports/registers/letters.pdf?{q}", f"/reports/periodic.pdf?{q}",
                f"/reports/periodic.pdf?{q}&public=1"):
        text = " ".join(pdf_text(browser.get(url).data).split())
        assert SECRET not in text and "Bí Mật" not in text and PHONE not in text
