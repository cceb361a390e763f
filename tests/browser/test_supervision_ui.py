"""A supervision from the signal to its closing, walked through the Vietnamese pages.

Every step is done in the browser by the user whose role it is, each in a separate context:
intake, handler, approver, delegate. The notice period (15 days) cannot pass in a browser
test, so after the refusal has been seen the test sets SUPERVISION_NOTICE_DAYS to 0 on the
live app for the rest of the test (monkeypatch puts it back afterwards).
"""
import re
from datetime import UTC, date, timedelta
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa

from tests.browser.conftest import login, require_browser_deps
from tests.browser.journey import SCREENS, find_case, go, open_draft

require_browser_deps()

from playwright.sync_api import Page, expect

from app.core.calendar import local_today

TITLE = "Phản ánh việc chậm đóng bảo hiểm xã hội tại Công ty May Việt Hàn"
SUBJECT = "Công ty TNHH May Việt Hàn"
PURPOSE = "Đánh giá việc thực hiện chế độ bảo hiểm xã hội đối với người lao động"
CONTENT = "Việc trích nộp bảo hiểm xã hội và trả lương làm thêm giờ năm 2026"
PLACE = "Trụ sở Công ty TNHH May Việt Hàn, Kỳ Anh"
PREPARATION = "Báo cáo bằng văn bản theo đề cương; bảng lương và chứng từ nộp BHXH 12 tháng"
SECRETARY = "Đỗ Thị Thu"
MINUTES = "Công ty xác nhận chậm đóng BHXH 3 tháng cho 125 người lao động."
PDF_NAME = "bien-ban-lam-viec.pdf"
PDF_BYTES = (b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
             b"2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n")
RECS = [("Công ty TNHH May Việt Hàn", "Sở Nội vụ tỉnh Hà Tĩnh",
         "Truy đóng bảo hiểm xã hội còn nợ cho người lao động"),
        ("Ban Giám đốc Công ty TNHH May Việt Hàn", "Hội đồng thành viên công ty",
         "Trả bổ sung tiền lương làm thêm giờ còn thiếu")]
CONCLUSION = "Đơn vị cơ bản chấp hành pháp luật lao động; cần khắc phục việc chậm đóng BHXH."
CONCLUSION_2 = CONCLUSION + " Thời hạn khắc phục: 30 ngày kể từ ngày nhận kết luận."
RETURN_COMMENT = "Bổ sung thời hạn khắc phục vào phần kết luận"

#: The workflow triggers fired on the supervision case, in order.
TRIGGERS = ["classify", "draft_plan", "approve_plan", "form_delegation", "notify_subject",
            "start_fieldwork", "submit_report", "return_report", "submit_report",
            "approve_conclusion", "issue_conclusion", "close"]


def _state(page: Page):
    return page.get_by_test_id("case-state")


def _action(page: Page, trigger: str):
    return page.locator(f'form[data-trigger="{trigger}"]')


def _fire(page: Page, trigger: str, label: str, comment: str | None = None,
          done: bool = True) -> None:
    """Click an action's button (with a comment if given); by default expect it to succeed."""
    form = _action(page, trigger)
    button = form.get_by_role("button", name=label, exact=True)
    expect(button).to_be_visible()
    if comment is not None:
        textarea = form.locator(f"#{trigger}-comment")
        if not textarea.is_visible():
            form.get_by_text("Thêm ý kiến").click()
        textarea.fill(comment)
    if form.get_attribute("data-confirm"):  # a step that closes the case asks first
        page.once("dialog", lambda dialog: dialog.accept())
    button.click()
    if done:
        expect(page.get_by_role("alert").filter(has_text=f"Đã thực hiện: {label}.")
               ).to_be_visible()


