"""Every output renders whatever a form accepted (issue 10): long cells continue across pages,
control characters never reach a spreadsheet or the database, drafts with long lines and big
tables lay out, input limits match the outputs, and query strings never answer 500."""
from __future__ import annotations

import io
from datetime import date

import pytest
import sqlalchemy as sa
from openpyxl import load_workbook

from app.cases.models import Case
from app.core.pdf.layout import Document, Table, build_pdf
from app.core.text import clean, strip_controls
from app.documents.models import CaseDocument
from app.identity.services import reveal
from tests.documents.helpers import pdf_text, poppler, supervision_at
from tests.letters.conftest import log_letter

#: A letter's content as long as the 5,600 characters that broke the register, ending in a word
#: the test looks for on the last page.
LONG_SUMMARY = ("Người lao động phản ánh công ty nợ lương và bảo hiểm xã hội nhiều tháng. " * 80
                )[:5590] + " HẾTNỘIDUNG"


def _letter(world, **kw):
    kw.setdefault("summary", "Công ty nợ lương ba tháng.")
    return log_letter(world.users["intake"], world.orgs["a_grass"], **kw)


def _flat(text: str) -> str:
    return " ".join(text.split())


# --- 1. A long cell continues on the next page ----------------------------------------------
@poppler
@pytest.mark.parametrize("username", ["grass_handler", "approver", "top_approver"])
def test_letters_register_pdf_carries_a_5600_character_summary(browser, db, world, tmp_path,
                                                              username):
    case = _letter(world, summary=LONG_SUMMARY)
    db.session.commit()
    browser.login(username)
    org = {"grass_handler": "a_grass", "approver": "a", "top_approver": "tld"}[username]
    response = browser.get(f"/reports/registers/letters.pdf?org={world.orgs[org].id}"
                           f"&year={case.received_on.year}")
    assert response.status_code == 200
    text = _flat(pdf_text(response.data, tmp_path))
    assert case.code in text and "HẾTNỘIDUNG" in text.replace(" ", "")
    assert text.count("Nội dung tóm tắt") >= 2  # the header repeats on the next page


@poppler
def test_a_table_cell_taller_than_a_page_and_a_long_word_lay_out(tmp_path):
    words = " ".join(f"t{i:04d}" for i in range(1500))
    pdf = build_pdf(Document(
        superior_body="Tổng Liên đoàn", issuing_unit="LĐLĐ tỉnh Hà Tĩnh", unit_short="LĐLĐ",
        place="Hà Tĩnh", number=None, year=2026, type_code=None, date=date(2026, 3, 1),
        type_name="Sổ", summary="Năm 2026", numbered=False, signature=None,
        body=[Table([["Số", "Trích yếu", "Nơi nhận"], ["1", words, "x" * 4000]],
                    col_widths=[1, 4, 2], font_size=10)]))
    text = pdf_text(pdf, tmp_path)
    assert all(f"t{i:04d}" in text for i in range(1500))  # nothing cut
    assert text.count("x") >= 4000


# --- 2. A control character already stored never breaks a spreadsheet --------------------------
def test_xlsx_exports_survive_control_characters_already_stored(browser, db, world):
    case = _letter(world, title="Đơn phản ánh", summary="Nội dung")
    db.session.execute(sa.update(Case).where(Case.id == case.id).values(
        title="Đơn\x01 phản\x0b ánh\x1f", summary="Nội\x08 dung\x7f"))
    db.session.commit()
    browser.login("approver")
    urls = ["/reports/cases.xlsx", (f"/reports/registers/letters.xlsx?org={world.orgs['a'].id}"
            f"&year={case.received_on.year}")]
    for url, stored in zip(urls, ["Đơn phản ánh", "Nội dung"]):  # the title, the summary
        response = browser.get(url)
        assert response.status_code == 200, url
        book = load_workbook(io.BytesIO(response.data), read_only=True)
        cells = [str(c) for ws in book.worksheets for row in ws.iter_rows(values_only=True)
                 for c in row if c is not None]
        assert stored in cells, url  # the whole cell, not a header that contains it
        assert not [c for c in cells if strip_controls(c) != c], url


