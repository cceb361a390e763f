"""Social critique of a draft decree, walked through the pages (English UI).

The province (org "a") registers the draft, sends it to two lower units (the zone union and a
grassroots union) and an expert, holds a conference, consolidates the comments, has the
committee approve the critique, prints it, records the drafting body's responses and closes.
Each user works in a separate browser context.
"""
import re
import shutil
import subprocess
import unicodedata
from datetime import timedelta

import pytest
import sqlalchemy as sa

from tests.browser.conftest import login, require_browser_deps
from tests.browser.journey import SCREENS, find_case, go, open_menu

require_browser_deps()

from playwright.sync_api import Page, expect

TITLE = "Nghị định quy định chi tiết về tiền lương tối thiểu"
BODY = "Bộ Nội vụ"
PASTE = """Điều 1. Phạm vi điều chỉnh
Nghị định này quy định mức lương tối thiểu.
Điều 2. Đối tượng áp dụng
Người lao động làm việc theo hợp đồng lao động.
Điều 3. Mức lương tối thiểu
Mức lương tối thiểu tháng vùng I là 4.960.000 đồng."""
PDF_BYTES = (b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
             b"2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n")
ZONE_CHANGE = "Nâng mức lương tối thiểu vùng I lên 5.200.000 đồng"
GRASS_CHANGE = "Áp dụng cả cho lao động không có hợp đồng"
EXPERT = ("PGS.TS Nguyễn Văn Bình", "Viện Công nhân và Công đoàn", "binh@vcncd.vn")
POINTS = ["Đề nghị nâng mức lương tối thiểu vùng I lên 5.200.000 đồng.",
          "Đề nghị bổ sung cơ chế điều chỉnh lương tối thiểu hằng năm."]


def _english(page: Page) -> None:
    open_menu(page)  # the language switch sits in the menu, behind its button on a phone
    page.get_by_role("button", name="English").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")


def _as(new_page, live_server, username: str, screen: str = "desktop") -> Page:
    width, height = SCREENS[screen]
    page = new_page(width=width, height=height)
    login(page, live_server, username)
    _english(page)
    return page


def _state(page: Page):
    return page.get_by_test_id("case-state")


def _fire(page: Page, trigger: str, label: str, comment: str | None = None,
          done: bool = True) -> None:
    form = page.locator(f'form[data-trigger="{trigger}"]')
    if comment is not None:
        textarea = form.locator(f"#{trigger}-comment")
        if not textarea.is_visible():
            form.get_by_text("Add a comment").click()
        textarea.fill(comment)
    if form.get_attribute("data-confirm"):  # a step that closes the case asks first
        page.once("dialog", lambda dialog: dialog.accept())
    form.get_by_role("button", name=label, exact=True).click()
    if done:
        expect(page.get_by_role("alert").filter(has_text=f"Done: {label}.")).to_be_visible()


def _comment(page: Page, number: str, opinion: str, text: str = "") -> None:
    box = page.get_by_test_id(f"article-{number}")
    box.get_by_label(opinion, exact=True).check()
    if text:
        box.get_by_label(f"Comment on Điều {number}").fill(text)