def _draft_from_step(page: Page, trigger: str, title: str) -> str:
    """The step's box names the document it rests on; its button drafts it prefilled from the
    case. Returns the draft's URL."""
    need = _action(page, trigger).get_by_test_id("step-needs")
    expect(need).to_contain_text(f"Cần văn bản đã ban hành “{title}”")
    need.get_by_role("button", name="Soạn thảo ngay, điền sẵn từ hồ sơ").first.click()
    expect(page.get_by_role("alert")).to_contain_text("Đã tạo dự thảo")
    expect(page.get_by_role("heading", level=1)).to_contain_text(title)
    return page.url


def _issue(page: Page, code: str, title: str, type_code: str | None) -> str:
    """An approver who did not draft it finds the draft among the case's documents and issues
    it: it takes the unit's next number."""
    open_draft(page, code, title)
    asked = []

    def confirm(dialog):  # a number in the register cannot be taken back: asked first
        asked.append(dialog.message)
        dialog.accept()

    page.once("dialog", confirm)
    page.get_by_role("button", name="Ban hành (cấp số và khóa)").click()
    expect(page.get_by_role("alert")).to_contain_text("Đã ban hành, số")
    assert asked and asked[0].startswith("Ban hành văn bản này ngay?"), asked
    number = page.get_by_test_id("document-number").inner_text()
    symbol = f"/{type_code}-LĐLĐ" if type_code else "/LĐLĐ"
    assert re.fullmatch(rf"Số \d{{2}}{re.escape(symbol)}", number), number
    return number.removeprefix("Số ")


def _issue_drafted(drafter: Page, issuer: Page, code: str, trigger: str, title: str,
                   type_code: str | None) -> str:
    """The step's document drafted by one user from the step, issued by another."""
    _draft_from_step(drafter, trigger, title)
    return _issue(issuer, code, title, type_code)


def _rests_on(page: Page, code: str, trigger: str, title: str, number: str) -> None:
    find_case(page, code)
    expect(_action(page, trigger).get_by_test_id("step-needs")).to_contain_text(
        f"Căn cứ {title} số {number}")


def _log_a_feedback_letter(page: Page) -> str:
    """The intake officer logs a phản ánh through the letters intake; returns its URL."""
    go(page, "Việc của tôi")
    page.get_by_test_id("log-letter").click()
    page.get_by_label("Kênh tiếp nhận").select_option(
        label="Báo cáo, phản ánh của công đoàn cấp dưới, đoàn viên, người lao động")
    page.get_by_label("Hình thức tiếp nhận").select_option(label="Trực tiếp")
    unit = page.get_by_label("Đơn vị tiếp nhận")
    unit.select_option(unit.locator("option", has_text="Liên đoàn Lao động tỉnh Hà Tĩnh")
                       .get_attribute("value"))
    page.get_by_label("Tiêu đề", exact=True).fill(TITLE)
    page.get_by_label("Nội dung", exact=True).fill(
        "Người lao động phản ánh công ty chậm đóng bảo hiểm xã hội ba tháng liền.")
    page.get_by_label("Đơn đề cập đến").select_option(label="Tổ chức, cơ quan, doanh nghiệp")
    page.get_by_label("Tên cá nhân, tổ chức bị khiếu nại, tố cáo, phản ánh").fill(SUBJECT)
    page.get_by_label("Họ và tên người gửi", exact=False).fill("Lê Văn Lao Động")
    page.get_by_role("button", name="Ghi nhận đơn").click()
    expect(page).to_have_url(re.compile(r"/cases/\d+$"))
    expect(_state(page)).to_have_text("Tiếp nhận")
    return page.url


def _dates_are_kept(page: Page, starts: date, ends: date) -> None:
    expect(page.get_by_label("Ngày bắt đầu giám sát", exact=True)).to_have_value(
        starts.strftime("%d/%m/%Y"))
    expect(page.get_by_label("Ngày kết thúc giám sát", exact=True)).to_have_value(
        ends.strftime("%d/%m/%Y"))