# --- 3. C0 controls are stripped at input --------------------------------------------------------
def test_strip_controls_keeps_tab_and_newlines():
    assert strip_controls("a\x00b\x01c\td\ne\rf\x1f\x7fg") == "abc\td\ne\rfg"
    assert clean(" Nguye\u0302\u0303n\x00 ") == "Nguyễn"
    assert clean(5) == 5


def test_nul_in_every_form_field_is_stripped_not_a_500(browser, db, world):
    browser.login("intake")
    browser.get("/letters/new")
    response = browser.post("/letters/new", {
        "org_id": world.orgs["a"].id, "received_on": "02/03/2026", "intake_form": "writing",
        "channel": "report", "title": "Đơn\x00 phản ánh\x01", "summary": "Nợ\x00 lương\x1b",
        "sender_name": "Lê\x00 Văn Gửi", "subject_kind": "organisation",
        "subject_name": "Công ty\x00 ABC"})
    assert response.status_code == 302, response.get_data(as_text=True)[:500]
    case = db.session.scalar(sa.select(Case))
    assert (case.title, case.summary, case.subject_name) == (
        "Đơn phản ánh", "Nợ lương", "Công ty ABC")
    assert reveal(case, world.users["approver"], "test").name == "Lê Văn Gửi"


@pytest.mark.parametrize("url, status", [
    ("/cases/?q=a%00b", 200), ("/recommendations/?q=%00", 200),
    ("/cases/?family=%00&state=%00&channel=%00&sort=%00", 200), ("/reports/cases.csv?q=%00", 200),
    ("/reports/dashboard?period=%00", 200), ("/documents/register?register=out%00going", 200),
    ("/documents/register?register=%00", 404),  # an empty register= names none of them
    ("/login?next=%00", 200)])
def test_nul_in_a_query_string_is_ignored(browser, db, world, url, status):
    browser.login("approver")
    assert browser.get(url).status_code == status


def test_request_values_arrive_without_controls(app):
    with app.test_request_context("/?q=a%00b%07c&x=%0D%0A", method="POST",
                                  data={"t": "x\x00y"}):
        from flask import request

        assert request.args["q"] == "abc" and request.args["x"] == "\r\n"
        assert request.form["t"] == "xy"


# --- 4. A draft with a long "Nơi nhận" line or a wide or tall table is previewed and issued ------
@poppler
@pytest.mark.parametrize("change", ["recipients", "wide_table", "tall_table", "long_word"])
def test_big_drafts_preview_and_issue(browser, db, world, tmp_path, change):
    case = supervision_at(world, "plan_drafted")
    browser.login("handler")
    browser.get(f"/cases/{case.id}")
    response = browser.post(f"/documents/case/{case.id}/new", {"template": "sv_plan"})
    doc_id = int(response.headers["Location"].rstrip("/").split("/")[-1])
    doc = db.session.get(CaseDocument, doc_id)
    c = doc.content
    data = {"summary": doc.summary, "addressees": "\n".join(c["addressees"]),
            "bases": "\n".join(c["bases"]), "body": c["body"],
            "recipients": "\n".join(c["recipients"]), "filing": c["filing"],
            "authority": c["signature"]["authority"], "capacity": c["signature"]["capacity"],
            "signer_title": c["signature"]["signer_title"]}
    marker = "CUỐICÙNG"
    if change == "recipients":
        data["recipients"] = ("Ban Thường vụ Liên đoàn Lao động các huyện, thị xã, thành phố "
                              * 60) + marker + "\n" + "\n".join(
                                  f"Công đoàn cơ sở số {i}" for i in range(120))
    elif change == "wide_table":  # printed in parts of narrow columns: a short marker
        marker = "ZQX"
        data["body"] += "\n" + "\n".join(
            "| " + " | ".join(f"C{r}-{j}" for j in range(40)) + f" | {marker} |"
            for r in range(3))
    elif change == "tall_table":
        data["body"] += "\n| Số | Nội dung |\n" + "\n".join(
            f"| {i} | {'Nội dung dài của dòng bảng ' * 40} |" for i in range(30)) + \
            f"\n| 31 | {'Một ô rất cao ' * 900}{marker} |"
    else:
        data["body"] += "\n" + "x" * 5000 + marker
    response = browser.post(f"/documents/{doc_id}", data)
    assert response.status_code == 302, response.get_data(as_text=True)[:1000]
    preview = browser.get(f"/documents/{doc_id}.pdf")
    assert preview.status_code == 200
    assert marker in pdf_text(preview.data, tmp_path).replace("\n", "").replace(" ", "")
    browser.logout()
    browser.login("approver")
    browser.get(f"/documents/{doc_id}")
    assert browser.post(f"/documents/{doc_id}/issue").status_code == 302
    assert browser.get(f"/documents/{doc_id}.pdf").status_code == 200


