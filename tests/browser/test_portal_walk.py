"""A worker sends an anonymous denunciation through the public portal on a phone, the unit's
intake officer asks them a question from the case page, and the worker reads it with their
receipt code and secret and answers. The portal is switched to English so that the test reads
the same labels before and after the catalogue is merged."""
import re

import sqlalchemy as sa

from tests.browser.conftest import login, require_browser_deps
from tests.browser.journey import SCREENS, find_case

require_browser_deps()

from playwright.sync_api import expect

TITLE = "Chi sai quỹ công đoàn"
CONTENT = ("Chủ tịch công đoàn cơ sở tự ý chi quỹ công đoàn để tổ chức du lịch cho ban chấp "
           "hành, không công khai chứng từ với đoàn viên.")
QUESTION = "Anh chị có chứng từ chi nào kèm theo không?"
ANSWER = "Có, tôi sẽ gửi bản chụp phiếu chi tháng 3."


def test_an_anonymous_denunciation_through_the_portal(new_page, live_server, db, world):
    from app.cases.models import Case

    width, height = SCREENS["phone"]
    member = new_page(width=width, height=height)

    # 1. The worker chooses the provincial federation and sends the letter anonymously.
    member.goto(f"{live_server}/portal/")
    member.get_by_role("button", name="English").click()
    expect(member.locator("html")).to_have_attribute("lang", "en")
    member.get_by_test_id("start-send").click()
    member.get_by_test_id(f"choose-unit-{world.orgs['a'].id}").click()
    expect(member.get_by_test_id("chosen-unit")).to_have_text(world.orgs["a"].name)
    member.get_by_test_id("kind-denunciation").check()
    member.get_by_label("Title").fill(TITLE)
    member.get_by_label("What happened, or what you ask").fill(CONTENT)
    member.get_by_test_id("sender-anonymous").check()
    member.get_by_test_id("send").click()  # the page's proof of work runs, then it is sent

    # 2. The receipt, shown once.
    expect(member).to_have_url(re.compile(r"/portal/receipt$"))
    code = member.get_by_test_id("receipt-code").inner_text()
    secret = member.get_by_test_id("receipt-secret").inner_text()
    assert re.fullmatch(r"[A-Z2-9]{4}-[A-Z2-9]{4}-[A-Z2-9]{2}", code), code
    assert re.fullmatch(r"[A-Z2-9]{4}(-[A-Z2-9]{4}){3}", secret), secret
    expect(member.get_by_role("button", name="Print")).to_be_visible()

    # 3. The unit's intake officer finds it on the home page and asks a question.
    case_code = db.session.scalar(sa.select(Case.code).order_by(Case.id.desc()).limit(1))
    officer = new_page(width=width, height=height)
    login(officer, live_server, "intake")
    find_case(officer, case_code)
    thread = officer.get_by_test_id("portal-thread")
    thread.locator("textarea").fill(QUESTION)
    thread.get_by_test_id("portal-ask").click()
    expect(officer.get_by_test_id("portal-thread").get_by_test_id("thread-to_member")) \
        .to_contain_text(QUESTION)

    # 4. The worker follows the letter with the code and the secret, reads and answers.
    member.goto(f"{live_server}/portal/follow")
    member.get_by_label("Receipt code").fill(code.lower())
    member.get_by_label("Secret").fill(secret)
    member.get_by_test_id("follow-login").click()
    expect(member.get_by_test_id("member-stage")).to_have_text("Received")
    expect(member.get_by_test_id("message-to_member")).to_contain_text(QUESTION)
    expect(member.get_by_test_id("member-view")).not_to_contain_text("Người dùng intake")
    member.get_by_label("Your answer").fill(ANSWER)
    member.get_by_test_id("send-answer").click()
    expect(member.get_by_test_id("message-from_member")).to_contain_text(ANSWER)

    # The officer sees the answer in the thread.
    officer.reload()
    expect(officer.get_by_test_id("thread-from_member")).to_contain_text(ANSWER)
