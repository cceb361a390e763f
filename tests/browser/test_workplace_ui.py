"""A grassroots union's periodic dialogue, walked through the pages (Vietnamese UI): from the
home page's "periodic dialogue due" reminder to the minutes signed by both sides and made
public, and the follow-up of an agreed item; then the province sees the share of employers
of its subtree that held it. Each step's document is drafted from the step by the union's
officer and issued with a number by its chair."""
import re
from datetime import timedelta

import sqlalchemy as sa

from tests.browser.conftest import login, require_browser_deps

require_browser_deps()

from playwright.sync_api import Page, expect

EMPLOYER = "Công ty TNHH Giày Kỳ Anh"
WORKERS_ITEM = "Tăng tiền ăn giữa ca lên 30.000 đồng"


def _state(page: Page):
    return page.get_by_test_id("case-state")


def _action(page: Page, trigger: str):
    return page.locator(f'form[data-trigger="{trigger}"]')


def _draft(page: Page, button_scope, title: str) -> str:
    need = button_scope.get_by_test_id("step-needs")
    expect(need).to_contain_text(f"Cần văn bản đã ban hành “{title}”")
    need.get_by_role("button", name="Soạn thảo ngay, điền sẵn từ hồ sơ").first.click()
    expect(page.get_by_role("alert")).to_contain_text("Đã tạo dự thảo")
    return page.url


def _issue(page: Page, draft_url: str) -> str:
    page.goto(draft_url)
    asked = []

    def confirm(dialog):  # a number in the register cannot be taken back: asked first
        asked.append(dialog.message)
        dialog.accept()

    page.once("dialog", confirm)
    page.get_by_role("button", name="Ban hành (cấp số và khóa)").click()
    expect(page.get_by_role("alert")).to_contain_text("Đã ban hành, số")
    assert asked and asked[0].startswith("Ban hành văn bản này ngay?"), asked
    return page.get_by_test_id("document-number").inner_text()


