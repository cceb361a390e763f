"""A denouncer's identity tried through every output the application has, by every role:
pages, search, documents addressed to the denounced party, CSV/XLSX exports, statistics,
periodic reports and registers. Only the audited reveal page may show it."""
from __future__ import annotations

import csv
import io
import shutil
import subprocess
import unicodedata

import pytest
from openpyxl import load_workbook

from app.cases.services import transition_case
from app.core.calendar import local_today
from app.identity.services import Reporter
from app.letters import services as letters
from tests.documents.helpers import issued
from tests.factories import issue_for

SECRETS = ("Đặng Thị Kín Đáo", "Ngõ 7 phố Kín", "0977 654 321", "kin.dao@example.vn")
ROLES = ("intake", "handler", "approver", "admin", "auditor", "top_approver")

pytestmark = pytest.mark.skipif(shutil.which("pdftotext") is None,
                                reason="poppler-utils (pdftotext) is not installed")


@pytest.fixture(params=["denunciation", "reclassified", "lifted"])
def sealed(request, db, world):
    """A denunciation; the same reclassified as a complaint (the seal stays); and one whose seal
    the unit leader lifted (every read still goes through the audited reveal page)."""
    u, a = world.users, world.orgs["a"]
    today = local_today()
    case = letters.receive_letter(
        u["intake"], a, title="Tố cáo sai phạm trong chi quỹ công đoàn",
        summary="Chủ tịch công đoàn cơ sở chi quỹ sai mục đích, có chứng từ kèm theo.",
        channel="report", intake_form="writing", received_on=today,
        is_anonymous=False,
        reporter=Reporter(name=SECRETS[0], address=SECRETS[1], contact=SECRETS[2],
                          signers=(SECRETS[0], "Hồ Văn Cùng Ký")),
        subject={"subject_kind": "person", "subject_name": "Trần Văn Bị Tố",
                 "subject_category": "head"})
    letters.classify_letter(case, u["handler"], kind="denunciation", is_valid=True,
                            within_competence=True)
    issue_for(case, "accept", u["approver"], today)  # the decision names no denouncer
    transition_case(case, "accept", u["approver"], comment="Thụ lý tố cáo")
    doc = issued(world, case, "letter_denounced", on=today)
    if request.param != "denunciation":
        case.kind = "complaint"  # corrected while accepted (the form allows it earlier only)
    if request.param == "lifted":
        from app.identity.services import lift_seal

        lift_seal(case, u["approver"], "Người tố cáo đồng ý công khai.")
    db.session.commit()
    return case, doc


def _text(response) -> str:
    kind = response.mimetype
    data = response.data
    if kind == "application/pdf":
        out = subprocess.run(["pdftotext", "-layout", "-", "-"], input=data,
                             capture_output=True, check=True)
        return out.stdout.decode()
    if "spreadsheetml" in kind:
        book = load_workbook(io.BytesIO(data), read_only=True)
        return "\n".join(str(cell) for sheet in book.worksheets
                         for row in sheet.iter_rows(values_only=True) for cell in row
                         if cell is not None)
    if kind == "text/csv":
        return "\n".join(",".join(row) for row in csv.reader(
            io.StringIO(data.decode("utf-8-sig"))))
    return response.get_data(as_text=True)


def _outputs(case, doc, org_id: int) -> list[str]:
    year = local_today().year
    period = f"org={org_id}&year={year}"
    return [
        f"/cases/{case.id}", "/cases/", "/", f"/letters/{case.id}/classify",
        f"/documents/{doc.id}", f"/documents/{doc.id}.pdf",
        f"/documents/register?org={org_id}&year={year}",
        f"/documents/register.pdf?org={org_id}&year={year}",
        f"/reports/dashboard?{period}", f"/reports/periodic.pdf?{period}",
        f"/reports/periodic.xlsx?{period}", f"/reports/periodic.pdf?{period}&public=1",
        f"/reports/registers/letters.pdf?{period}", f"/reports/registers/letters.xlsx?{period}",
        "/reports/cases.csv?family=letter", "/reports/cases.xlsx?family=letter",
    ]


@pytest.mark.parametrize("username", ROLES)
def test_no_output_but_the_reveal_page_carries_the_denouncer(browser, db, world, sealed,
                                                             username):
    case, doc = sealed
    browser.login(username)
    seen = 0
    for url in _outputs(case, doc, world.orgs["a"].id):
        response = browser.get(url)
        if response.status_code in (403, 404, 409):
            continue  # this role may not open it, or not at this stage: nothing to leak
        assert response.status_code == 200, (url, response.status_code)
        seen += 1
        text = unicodedata.normalize("NFC", _text(response))
        for secret in (*SECRETS, "Kín Đáo", "Cùng Ký"):
            assert secret not in text, (username, url, secret)
    assert seen >= 12, seen  # most outputs were really looked at


@pytest.mark.parametrize("query", [SECRETS[0], "dang thi kin dao", SECRETS[2], "Ngõ 7"])
def test_searching_for_the_denouncer_finds_nothing(browser, db, world, sealed, query):
    case, _ = sealed
    browser.login("approver")
    for url in ("/cases/", "/reports/cases.csv"):
        response = browser.get(url, query_string={"q": query})
        assert case.code not in _text(response)
    assert case.code in browser.get("/cases/").get_data(as_text=True)