# --- 5. Input limits match the outputs ----------------------------------------------------------
def test_draft_fields_have_limits_with_a_clear_message(browser, db, world):
    case = supervision_at(world, "plan_drafted")
    browser.login("handler")
    browser.post("/language/en", {"next": "/"})
    browser.get(f"/cases/{case.id}")
    response = browser.post(f"/documents/case/{case.id}/new", {"template": "sv_plan"})
    doc_id = int(response.headers["Location"].rstrip("/").split("/")[-1])
    response = browser.post(f"/documents/{doc_id}", {
        "summary": "Kế hoạch", "body": "Nội dung " * 20000, "recipients": "Như trên\n" * 3000,
        "addressees": "", "bases": "", "filing": "VT", "authority": "TM. BAN THƯỜNG VỤ",
        "capacity": "", "signer_title": "CHỦ TỊCH"})
    assert response.status_code == 422
    assert "Field cannot be longer than" in response.get_data(as_text=True)


# --- 6. Numbers in query strings -----------------------------------------------------------------
HUGE = "99999999999999999999"
BAD_NUMBERS = ["year=%C2%B2%E2%81%B0%C2%B2%E2%81%B6", f"year={HUGE}", f"org={HUGE}",
               f"page={HUGE}", f"per_page={HUGE}", "year=-1", "org=-5", "page=0",
               "year=%D9%A2%D9%A0%D9%A2%D9%A6", "org=1e3", "year=2026.0"]
NUMBER_ROUTES = ["/cases/", "/recommendations/", "/reports/dashboard", "/reports/periodic.pdf",
                 "/reports/periodic.xlsx", "/reports/registers/letters.pdf",
                 "/reports/registers/recommendations.xlsx", "/reports/cases.csv",
                 "/reports/cases.xlsx", "/documents/register", "/documents/register.pdf",
                 "/supervision/programme", "/admin/deadlines/calendar", "/critique/requests",
                 "/"]


@pytest.mark.parametrize("query", BAD_NUMBERS)
def test_bad_numbers_in_query_strings_never_answer_500(browser, db, world, query):
    _letter(world)
    db.session.commit()
    browser.login("admin")
    for route in NUMBER_ROUTES:
        status = browser.get(f"{route}?{query}").status_code
        assert status in (200, 400, 404, 422), (route, query, status)


def test_superscript_year_is_refused_with_a_message(browser, db, world):
    browser.login("approver")
    browser.post("/language/en", {"next": "/"})
    response = browser.get("/reports/dashboard?year=%C2%B2%E2%81%B0%C2%B2%E2%81%B6")
    assert response.status_code == 422
    assert "Enter a year between 2000 and 2100." in response.get_data(as_text=True)


def test_huge_numbers_in_a_form_are_refused_not_a_500(browser, db, world):
    """An integer field with no range of its own (a hidden id) still refuses what no database
    integer holds: the letter to merge into, beyond 2**31 - 1, answers 422."""
    second = _letter(world)
    db.session.commit()
    browser.login("handler")
    browser.get(f"/cases/{second.id}")
    for data in ({"version": second.version, "primary_id": HUGE},
                 {"version": second.version, "primary_id": str(2**31)}):
        response = browser.post(f"/letters/{second.id}/duplicate", data)
        assert response.status_code == 422, (data, response.status_code)
    db.session.expire_all()
    assert second.letter.duplicate_of_id is None


def test_huge_ids_in_the_path_answer_404(browser, db, world):
    browser.login("approver")
    for url in (f"/cases/{HUGE}", f"/documents/{HUGE}", f"/documents/{HUGE}.pdf",
                f"/units/{HUGE}", f"/letters/{HUGE}/classify"):
        assert browser.get(url).status_code == 404, url


# --- 7. One charset in the CSV content type -------------------------------------------------------
def test_csv_content_type_names_its_charset_once(browser, db, world):
    browser.login("approver")
    response = browser.get("/reports/cases.csv")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
