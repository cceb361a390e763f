"""The periodic report issued as a document of the unit: numbered in the unit's outgoing
register (one sequence with the case documents), dated, frozen, four eyes, in scope only."""
import hashlib
import re
from datetime import date

import sqlalchemy as sa

from app.core.calendar import local_today
from app.documents.models import CaseDocument
from tests.documents.helpers import issued, pdf_text, poppler, supervision_at
from tests.factories import make_case
from workflows import vocab

pytestmark = poppler
PERIOD = {"from": "2025-01-01", "to": "2025-06-30"}


def _received(world, n: int, received=date(2025, 3, 2)) -> None:
    for i in range(n):
        make_case(world.users["intake"], world.orgs["a"], vocab.SUPERVISION,
                  title=f"Giám sát số {i + 1}", received_on=received)


def _draft(browser, world, who="handler"):
    browser.login(who)
    response = browser.post(f"/reports/periodic/draft?org={world.orgs['a'].id}", PERIOD)
    assert response.status_code == 302, response.get_data(as_text=True)
    doc_id = int(re.search(r"/documents/(\d+)$", response.headers["Location"]).group(1))
    browser.logout()
    return doc_id


def test_the_periodic_report_is_issued_with_the_next_number_and_stays_frozen(
        browser, db, world, tmp_path):
    _received(world, 2)
    first = issued(world, supervision_at(world, "delegation_formed"),
                   "sv_decision", on=local_today())
    db.session.commit()
    doc_id = _draft(browser, world)

    browser.login("approver")
    page = browser.get(f"/documents/{doc_id}").get_data(as_text=True)
    assert "Báo cáo định kỳ" in page and 'data-testid="draft-form"' not in page
    response = browser.post(f"/documents/{doc_id}/issue", {})
    assert response.status_code == 302
    db.session.expire_all()
    doc = db.session.get(CaseDocument, doc_id)
    assert doc.case_id is None and doc.number == first.number + 1
    label = f"{doc.number:02d}/BC-LĐLĐ"

    data = browser.get(f"/documents/{doc_id}.pdf").data
    assert hashlib.sha256(data).hexdigest() == doc.sha256
    text = " ".join(pdf_text(data, tmp_path).split())
    for expected in (f"Số: {label}", "BÁO CÁO",
                     "Kết quả công tác giám sát, phản biện xã hội và tiếp nhận, xử lý đơn thư "
                     "6 tháng đầu năm 2025", "Người dùng approver"):
        assert expected in text, expected
    assert "DỰ THẢO" not in text

    register = browser.get(f"/documents/register?org={world.orgs['a'].id}&year={doc.year}")
    html = register.get_data(as_text=True)
    assert label in html and "01/01/2025 – 30/06/2025" in html
    book = " ".join(pdf_text(browser.get(
        f"/documents/register.pdf?org={world.orgs['a'].id}&year={doc.year}").data,
        tmp_path, "book.pdf").split())
    assert label in book and "Báo cáo" in book

    _received(world, 3)  # the figures change: the issued report does not
    db.session.commit()
    assert browser.get(f"/documents/{doc_id}.pdf").data == data


def test_issuing_the_report_follows_the_four_eyes_rules(browser, db, world):
    doc_id = _draft(browser, world, "approver")
    browser.login("approver")  # drafted it: cannot sign it too
    assert browser.post(f"/documents/{doc_id}/issue", {}).status_code == 403
    browser.logout()
    browser.login("intake")  # the clerk issues only on a recorded approval
    assert browser.post(f"/documents/{doc_id}/issue", {}).status_code == 403
    browser.logout()
    browser.login("approver2")
    assert browser.post(f"/documents/{doc_id}/approve", {}).status_code == 302
    browser.logout()
    browser.login("intake")
    assert browser.post(f"/documents/{doc_id}/issue", {}).status_code == 302
    db.session.expire_all()
    doc = db.session.get(CaseDocument, doc_id)
    assert doc.is_issued and doc.content["signature"]["signer_name"] == "Người dùng approver2"


def test_only_the_unit_and_those_above_see_the_report(browser, db, world):
    doc_id = _draft(browser, world)
    for who, status in (("top_approver", 200), ("auditor", 200), ("grass_handler", 404),
                        ("b_approver", 404)):
        browser.login(who)
        assert browser.get(f"/documents/{doc_id}").status_code == status, who
        assert browser.get(f"/documents/{doc_id}.pdf").status_code == status, who
        browser.logout()
    browser.login("delegate")  # sees the unit's figures, drafts no document
    response = browser.post(f"/reports/periodic/draft?org={world.orgs['a'].id}", PERIOD)
    assert response.status_code == 403
    browser.logout()
    browser.login("b_handler")
    response = browser.post(f"/reports/periodic/draft?org={world.orgs['a'].id}", PERIOD)
    assert response.status_code == 404
    assert db.session.scalar(sa.select(sa.func.count()).select_from(CaseDocument)) == 1


def test_a_bad_period_is_refused_with_a_message(browser, db, world):
    browser.login("handler")
    response = browser.post(f"/reports/periodic/draft?org={world.orgs['a'].id}",
                            {"from": "2025-07-01", "to": "2025-01-01"})
    assert response.status_code == 422
    assert "Ngày cuối kỳ đứng trước ngày đầu kỳ." in response.get_data(as_text=True)