def _pdf_text(data: bytes, tmp_path) -> str:
    path = tmp_path / "critique.pdf"
    path.write_bytes(data)
    out = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True,
                         check=True).stdout.decode()
    return unicodedata.normalize("NFC", " ".join(out.split()))


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils not installed")
@pytest.mark.parametrize("screen", SCREENS)
def test_a_draft_goes_from_registration_to_closing(new_page, live_server, db, world, tmp_path,
                                                   screen):
    from app.auth.services import create_user
    from app.cases.models import Case, CaseEvent
    from app.core.calendar import local_today
    from app.critique.models import ArticleComment, Consultation, CritiquePoint
    from tests.documents.helpers import supervision_at
    from tests.factories import password_hash
    from workflows import vocab

    create_user("zone_officer", "Trần Văn Khu", None, [(vocab.HANDLER, world.orgs["a_zone"])],
                password_hash=password_hash())
    # The province has already issued a supervision decision this year: 01/QĐ-LĐLĐ in its
    # register. The critique takes the next number of that same register.
    supervision_at(world, "delegation_formed")  # forming the delegation issued its decision
    db.session.commit()
    today = local_today()
    handler = _as(new_page, live_server, "handler", screen)

    # 1. The draft arrives 10 days before its submission: registered, and the warning shown.
    go(handler, "Social critique")
    handler.get_by_role("link", name="Register a draft for social critique").click()
    unit = handler.get_by_label("Unit", exact=True)
    unit.select_option(unit.locator("option", has_text="Liên đoàn Lao động tỉnh Hà Tĩnh")
                       .get_attribute("value"))
    handler.get_by_label("Title of the draft").fill(TITLE)
    handler.get_by_label("Drafting body").fill(BODY)
    handler.get_by_label("Kind of draft").select_option(label="Draft decree")
    hint = handler.get_by_test_id("notice-hint")
    handler.get_by_label("Date received").fill((today - timedelta(days=5)).isoformat())
    handler.get_by_label("Date it will be submitted").fill((today + timedelta(days=20)).isoformat())
    expect(hint).to_be_hidden()
    handler.get_by_label("Date it will be submitted").fill((today + timedelta(days=5)).isoformat())
    expect(hint).to_be_visible()
    expect(hint).to_contain_text("arrived 10 days before its submission")
    handler.get_by_label(re.compile("^Text of the draft")).fill(PASTE)
    handler.get_by_label("Attach the draft").set_input_files(
        files=[{"name": "du-thao-nghi-dinh.pdf", "mimeType": "application/pdf",
                "buffer": PDF_BYTES}])
    handler.get_by_role("button", name="Register the draft").click()
    expect(handler).to_have_url(re.compile(r"/cases/\d+$"))
    case_url = handler.url
    code = handler.get_by_test_id("case-code").inner_text()
    expect(_state(handler)).to_have_text("Draft received")
    expect(handler.get_by_role("alert").filter(has_text="has been logged")).to_be_visible()
    panel = handler.get_by_test_id("critique-panel")
    expect(panel.get_by_test_id("notice-warning")).to_contain_text("at least 15 days")
    expect(panel.get_by_test_id("drafting-body")).to_have_text(BODY)
    expect(panel.get_by_role("link", name="du-thao-nghi-dinh.pdf")).to_be_visible()
    expect(panel.get_by_test_id("articles").get_by_role("listitem")).to_have_count(3)

    # 2. A fourth article is added by hand.
    panel.get_by_role("link", name="Edit the articles").click()
    rows = handler.get_by_test_id("article-row")
    expect(rows.nth(0).get_by_label("Heading")).to_have_value("Phạm vi điều chỉnh")
    rows.nth(3).get_by_label("Article number").fill("4")
    rows.nth(3).get_by_label("Heading").fill("Hiệu lực thi hành")
    rows.nth(3).get_by_label("Text").fill("Nghị định có hiệu lực từ ngày 01/01/2027.")
    handler.get_by_role("button", name="Save", exact=True).click()
    expect(handler.get_by_role("alert")).to_contain_text("The articles have been saved.")
    expect(panel.get_by_test_id("articles").get_by_role("listitem")).to_have_count(4)

    # 3. Consultation: two lower units and an expert; a conference invitation.
    _fire(handler, "open_consultation", "Open the consultation")
    expect(_state(handler)).to_have_text("Consulting")
    panel.get_by_role("link", name="Send the draft for comments").click()
    handler.get_by_label("Comments due by").fill((today + timedelta(days=3)).isoformat())
    handler.get_by_label("Công đoàn Khu kinh tế tỉnh Hà Tĩnh").check()
    handler.get_by_label("Công đoàn cơ sở Công ty Thép Vũng Áng").check()
    expert = handler.get_by_role("group", name="Expert 1")
    for label, value in zip(("Expert's name", "Organisation", "E-mail"), EXPERT):
        expert.get_by_label(label).fill(value)
    handler.get_by_role("button", name="Save", exact=True).click()
    expect(handler.get_by_role("alert")).to_contain_text("The draft has been sent for comments.")
    expect(panel.get_by_test_id("invitee")).to_have_count(3)
    expect(panel.get_by_test_id("status")).to_have_text(["no response yet"] * 3)

    panel.get_by_role("link", name="Invite to a critique conference").click()
    handler.get_by_label("Date", exact=True).fill((today + timedelta(days=2)).isoformat())
    handler.get_by_label("Place").fill("Hội trường Liên đoàn Lao động tỉnh")
    handler.get_by_label("Participants").fill("Đại diện Bộ Nội vụ\nĐại diện Sở Nội vụ")
    handler.get_by_role("button", name="Save", exact=True).click()
    expect(panel.get_by_test_id("meeting")).to_contain_text("Critique conference")

    # 4. The zone union answers on time from its own queue; it cannot open the case.
    zone = _as(new_page, live_server, "zone_officer", screen)
    block = zone.get_by_test_id("critique-requests")
    expect(block).to_contain_text("Consultations awaiting your comments")
    block.get_by_role("link", name=TITLE).click()
    expect(zone.get_by_test_id("request-details")).to_contain_text(BODY)
    expect(zone.get_by_test_id("article-3")).to_contain_text("4.960.000 đồng")
    _comment(zone, "1", "Agree")
    _comment(zone, "3", "Propose a change", ZONE_CHANGE)
    zone.get_by_role("button", name="Send the comments").click()
    expect(zone.get_by_role("alert")).to_contain_text("Your comments have been sent.")
    expect(zone.get_by_test_id("status")).to_have_text("answered")
    assert zone.request.get(case_url).status == 404

    # 5. The deadline passes; the grassroots union answers late, its comments marked so.
    db.session.execute(sa.update(Consultation).values(deadline=today - timedelta(days=1)))
    db.session.commit()
    grass = _as(new_page, live_server, "grass_handler", screen)
    go(grass, "Social critique")
    grass.get_by_test_id("consultation-requests").get_by_role("link", name=TITLE).click()
    expect(grass.get_by_test_id("past-deadline")).to_be_visible()
    _comment(grass, "2", "Propose a change", GRASS_CHANGE)
    _comment(grass, "4", "Propose removal")
    grass.get_by_role("button", name="Send the comments").click()
    expect(grass.get_by_test_id("status")).to_have_text("answered late")

    # 6. The inviting unit sees who answered late and who not at all, and reminds.
    find_case(handler, code)
    expect(panel.get_by_test_id("status")).to_have_text(
        ["answered", "answered late", "no response yet"])
    panel.get_by_role("button", name="Remind those who have not answered").click()
    expect(handler.get_by_role("alert")).to_contain_text("A reminder has been sent to 1 invitees.")
    expect(panel.get_by_test_id("invitee").nth(2).get_by_test_id("reminded")).to_contain_text(
        "reminded 1×")
    # The expert answered by e-mail: the handler records it on the expert's behalf.
    panel.get_by_test_id("invitee").nth(2).get_by_role("link", name="Record comments").click()
    _comment(handler, "3", "Propose a change", "Điều chỉnh theo chỉ số giá tiêu dùng")
    handler.get_by_role("button", name="Send the comments").click()
    expect(handler.get_by_role("alert")).to_contain_text("Your comments have been sent.")

    # 7. Consolidation: every comment side by side, the points written and submitted.
    find_case(handler, code)
    _fire(handler, "consolidate", "Consolidate the comments")
    panel.get_by_role("link", name="Comments side by side and points").click()
    table = handler.get_by_test_id("side-by-side")
    expect(table.locator("thead th")).to_have_count(4)
    row3 = table.get_by_test_id("article-3")
    expect(row3).to_contain_text(ZONE_CHANGE)
    expect(row3).to_contain_text("Điều chỉnh theo chỉ số giá tiêu dùng")
    row2 = table.get_by_test_id("article-2")
    expect(row2).to_contain_text(GRASS_CHANGE)
    expect(row2.get_by_test_id("late")).to_have_text("late")
    points = handler.get_by_test_id("point-row")
    points.nth(0).get_by_label("Article").select_option(label="Điều 3. Mức lương tối thiểu")
    points.nth(0).get_by_label("Point of the critique").fill(POINTS[0])
    points.nth(1).get_by_label("Point of the critique").fill(POINTS[1])
    handler.get_by_role("button", name="Save the points").click()
    expect(handler.get_by_role("alert")).to_contain_text("The points of the critique have been saved.")
    _fire(handler, "submit_critique", "Submit for approval")
    expect(_state(handler)).to_have_text("Awaiting approval")
    expect(handler.locator('form[data-trigger="approve_critique"]')).to_have_count(0)

    # 8. The committee approves; the document is numbered and printed.
    approver = _as(new_page, live_server, "approver", screen)
    find_case(approver, code)
    _fire(approver, "approve_critique", "Approve and issue")
    expect(_state(approver)).to_have_text("Critique issued")
    apanel = approver.get_by_test_id("critique-panel")
    expect(apanel.get_by_test_id("critique-number")).to_contain_text("Issued as no. 02/LĐLĐ")
    expect(approver.get_by_test_id("documents-panel").get_by_test_id("document-number")
           ).to_have_text("02/LĐLĐ")
    href = apanel.get_by_test_id("critique-pdf").get_attribute("href")
    assert re.fullmatch(r"/documents/\d+\.pdf", href)
    pdf = approver.request.get(href)
    assert pdf.status == 200 and pdf.headers["content-type"] == "application/pdf"
    assert approver.request.get(href).body() == pdf.body()  # the frozen PDF, not a re-rendering
    text = _pdf_text(pdf.body(), tmp_path)
    assert "Số: 02/LĐLĐ" in text and "DỰ THẢO" not in text
    assert f"1. Về Điều 3 (Mức lương tối thiểu): {POINTS[0]}" in text
    assert f"2. {POINTS[1]}" in text
    assert "Người dùng approver" in text
    assert zone.request.get(href).status == 404

    # 9. The drafting body answers point by point; closing waits for every answer.
    find_case(handler, code)
    _fire(handler, "start_follow_up", "Follow up the response")
    _fire(handler, "close", "Close", done=False)
    expect(handler.get_by_test_id("action-error")).to_contain_text(
        "2 points have no response from the drafting body yet")
    for position, response, explanation in (
            (1, "Taken in (tiếp thu)", "Đã nâng mức lương vùng I lên 5.200.000 đồng"),
            (2, "Not taken in (không tiếp thu)", "Chưa đủ căn cứ điều chỉnh hằng năm")):
        panel.get_by_test_id(f"point-{position}").get_by_role(
            "link", name="Record the response").click()
        handler.get_by_label("Drafting body's response").select_option(label=response)
        handler.get_by_label("Explanation").fill(explanation)
        handler.get_by_role("button", name="Save", exact=True).click()
        expect(handler.get_by_role("alert")).to_contain_text("The response has been recorded.")
        expect(panel.get_by_test_id(f"point-{position}").get_by_test_id("response")).to_have_text(
            response)
    expect(panel.get_by_test_id("share-taken-in")).to_contain_text("Taken in: 1 of 2 points (50%)")
    _fire(handler, "close", "Close")
    expect(_state(handler)).to_have_text("Closed")

    # What the browsers did is in the database.
    db.session.expire_all()
    case = db.session.scalar(sa.select(Case).where(Case.family == "critique"))
    assert case.state == "closed" and case.closed_at is not None
    late = dict(db.session.execute(sa.select(ArticleComment.text, ArticleComment.is_late)).all())
    assert late[ZONE_CHANGE] is False and late[GRASS_CHANGE] is True
    assert [p.response for p in db.session.scalars(sa.select(CritiquePoint)
                                                   .order_by(CritiquePoint.position))] == [
        "taken_in", "not_taken_in"]
    actions = db.session.scalars(sa.select(CaseEvent.action).where(CaseEvent.case_id == case.id)
                                 .order_by(CaseEvent.id)).all()
    assert [a for a in actions if case.workflow.has_action(a)] == [
        "open_consultation", "consolidate", "submit_critique", "approve_critique",
        "start_follow_up", "close"]
    assert actions.count("consultation_comments") == 3 and "consultation_reminder" in actions