@pytest.mark.parametrize("screen", SCREENS)
def test_a_supervision_goes_from_a_signal_to_its_closing(new_page, live_server, app, db,
                                                          world, monkeypatch, screen):
    from app.cases.models import Attachment, Case, CaseEvent

    width, height = SCREENS[screen]
    intake, handler, approver, delegate, approver2 = (
        new_page(width=width, height=height) for _ in range(5))
    for page, user in ((intake, "intake"), (handler, "handler"), (approver, "approver"),
                       (delegate, "delegate"), (approver2, "approver2")):
        login(page, live_server, user)
    issued = []

    # 1. A letter (phản ánh) is logged; the handler opens a supervision from it.
    letter_url = _log_a_feedback_letter(intake)
    letter_code = intake.get_by_test_id("case-code").inner_text()
    find_case(handler, letter_code)
    handler.get_by_role("button", name="Mở cuộc giám sát từ tín hiệu này").click()
    expect(handler).to_have_url(re.compile(r"/cases/\d+$"))
    assert handler.url != letter_url
    case_url = handler.url
    code = handler.get_by_test_id("case-code").inner_text()
    assert re.fullmatch(r"GS-\d{4}-\d{6}", code), code
    expect(handler.get_by_role("alert")).to_contain_text(
        f"Đã mở cuộc giám sát {code} từ tín hiệu này.")
    expect(handler.get_by_role("heading", level=1)).to_have_text(TITLE)
    expect(_state(handler)).to_have_text("Tiếp nhận / đề xuất")
    expect(handler.get_by_role("link", name=letter_code)).to_have_attribute(
        "href", re.compile(re.escape(letter_url.removeprefix(live_server)) + "$"))

    # 2. Classify; the plan, first with its dates out of order.
    _fire(handler, "classify", "Phân loại")
    expect(_state(handler)).to_have_text("Đã phân loại")
    panel = handler.get_by_test_id("supervision-panel")
    expect(panel).to_contain_text("Chưa có kế hoạch")
    panel.get_by_role("link", name="Cập nhật kế hoạch").click()
    expect(handler.get_by_role("heading", name="Kế hoạch giám sát")).to_be_visible()
    starts, ends = local_today() + timedelta(days=20), local_today() + timedelta(days=25)
    handler.get_by_label("Mục đích, yêu cầu", exact=True).fill(PURPOSE)
    handler.get_by_label("Nội dung giám sát", exact=True).fill(CONTENT)
    handler.get_by_label("Hình thức giám sát", exact=True).fill("Làm việc trực tiếp")
    handler.get_by_label("Địa điểm", exact=True).fill(PLACE)
    handler.get_by_label("Ngày bắt đầu giám sát", exact=True).fill(ends.isoformat())
    handler.get_by_label("Ngày kết thúc giám sát", exact=True).fill(starts.isoformat())
    handler.get_by_label("Nội dung đối tượng giám sát cần chuẩn bị", exact=True).fill(
        PREPARATION)
    handler.get_by_role("button", name="Lưu", exact=True).click()

    expect(handler.get_by_text("Ngày kết thúc không được trước ngày bắt đầu.")).to_be_visible()
    expect(handler.get_by_label("Ngày kết thúc giám sát", exact=True)).to_have_class(
        re.compile(r"\bis-invalid\b"))
    for label, typed in (("Mục đích, yêu cầu", PURPOSE), ("Nội dung giám sát", CONTENT),
                         ("Địa điểm", PLACE),
                         ("Nội dung đối tượng giám sát cần chuẩn bị", PREPARATION)):
        expect(handler.get_by_label(label, exact=True)).to_have_value(typed)
    _dates_are_kept(handler, ends, starts)

    handler.get_by_label("Ngày bắt đầu giám sát", exact=True).fill(starts.isoformat())
    handler.get_by_label("Ngày kết thúc giám sát", exact=True).fill(ends.isoformat())
    handler.get_by_role("button", name="Lưu", exact=True).click()
    expect(handler).to_have_url(case_url)
    expect(handler.get_by_role("alert")).to_contain_text("Đã lưu kế hoạch.")
    expect(panel.get_by_test_id("plan-dates")).to_contain_text(
        f"{starts:%d/%m/%Y} – {ends:%d/%m/%Y}, {PLACE}")
    expect(panel).to_contain_text(PURPOSE)
    expect(panel).to_contain_text(PREPARATION)
    _fire(handler, "draft_plan", "Lập kế hoạch giám sát")
    expect(_state(handler)).to_have_text("Dự thảo kế hoạch")

    # 3. The approver approves the plan; the delegation is named, then formed.
    find_case(approver, code)
    _fire(approver, "approve_plan", "Duyệt kế hoạch")
    expect(_state(approver)).to_have_text("Kế hoạch đã duyệt")

    find_case(handler, code)
    handler.get_by_test_id("supervision-panel").get_by_role(
        "link", name="Xác định thành phần đoàn").click()
    expect(handler.get_by_role("heading", name="Đoàn giám sát")).to_be_visible()
    handler.get_by_label("Họ và tên 1", exact=True).fill(SECRETARY)
    handler.get_by_label("Chức vụ 1", exact=True).fill("Chuyên viên")
    handler.get_by_label("Nhiệm vụ trong đoàn 1", exact=True).select_option(label="Thư ký")
    handler.get_by_role("button", name="Lưu", exact=True).click()
    expect(handler.get_by_role("alert").filter(
        has_text="Đoàn giám sát phải có đúng một Trưởng đoàn.")).to_be_visible()
    expect(handler.get_by_label("Họ và tên 1", exact=True)).to_have_value(SECRETARY)

    handler.get_by_label("Tài khoản 1", exact=True).select_option(label="Người dùng delegate")
    handler.get_by_label("Họ và tên 1", exact=True).fill("")
    handler.get_by_label("Chức vụ 1", exact=True).fill("Phó Chủ tịch")
    handler.get_by_label("Nhiệm vụ trong đoàn 1", exact=True).select_option(label="Trưởng đoàn")
    handler.get_by_label("Họ và tên 2", exact=True).fill(SECRETARY)
    handler.get_by_label("Chức vụ 2", exact=True).fill("Chuyên viên")
    handler.get_by_label("Nhiệm vụ trong đoàn 2", exact=True).select_option(label="Thư ký")
    handler.get_by_role("button", name="Lưu", exact=True).click()
    expect(handler).to_have_url(case_url)
    expect(handler.get_by_role("alert")).to_contain_text("Đã xác định thành phần đoàn giám sát.")
    expect(handler.get_by_test_id("delegation").get_by_role("listitem")).to_have_text([
        "Người dùng delegate, Phó Chủ tịch — Trưởng đoàn", f"{SECRETARY}, Chuyên viên — Thư ký"])

    find_case(approver, code)
    _fire(approver, "form_delegation", "Quyết định thành lập đoàn", done=False)
    expect(approver.get_by_test_id("action-error")).to_contain_text(
        "cần văn bản đã ban hành: “Quyết định thành lập đoàn giám sát”")
    title = "Quyết định thành lập đoàn giám sát"
    number = _issue_drafted(approver, approver2, code, "form_delegation", title, "QĐ")
    issued.append(number)
    _rests_on(approver, code, "form_delegation", title, number)
    _fire(approver, "form_delegation", "Quyết định thành lập đoàn")
    expect(_state(approver)).to_have_text("Đã quyết định thành lập đoàn")

    # 4. The notice; fieldwork is refused until the notice period has passed.
    find_case(intake, code)
    title = "Công văn thông báo giám sát"
    number = _issue_drafted(intake, approver, code, "notify_subject", title, None)
    issued.append(number)
    _rests_on(intake, code, "notify_subject", title, number)
    _fire(intake, "notify_subject", "Gửi thông báo cho đối tượng")
    expect(_state(intake)).to_have_text("Đã thông báo đối tượng")

    db.session.expire_all()
    case = db.session.scalar(sa.select(Case).where(Case.code == code))
    notified_at = db.session.scalar(sa.select(CaseEvent.created_at).where(
        CaseEvent.case_id == case.id, CaseEvent.action == "notify_subject"))
    # The notice day is the day in Vietnam (UTC+7), as the app counts it.
    notified = notified_at.replace(tzinfo=notified_at.tzinfo or UTC).astimezone(
        ZoneInfo("Asia/Ho_Chi_Minh")).date()
    earliest = notified + timedelta(days=15)
    db.session.rollback()

    find_case(delegate, code)
    expect(delegate.get_by_test_id("earliest-fieldwork")).to_have_text(
        f"Sớm nhất từ ngày {earliest:%d/%m/%Y} mới được bắt đầu giám sát.")
    _fire(delegate, "start_fieldwork", "Bắt đầu giám sát", done=False)
    expect(delegate.get_by_test_id("action-error")).to_have_text(
        f"Đối tượng phải được thông báo ít nhất 15 ngày trước khi giám sát: đã thông báo ngày "
        f"{notified:%d/%m/%Y}, nên sớm nhất từ ngày {earliest:%d/%m/%Y} mới được bắt đầu "
        f"giám sát.")
    expect(_state(delegate)).to_have_text("Đã thông báo đối tượng")

    monkeypatch.setitem(app.config, "SUPERVISION_NOTICE_DAYS", 0)
    _fire(delegate, "start_fieldwork", "Bắt đầu giám sát")  # again, from the refusal page
    expect(_state(delegate)).to_have_text("Đang giám sát")

    # 5. A working session with a PDF; the draft report, submitted.
    panel = delegate.get_by_test_id("supervision-panel")
    panel.get_by_role("link", name="Ghi nhận buổi làm việc").click()
    expect(delegate.get_by_role("heading", name="Buổi làm việc")).to_be_visible()
    delegate.get_by_label("Ngày", exact=True).fill(local_today().isoformat())
    delegate.get_by_label("Địa điểm", exact=True).fill(PLACE)
    delegate.get_by_label("Thành phần tham dự", exact=True).fill(
        "Đoàn giám sát; Giám đốc công ty; Chủ tịch công đoàn cơ sở")
    delegate.get_by_label("Biên bản", exact=True).fill(MINUTES)
    delegate.get_by_label("Tài liệu đã nhận", exact=True).fill("Bảng lương tháng 1–6/2026")
    delegate.get_by_label("Đính kèm tệp", exact=True).set_input_files(
        files=[{"name": PDF_NAME, "mimeType": "application/pdf", "buffer": PDF_BYTES}])
    delegate.get_by_role("button", name="Lưu", exact=True).click()
    expect(delegate).to_have_url(case_url)
    expect(delegate.get_by_role("alert")).to_contain_text("Đã ghi nhận buổi làm việc.")
    expect(panel).to_contain_text(MINUTES)
    pdf_link = panel.get_by_role("link", name=PDF_NAME)
    expect(pdf_link).to_be_visible()
    download = delegate.request.get(pdf_link.get_attribute("href"))
    assert download.status == 200 and download.body() == PDF_BYTES

    panel.get_by_role("link", name="Soạn dự thảo báo cáo").click()
    expect(delegate.get_by_role("heading", name="Dự thảo báo cáo")).to_be_visible()
    item = delegate.get_by_role("group", name="Mục nội dung 1", exact=True)
    item.get_by_label("Mục nội dung", exact=True).fill("Trích nộp bảo hiểm xã hội")
    item.get_by_label("Ưu điểm", exact=True).fill("Đóng đủ cho 92% người lao động")
    item.get_by_label("Hạn chế, thiếu sót", exact=True).fill("Chậm đóng 3 tháng cho 125 người")
    item.get_by_label("Nguyên nhân", exact=True).fill("Khó khăn về dòng tiền")
    for i, (addressee, superior, text) in enumerate(RECS, start=1):
        rec = delegate.get_by_role("group", name=f"Kiến nghị {i}", exact=True)
        rec.get_by_label("Nơi nhận kiến nghị", exact=True).fill(addressee)
        rec.get_by_label("Cơ quan cấp trên của nơi nhận kiến nghị", exact=True).fill(superior)
        rec.get_by_label("Kiến nghị", exact=True).fill(text)
    delegate.get_by_label("Kết luận", exact=True).fill(CONCLUSION)
    delegate.get_by_role("button", name="Lưu", exact=True).click()
    expect(delegate).to_have_url(case_url)
    expect(delegate.get_by_role("alert")).to_contain_text("Đã lưu dự thảo báo cáo.")
    version_1 = panel.locator("div").filter(
        has=delegate.get_by_role("link", name="Phiên bản 1", exact=True)).last
    expect(version_1).to_contain_text("dự thảo")
    _fire(delegate, "submit_report", "Trình dự thảo báo cáo")
    expect(_state(delegate)).to_have_text("Dự thảo báo cáo")

    # 6. Returned with a comment, reworked, resubmitted, approved.
    find_case(approver, code)
    _fire(approver, "return_report", "Trả lại để hoàn thiện", comment=RETURN_COMMENT)
    expect(_state(approver)).to_have_text("Đang giám sát")

    find_case(delegate, code)
    expect(delegate.get_by_test_id("timeline").get_by_role("listitem").last).to_contain_text(
        RETURN_COMMENT)
    panel.get_by_role("link", name="Soạn dự thảo báo cáo").click()
    conclusion = delegate.get_by_label("Kết luận", exact=True)
    expect(conclusion).to_have_value(CONCLUSION)
    expect(delegate.get_by_role("group", name="Kiến nghị 2", exact=True).get_by_label(
        "Kiến nghị", exact=True)).to_have_value(RECS[1][2])
    conclusion.fill(CONCLUSION_2)
    delegate.get_by_role("button", name="Lưu", exact=True).click()
    expect(delegate.get_by_role("alert")).to_contain_text("Đã lưu dự thảo báo cáo.")
    _fire(delegate, "submit_report", "Trình dự thảo báo cáo")
    expect(_state(delegate)).to_have_text("Dự thảo báo cáo")

    find_case(approver, code)
    _fire(approver, "approve_conclusion", "Duyệt kết luận")
    expect(_state(approver)).to_have_text("Kết luận đã duyệt")
    approver_panel = approver.get_by_test_id("supervision-panel")
    expect(approver_panel.get_by_role("link", name=re.compile(r"^Phiên bản \d+$"))).to_have_count(1)
    version_1 = approver_panel.locator("div").filter(
        has=approver.get_by_role("link", name="Phiên bản 1", exact=True)).last
    expect(version_1).to_contain_text("đã duyệt ngày")
    approver_panel.get_by_role("link", name="Phiên bản 1", exact=True).click()
    expect(approver.get_by_test_id("conclusion")).to_have_text(CONCLUSION_2)
    expect(approver.get_by_text("đã duyệt ngày")).to_be_visible()

    # 7. Issued: one recommendation case per recommendation; closing is refused for now.
    find_case(intake, code)
    for title, type_code in (("Báo cáo kết quả giám sát", "BC"),
                             ("Văn bản kiến nghị sau giám sát", None)):
        find_case(intake, code)
        number = _issue_drafted(intake, approver, code, "issue_conclusion", title, type_code)
        issued.append(number)
        _rests_on(intake, code, "issue_conclusion", title, number)
    _fire(intake, "issue_conclusion", "Ban hành báo cáo và kiến nghị")
    expect(_state(intake)).to_have_text("Theo dõi kiến nghị")

    find_case(handler, code)
    recs = handler.get_by_test_id("recommendations").get_by_role("listitem")
    expect(recs).to_have_count(2)
    for row, (addressee, _superior, _text) in zip(recs.all(), RECS):
        expect(row).to_contain_text(re.compile(r"^KN-\d{4}-\d{6} · "))
        expect(row).to_contain_text(f"{addressee} · Chờ trả lời")
    rec_codes = [link.inner_text() for link in recs.get_by_role("link").all()]
    _fire(handler, "close", "Kết thúc giám sát", done=False)
    expect(handler.get_by_test_id("action-error")).to_have_text("Còn 2 kiến nghị chưa kết thúc.")
    expect(_state(handler)).to_have_text("Theo dõi kiến nghị")

    # 8. Each recommendation: a reply (where the follow-up panel offers the form),
    # implemented, closed.
    replies = 0
    for rec_code, (addressee, superior, text) in zip(rec_codes, RECS):
        find_case(handler, code)
        handler.get_by_test_id("recommendations").get_by_role("link", name=rec_code).click()
        expect(handler.get_by_test_id("case-code")).to_have_text(rec_code)
        expect(_state(handler)).to_have_text("Chờ trả lời")
        followup = handler.get_by_test_id("followup-panel")
        expect(followup.get_by_test_id("addressee")).to_contain_text(addressee)
        expect(followup.get_by_test_id("addressee")).to_contain_text(superior)
        expect(followup).to_contain_text(text)
        expect(followup.get_by_test_id("parent-supervision")).to_have_text(code)
        reply_text = f"{addressee} báo cáo đã thực hiện: {text.lower()}."
        reply_form = followup.get_by_test_id("reply-form")
        if reply_form.count():
            reply_form.get_by_label("Nội dung trả lời của nơi nhận kiến nghị").fill(reply_text)
            reply_form.get_by_role("button", name="Lưu văn bản trả lời").click()
            expect(handler.get_by_role("alert")).to_contain_text("Đã ghi nhận văn bản trả lời.")
            expect(followup.get_by_test_id("replies")).to_contain_text(reply_text)
            replies += 1
        _fire(handler, "record_implemented", "Ghi nhận đã thực hiện")
        expect(_state(handler)).to_have_text("Đã thực hiện")
        _fire(handler, "close", "Đóng kiến nghị")
        expect(_state(handler)).to_have_text("Đã đóng")
        expect(followup.get_by_test_id("reply-form")).to_have_count(0)

    # 9. The supervision is closed; its timeline shows every step.
    handler.get_by_test_id("parent-supervision").click()
    expect(handler).to_have_url(case_url)
    expect(handler.get_by_test_id("recommendations")).not_to_contain_text("Chờ trả lời")
    _fire(handler, "close", "Kết thúc giám sát")
    expect(_state(handler)).to_have_text("Kết thúc")
    expect(handler.locator("form[data-trigger]")).to_have_count(0)
    step_labels = {"classify": "Phân loại", "draft_plan": "Lập kế hoạch giám sát",
                   "approve_plan": "Duyệt kế hoạch", "form_delegation": "Quyết định thành lập đoàn",
                   "notify_subject": "Gửi thông báo cho đối tượng",
                   "start_fieldwork": "Bắt đầu giám sát",
                   "submit_report": "Trình dự thảo báo cáo",
                   "return_report": "Trả lại để hoàn thiện",
                   "approve_conclusion": "Duyệt kết luận",
                   "issue_conclusion": "Ban hành báo cáo và kiến nghị",
                   "close": "Kết thúc giám sát"}
    headings = handler.get_by_test_id("timeline").locator("li > div:first-child > strong")
    shown = [t.strip() for t in headings.all_inner_texts()]
    assert [t for t in shown if t in step_labels.values()] == [step_labels[t] for t in TRIGGERS]
    assert not [t for t in shown if re.fullmatch(r"[a-z_]+", t)], shown  # no internal names
    expect(handler.get_by_test_id("timeline").get_by_role("listitem").last).to_contain_text(
        "Kết thúc giám sát → Kết thúc")

    # What the browsers did is in the database.
    db.session.expire_all()
    case = db.session.scalar(sa.select(Case).where(Case.code == code))
    letter = db.session.scalar(sa.select(Case).where(Case.code == letter_code))
    assert (case.family, case.state, case.parent_id) == ("supervision", "closed", letter.id)
    assert case.closed_at is not None and not case.is_open
    actions = db.session.scalars(sa.select(CaseEvent.action).where(CaseEvent.case_id == case.id)
                                 .order_by(CaseEvent.id)).all()
    triggers = [a for a in actions if case.workflow.has_action(a)]
    assert triggers == TRIGGERS
    assert actions[0] == "open"
    for record in ("plan_saved", "delegation_named", "working_session", "report_saved"):
        assert record in actions
    # The refused attempts left nothing behind.
    assert actions.count("plan_saved") == 1 and actions.count("delegation_named") == 1
    assert actions.count("start_fieldwork") == 1 and actions.count("close") == 1
    children = db.session.scalars(sa.select(Case).where(Case.parent_id == case.id)
                                  .order_by(Case.id)).all()
    assert [(c.family, c.code, c.subject_name, c.state) for c in children] == [
        ("recommendation", rec_codes[i], RECS[i][0], "closed") for i in range(2)]
    reply_events = db.session.scalar(sa.select(sa.func.count()).select_from(CaseEvent).where(
        CaseEvent.case_id.in_([c.id for c in children]), CaseEvent.action == "reply"))
    assert reply_events == replies
    # each step's document was issued with the next number of the unit's register, and the
    # step's timeline line names it
    assert [int(n.split("/")[0]) for n in issued] == [1, 2, 3, 4]
    rested = [n["number"] for e in db.session.scalars(sa.select(CaseEvent).where(
        CaseEvent.case_id == case.id, CaseEvent.action.in_(
            ("form_delegation", "notify_subject", "issue_conclusion"))).order_by(CaseEvent.id))
        for n in e.data["documents"]]
    assert rested == issued
    att = db.session.scalar(sa.select(Attachment).where(Attachment.case_id == case.id))
    assert (att.filename, att.data) == (PDF_NAME, PDF_BYTES)


