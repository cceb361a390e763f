"""A denunciation from the intake desk to its closing, each step by its user, in Chromium.

The intake officer logs the letter with the sender's name and prints the receipt; a handler
who is not a named handler classifies it without ever seeing the sender; the approver accepts;
the handler verifies and records the result; the approver closes it. The pages are switched to
English so that the test reads the same labels before and after the catalogue is merged.
"""
import re
import shutil
import subprocess

import pytest
import sqlalchemy as sa

from tests.browser.conftest import login, require_browser_deps
from tests.browser.journey import SCREENS, find_case, open_draft, open_menu

require_browser_deps()

from playwright.sync_api import Page, expect

SENDER = "Nguyễn Thị Hoài Thu"
ADDRESS = "Số 12 đường Trần Phú, phường Thạch Linh"
PHONE = "0912 345 678"
TITLE = "Tố cáo sai phạm trong chi quỹ công đoàn"
SUBJECT = "Trần Văn Bình"
CONTENT = ("Chủ tịch công đoàn cơ sở tự ý chi quỹ công đoàn để tổ chức du lịch cho ban chấp "
           "hành, không công khai chứng từ với đoàn viên.")


def _english(page: Page) -> None:
    open_menu(page)  # the language switch sits in the menu, behind its button on a phone
    page.get_by_role("button", name="English").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")


def _state(page: Page):
    return page.get_by_test_id("case-state")


def _fire(page: Page, trigger: str, label: str, comment: str | None = None) -> None:
    form = page.locator(f'form[data-trigger="{trigger}"]')
    if comment is not None:
        form.locator(f"#{trigger}-comment").fill(comment)
    if form.get_attribute("data-confirm"):  # a step that closes the case asks first
        page.once("dialog", lambda dialog: dialog.accept())
    form.get_by_role("button", name=label, exact=True).click()
    expect(page.get_by_role("alert").filter(has_text=f"Done: {label}.")).to_be_visible()


def _draft_from_step(page: Page, title: str, trigger: str | None = None) -> str:
    """Draft the document a step rests on from the step (its box, or the step's own form);
    returns the draft's URL."""
    where = page.locator(f'form[data-trigger="{trigger}"]') if trigger else page
    need = where.get_by_test_id("step-needs")
    expect(need).to_contain_text(f"Needs the issued “{title}”")
    need.get_by_role("button", name="Draft it now, prefilled from the case").click()
    expect(page.get_by_role("alert")).to_contain_text("The draft has been prepared")
    return page.url


def _issue(page: Page, code: str, title: str, type_code: str) -> str:
    """The approver finds the draft among the case's documents and issues it (they did not
    write it): the register's next number."""
    open_draft(page, code, title)
    page.once("dialog", lambda dialog: dialog.accept())  # a number cannot be taken back: asked
    page.get_by_role("button", name="Issue (number and freeze)").click()
    number = page.get_by_test_id("document-number").inner_text().split()[-1]
    assert re.fullmatch(rf"\d{{2}}/{type_code}-LĐLĐ", number), number
    return number


def _pdf_text(page: Page, link, tmp_path) -> str:
    response = page.request.get(link.get_attribute("href"))
    assert response.status == 200 and response.body().startswith(b"%PDF")
    if shutil.which("pdftotext") is None:
        return ""
    path = tmp_path / "doc.pdf"
    path.write_bytes(response.body())
    out = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True,
                         check=True).stdout
    return " ".join(out.split())