def test_periodic_dialogue_from_reminder_to_follow_up(new_page, live_server, db, world):
    from app.cases.models import Case
    from app.core.calendar import local_today
    from app.workplace import services
    from app.workplace.models import DialogueItem

    today = local_today()
    services.register_employer(
        world.users["grass_handler"], world.orgs["a_grass"], name=EMPLOYER, kind="enterprise",
        representative="Nguyễn Văn Giám", covered_since=today - timedelta(days=400),
        workers=120)
    db.session.commit()
    officer = new_page()
    login(officer, live_server, "grass_handler")
    chair = new_page()
    login(chair, live_server, "grass_approver")

    # 1. The home page reminds the officer: the periodic dialogue of the year is overdue.
    officer.goto("/")
    block = officer.get_by_test_id("dialogue-duties")
    row = block.get_by_test_id("dialogue-due-row").filter(has_text=EMPLOYER)
    expect(row).to_contain_text("Quá hạn")
    row.get_by_role("link", name="Lên lịch").click()

    # 2. Scheduled in ten days, the employer and the kind already chosen.
    expect(officer.get_by_label("Đơn vị sử dụng lao động", exact=True)).to_have_value(
        re.compile(r"\d+"))
    expect(officer.get_by_label("Loại đối thoại")).to_have_value("periodic")
    officer.get_by_label("Ngày đối thoại").fill((today + timedelta(days=10)).isoformat())
    officer.get_by_label("Địa điểm").fill("Hội trường công ty")
    officer.get_by_role("button", name="Lên lịch").click()
    expect(officer).to_have_url(re.compile(r"/cases/\d+$"))
    case_url = officer.url
    expect(officer.get_by_role("alert")).to_contain_text("Đã lên lịch đối thoại")
    panel = officer.get_by_test_id("dialogue-panel")
    expect(panel.get_by_test_id("dialogue-item")).to_have_text([re.compile("Điều kiện làm việc")])

    # 3. The workers' proposal gathered, the invitation issued, the content sent.
    add = panel.get_by_test_id("add-item")
    add.get_by_label("Nội dung của bên nào").select_option("workers")
    add.get_by_label("Nội dung", exact=True).fill(WORKERS_ITEM)
    add.get_by_role("button", name="Thêm nội dung").click()
    expect(officer.get_by_test_id("dialogue-item")).to_have_count(2)
    number = _issue(chair, _draft(officer, _action(officer, "send_agenda"), "Giấy mời đối thoại"))
    assert re.fullmatch(r"Số \d{2}/GM-CĐCS", number), number
    officer.goto(case_url)
    _action(officer, "send_agenda").get_by_role(
        "button", name="Gửi nội dung và giấy mời đối thoại").click()
    expect(_state(officer)).to_have_text("Đã gửi nội dung, giấy mời")

    # 4. Held: too few on the workers' side for 120 workers is refused, the lists kept.
    officer.get_by_test_id("hold").click()
    expect(officer.get_by_test_id("minimum")).to_contain_text("ít nhất 4")
    workers = officer.get_by_label(re.compile("^Bên người lao động"))
    workers.fill("Nguyễn Văn An, Chủ tịch CĐCS\nTrần Thị Bình, Tổ trưởng\nLê Văn Cường")
    employer_side = officer.get_by_label(re.compile("^Bên người sử dụng lao động"))
    expect(employer_side).to_have_value(re.compile("Nguyễn Văn Giám"))
    employer_side.fill("Nguyễn Văn Giám, Giám đốc\nPhạm Thị Dung, Kế toán trưởng\n"
                       "Hoàng Văn Em, Trưởng phòng nhân sự")
    officer.get_by_role("button", name="Ghi nhận đã tổ chức").click()
    expect(officer.locator(".invalid-feedback")).to_contain_text("phải có ít nhất 4 người tham gia")
    expect(workers).to_have_value(re.compile("Lê Văn Cường"))
    workers.fill(workers.input_value() + "\nĐỗ Thị Hoa, Tổ trưởng")
    officer.get_by_role("button", name="Ghi nhận đã tổ chức").click()
    expect(_state(officer)).to_have_text("Đã tổ chức, đang lập biên bản")

    # 5. The minutes: one item agreed (with a due date), one not; both sides sign.
    officer.get_by_test_id("minutes").click()
    items = officer.get_by_test_id("minutes-item")
    items.nth(0).get_by_label("Kết quả").select_option("agreed")
    items.nth(0).get_by_label(re.compile("^Nội dung thống nhất")).fill(
        "Lắp thêm 10 quạt công nghiệp tại xưởng may")
    items.nth(0).get_by_label("Thời hạn thực hiện").fill((today + timedelta(days=30)).isoformat())
    items.nth(1).get_by_label("Kết quả").select_option("not_agreed")
    officer.get_by_label("Nguyễn Văn An").check()
    officer.get_by_label("Nguyễn Văn Giám").check()
    officer.get_by_role("button", name="Lưu biên bản").click()
    expect(officer.get_by_role("alert")).to_contain_text("Đã lưu biên bản")
    _issue(chair, _draft(officer, _action(officer, "sign_minutes"), "Biên bản đối thoại"))
    officer.goto(case_url)
    _action(officer, "sign_minutes").get_by_role(
        "button", name="Biên bản đã được hai bên ký").click()
    expect(_state(officer)).to_have_text("Biên bản đã ký")

    # 6. Made public to the workers with the notice of the result.
    officer.get_by_test_id("publish").click()
    publish_url = officer.url
    _issue(chair, _draft(officer, officer.locator("form"), "Thông báo kết quả đối thoại"))
    officer.goto(publish_url)
    officer.get_by_label(re.compile("^Hình thức")).fill("Niêm yết tại bảng tin nhà ăn")
    officer.get_by_role("button", name="Lưu").click()
    expect(_state(officer)).to_have_text("Đã công khai, theo dõi thực hiện")
    expect(officer.get_by_test_id("published")).to_contain_text("Niêm yết tại bảng tin nhà ăn")

    # 7. The agreed item followed up to done.
    follow = officer.get_by_test_id("follow-form")
    follow.get_by_label("Kết quả").select_option("done")
    follow.get_by_role("button", name="Ghi nhận").click()
    expect(officer.get_by_test_id("item-follow").first).to_contain_text("Đã thực hiện ngày")
    case = db.session.scalar(sa.select(Case).where(Case.family == "dialogue"))
    done = db.session.scalar(sa.select(DialogueItem).where(DialogueItem.case_id == case.id,
                                                           DialogueItem.status == "done"))
    assert done.text == "Điều kiện làm việc"

    # 8. The home page no longer lists the employer; the province sees the share.
    officer.goto("/")
    expect(officer.get_by_test_id("dialogue-due-row").filter(has_text=EMPLOYER)).to_have_count(0)
    province = new_page()
    login(province, live_server, "approver")
    province.goto("/")
    expect(province.get_by_test_id("dialogue-share").first).to_contain_text("1/1")
    expect(province.get_by_test_id("dialogue-share").first).to_contain_text("100%")