def test_a_handler_cannot_approve_a_plan_even_by_posting_the_form(new_page, live_server, db,
                                                                    world):
    from app.cases.models import Case
    from tests.factories import advance, make_case

    u = world.users
    case = make_case(u["intake"], world.orgs["a"])
    advance(case, [u["intake"], u["handler"], u["approver"]], ["classify", "draft_plan"])
    db.session.commit()
    case_id, version = case.id, case.version
    assert case.state == "plan_drafted"

    approver = new_page()
    login(approver, live_server, "approver")
    approver.goto(f"/cases/{case_id}")
    expect(_action(approver, "approve_plan").get_by_role("button")).to_have_text(
        "Duyệt kế hoạch")

    handler = new_page()
    login(handler, live_server, "handler")
    handler.goto(f"/cases/{case_id}")
    expect(_state(handler)).to_have_text("Dự thảo kế hoạch")
    expect(handler.get_by_role("button", name="Duyệt kế hoạch")).to_have_count(0)
    expect(_action(handler, "approve_plan")).to_have_count(0)

    token = handler.locator('input[name="csrf_token"]').first.get_attribute("value")
    response = handler.request.post(f"/cases/{case_id}/actions/approve_plan", form={
        "csrf_token": token, "version": str(version), "comment": ""})
    assert response.status == 403
    assert ("Vai trò của bạn không được phép thực hiện “Duyệt kế hoạch” tại đơn vị này."
            in response.text())

    db.session.expire_all()
    case = db.session.get(Case, case_id)
    assert (case.state, case.version) == ("plan_drafted", version)