@pytest.mark.parametrize("screen", SCREENS)
def test_a_denunciation_goes_from_intake_to_closing(new_page, live_server, db, world,
                                                     tmp_path, screen):
    width, height = SCREENS[screen]
    intake, handler, approver = (new_page(width=width, height=height) for _ in range(3))
    for page, user in ((intake, "intake"), (handler, "handler"), (approver, "approver")):
        login(page, live_server, user)
        _english(page)

    # 1. The intake officer logs the letter, with the sender's name, from the home page.
    intake.get_by_test_id("log-letter").click()
    expect(intake.get_by_role("heading", name="Log a letter")).to_be_visible()
    unit = intake.get_by_label("Receiving unit")
    unit.select_option(unit.locator("option", has_text="Liên đoàn Lao động tỉnh Hà Tĩnh")
                       .get_attribute("value"))
    intake.get_by_label("How it was received").select_option(label="In person")
    intake.get_by_label("Title", exact=True).fill(TITLE)
    intake.get_by_label("Content", exact=True).fill("")
    intake.get_by_label("The letter is about").select_option(label="Person")
    intake.get_by_label("Name of the person or organisation concerned").fill(SUBJECT)
    intake.get_by_label("Sender's name", exact=False).fill(SENDER)
    intake.get_by_label("Sender's address").fill(ADDRESS)
    intake.get_by_label("Sender's phone or e-mail").fill(PHONE)
    intake.get_by_role("button", name="Log the letter").click()
    # An empty content is refused with a message; nothing typed is lost.
    expect(intake.get_by_text("The content of the letter is required")).to_be_visible()
    expect(intake.get_by_label("Sender's address")).to_have_value(ADDRESS)
    intake.get_by_label("Content", exact=True).fill(CONTENT)
    intake.get_by_role("button", name="Log the letter").click()
    expect(intake).to_have_url(re.compile(r"/cases/\d+$"))
    case_url = intake.url
    expect(_state(intake)).to_have_text("Received")
    code = intake.get_by_test_id("case-code").inner_text()
    receipt = intake.get_by_test_id("doc-receipt")
    text = _pdf_text(intake, receipt, tmp_path)
    assert not text or (SENDER in text and code in text)

    # 2. A handler who is not a named handler classifies it, never seeing the sender.
    find_case(handler, code)
    expect(handler.get_by_test_id("sealed-identity")).to_be_visible()
    assert SENDER not in handler.content() and PHONE not in handler.content()
    expect(handler.get_by_test_id("doc-receipt")).to_have_count(0)
    handler.get_by_role("link", name="Classify the letter").click()
    handler.get_by_label("Kind of letter").select_option(label="Denunciation")
    handler.get_by_label("Valid for processing").select_option(label="Yes")
    handler.get_by_label("Within the union's competence").select_option(label="Yes")
    handler.get_by_label("Complexity").select_option(label="Complex")
    handler.get_by_role("button", name="Save").click()
    expect(handler).to_have_url(case_url)
    expect(_state(handler)).to_have_text("Classified")
    expect(handler.get_by_test_id("letter-kind")).to_have_text("Denunciation")

    # 3. The accept step rests on its decision: the handler drafts it from the step, the
    # approver issues it and accepts the letter (thụ lý) on the day entered.
    handler.get_by_test_id("accept-letter").click()
    _draft_from_step(handler, "Decision accepting a denunciation")
    decision_number = _issue(approver, code, "Decision accepting a denunciation", "QĐ")
    find_case(approver, code)
    expect(approver.locator('form[data-trigger="accept"]')).to_have_count(0)  # dated form only
    approver.get_by_test_id("accept-letter").click()
    expect(approver.get_by_test_id("step-needs")).to_contain_text(
        f"Rests on Decision accepting a denunciation no. {decision_number}")
    approver.get_by_label("Comment", exact=False).fill("Đủ điều kiện, đúng thẩm quyền")
    approver.get_by_role("button", name="Save").click()
    expect(approver).to_have_url(case_url)
    expect(_state(approver)).to_have_text("Accepted")

    # 4. The handler verifies, drafts the notice to the denounced person, records the result.
    find_case(handler, code)
    _fire(handler, "start_verification", "Start verification")
    expect(_state(handler)).to_have_text("Verifying")
    drafting = handler.get_by_test_id("new-document")
    drafting.get_by_label("Template").select_option(value="letter_denounced")
    drafting.get_by_role("button", name="Draft a document").click()
    expect(handler.get_by_test_id("document-status")).to_be_visible()
    notice = _pdf_text(handler, handler.get_by_test_id("document-pdf"), tmp_path)
    assert "tố cáo" in notice
    for secret in (SENDER, ADDRESS, PHONE):
        assert secret not in notice
    find_case(handler, code)
    _draft_from_step(handler, "Conclusion on a denunciation", "record_result")
    conclusion_number = _issue(approver, code, "Conclusion on a denunciation", "KL")
    find_case(handler, code)
    expect(handler.locator('form[data-trigger="record_result"]').get_by_test_id("step-needs")
           ).to_contain_text(f"Rests on Conclusion on a denunciation no. {conclusion_number}")
    _fire(handler, "record_result", "Record the result", "Tố cáo đúng một phần")
    expect(_state(handler)).to_have_text("Resolved")

    # 5. The approver closes it; the handler still never saw the sender's name.
    find_case(approver, code)
    _fire(approver, "close", "Close")
    expect(_state(approver)).to_have_text("Closed")
    find_case(handler, code)
    expect(_state(handler)).to_have_text("Closed")
    assert SENDER not in handler.content()

    from app.cases.models import Case

    db.session.expire_all()
    case = db.session.scalar(sa.select(Case).where(Case.code == code))
    assert (case.kind, case.state, case.letter.complexity) == ("denunciation", "closed",
                                                               "complex")
    assert SENDER not in case.search_text
