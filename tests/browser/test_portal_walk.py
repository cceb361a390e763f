"""A worker sends an anonymous denunciation through the public portal on a phone; the unit's
intake officer is told in their inbox and by email (a real SMTP sink on loopback), finds the
letter in the intake queue, asks them a question from the case page, and the worker reads it
with their receipt code and secret and answers; the officer is told of the answer too. The portal is switched to English so that the test reads
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


def test_an_anonymous_denunciation_through_the_portal(new_page, live_server, db, world,
                                                      smtp_sink):
    from app.cases.models import Case

    officer_email = "tiepnhan@congdoan.example"
    world.users["intake"].email = officer_email
    db.session.commit()
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

    # 3. The unit's intake officer gets an email, with the letter's code and nothing of the
    # portal's secrets, and an inbox item; the letter waits in the intake queue of the home page.
    case_code = db.session.scalar(sa.select(Case.code).order_by(Case.id.desc()).limit(1))
    smtp_sink.wait(1)
    [mail] = smtp_sink.to(officer_email)
    assert mail["Subject"] == f"Có đơn thư mới gửi qua cổng trực tuyến: {case_code}"
    body = mail.get_content()
    assert TITLE in body and f"/cases/" in body
    assert code not in body and secret not in body
    officer = new_page(width=width, height=height)
    login(officer, live_server, "intake")
    expect(officer.get_by_test_id("inbox-badge")).to_contain_text("1")
    officer.get_by_test_id("inbox-link").click()
    item = officer.get_by_test_id("notification").filter(has_text=case_code)
    expect(item).to_have_attribute("data-kind", "portal_letter")
    expect(item).to_have_attribute("data-unread", "true")
    find_case(officer, case_code)  # from the home page's queue, where it waits unassigned
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

    # The officer is told of the answer (no handler was named: the intake officers are) and
    # reads it in the thread; the email carries no word of it.
    smtp_sink.wait(2)
    replies = [m for m in smtp_sink.to(officer_email) if m is not mail]
    assert [m["Subject"] for m in replies] == [
        f"Người gửi đã trả lời trên cổng trực tuyến: {case_code}"]
    assert ANSWER not in replies[0].get_content()
    officer.reload()
    expect(officer.get_by_test_id("thread-from_member")).to_contain_text(ANSWER)
