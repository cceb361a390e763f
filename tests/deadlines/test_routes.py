"""The deadlines panel, the extension form, the home page warnings and the admin pages."""
import re
from datetime import date, timedelta

import pytest
import sqlalchemy as sa

from app.core.calendar import local_today
from app.deadlines import services
from app.deadlines.models import CalendarDay, DeadlineAudit, RuleSetting
from app.documents.services import number_label
from tests.deadlines.test_services import accepted, letter
from tests.factories import issue_for

ADMIN_PAGES = ["/admin/deadlines/rules", "/admin/deadlines/rules/complaint.accept",
               "/admin/deadlines/calendar?year=2026"]

VALID_RULE = {"days": "15", "unit": "calendar", "complex_days": "", "remote_days": "",
              "complex_remote_days": "", "max_extensions": "0", "extension_days": "0",
              "warn_before_days": "3"}


def english(browser, user):
    browser.login(user)
    browser.post("/language/en", {"next": "/"})


def text(response):
    return response.get_data(as_text=True)


@pytest.mark.parametrize("user", ["handler", "approver", "auditor", "top_approver"])
def test_admin_pages_are_forbidden_to_non_admins(browser, world, user):
    browser.login(user)
    for url in ADMIN_PAGES:
        assert browser.get(url).status_code == 403, url
    response = browser.post("/admin/deadlines/rules/complaint.accept", VALID_RULE)
    assert response.status_code == 403
    assert browser.post("/admin/deadlines/calendar", {"day": "2026-03-12", "kind": "off"}) \
        .status_code == 403
    assert db_rows(RuleSetting) == [] and db_rows(CalendarDay) == []
    assert 'data-testid="admin-deadlines"' not in text(browser.get("/"))


def db_rows(model):
    from app.extensions import db

    return db.session.scalars(sa.select(model)).all()


def test_admin_sees_the_rule_table_with_legal_basis(browser, world, national_admin):
    browser.login("national_admin")
    assert 'data-testid="admin-deadlines"' in text(browser.get("/"))
    page = text(browser.get("/admin/deadlines/rules"))
    assert "Luật Tố cáo 2018 (25/2018/QH14, Quốc hội, 12/6/2018), Điều 30" in page
    assert 'data-testid="rule-denunciation.resolve"' in page


def test_invalid_rule_is_refused_with_422_and_nothing_saved(browser, world, national_admin):
    english(browser, "national_admin")
    response = browser.post("/admin/deadlines/rules/complaint.accept",
                            {**VALID_RULE, "warn_before_days": "20"})
    assert response.status_code == 422
    assert "The rule was not saved" in text(response)
    assert "warn_before_days (20) must be shorter than days (15)" in text(response)
    response = browser.post("/admin/deadlines/rules/complaint.accept",
                            {**VALID_RULE, "days": "-4"})
    assert response.status_code == 422
    response = browser.post("/admin/deadlines/rules/denunciation.resolve",
                            {**VALID_RULE, "max_extensions": "2", "extension_days": "0"})
    assert response.status_code == 422
    assert db_rows(RuleSetting) == [] and db_rows(DeadlineAudit) == []


def test_rule_edit_and_reset_are_audited(browser, world, national_admin):
    browser.login("national_admin")
    response = browser.post("/admin/deadlines/rules/complaint.accept", VALID_RULE)
    assert response.status_code == 302
    [setting] = db_rows(RuleSetting)
    assert setting.values["days"] == 15 and setting.updated_by_id == national_admin.id
    page = text(browser.get("/admin/deadlines/rules"))
    assert re.search(r'data-testid="rule-complaint.accept".*?data-testid="days">15<', page,
                     re.DOTALL)
    assert "Quản trị Tổng Liên đoàn" in page  # who changed it
    assert browser.post("/admin/deadlines/rules/complaint.accept/reset").status_code == 302
    assert db_rows(RuleSetting) == []
    assert [e.action for e in db_rows(DeadlineAudit)] == ["rule_saved", "rule_reset"]


def test_calendar_page_lists_holidays_and_admin_days(browser, world, db, national_admin):
    english(browser, "national_admin")
    case = letter(world)  # complaint.accept due Thu 12/03/2026
    page = text(browser.get("/admin/deadlines/calendar?year=2026"))
    assert "17/02/2026" in page and "Tết Nguyên Đán" in page
    assert "22/08/2026" in page  # the Saturday worked for the bridge day 31/08/2026
    response = browser.post("/admin/deadlines/calendar?year=2026",
                            {"day": "2026-03-12", "kind": "off", "note": "Nghỉ bù"})
    assert response.status_code == 302
    db.session.refresh(case)
    assert case.due_on == date(2026, 3, 13)
    page = text(browser.get("/admin/deadlines/calendar?year=2026"))
    assert 'data-day="2026-03-12"' in page
    # A Sunday is already a day off: refused, nothing added.
    response = browser.post("/admin/deadlines/calendar?year=2026",
                            {"day": "2026-03-08", "kind": "off", "note": ""})
    assert response.status_code == 422 and "already a day off" in text(response)
    [day] = db_rows(CalendarDay)
    assert browser.post(f"/admin/deadlines/calendar/{day.id}/delete",
                        {"year": "2026"}).status_code == 302
    assert db_rows(CalendarDay) == []
    db.session.refresh(case)
    assert case.due_on == date(2026, 3, 12)
    assert [e.action for e in db_rows(DeadlineAudit)] == ["day_added", "day_removed"]


def test_case_panel_shows_every_due_date_and_how_it_was_computed(browser, world):
    case = accepted(world, accepted_on=date(2026, 2, 7), complexity="complex")
    browser.login("handler")
    page = text(browser.get(f"/cases/{case.id}"))
    panel = page[page.index('data-testid="deadlines-panel"'):]
    # complaint.accept (met the same day) and complaint.first.resolve: 45 days from Sat 07/02
    # -> Wed 24/03/2026.
    assert 'data-rule="complaint.accept" data-status="met"' in panel
    assert 'data-rule="complaint.first.resolve" data-status="running" data-due="2026-03-24"' \
        in panel
    assert "Luật Khiếu nại 2011 (02/2011/QH13, Quốc hội, 11/11/2011), Điều 28" in panel
    assert "Mức độ phức tạp: 45 ngày thay cho 30 ngày" in panel
    # The acceptance period ended on 17/02/2026 (Mùng 1 Tết), moved to Mon 23/02/2026.
    assert "chuyển sang ngày làm việc tiếp theo 23/02/2026" in panel
    assert 'data-kind="overdue"' in panel  # 24/03/2026 is long past


def test_extension_form_on_the_panel(browser, world, db):
    case = accepted(world, kind="denunciation", complexity="complex", verifying=True,
                    accepted_on=local_today() - timedelta(days=10))
    english(browser, "approver")
    page = text(browser.get(f"/cases/{case.id}"))
    assert 'data-testid="extension-form"' in page
    # The extension is fired from that form only: no plain button that would need a decision.
    assert 'data-trigger="extend"' not in page
    due = case.due_on
    response = browser.post(f"/cases/{case.id}/deadlines/extend", {
        "version": str(case.version), "number": "", "decided_on": local_today().isoformat(),
        "reason": "Phức tạp"})
    assert response.status_code == 422
    assert 'value="Phức tạp"' in text(response) or "Phức tạp</textarea>" in text(response)
    [decision] = issue_for(case, "extend", world.users["approver"])  # its written decision
    db.session.commit()
    response = browser.post(f"/cases/{case.id}/deadlines/extend", {
        "version": str(case.version), "number": "15/QĐ-LĐLĐ",
        "decided_on": local_today().isoformat(), "days": "20", "reason": "Phức tạp"})
    assert response.status_code == 302
    db.session.refresh(case)
    assert case.due_on > due
    page = text(browser.get(f"/cases/{case.id}"))
    # the extension carries the issued decision's number, not what was typed
    assert number_label(decision) in page and 'data-testid="extension-refusal"' in page
    # Once more is beyond the rule for a complex case.
    response = browser.post(f"/cases/{case.id}/deadlines/extend", {
        "version": str(case.version), "number": "16/QĐ-LĐLĐ",
        "decided_on": local_today().isoformat(), "reason": "Lần hai"})
    assert response.status_code == 422 and "at most 1 extension" in text(response)


def test_handler_cannot_extend(browser, world):
    case = accepted(world, kind="denunciation", complexity="complex", verifying=True,
                    accepted_on=local_today() - timedelta(days=10))
    browser.login("handler")
    assert 'data-testid="extension-form"' not in text(browser.get(f"/cases/{case.id}"))
    response = browser.post(f"/cases/{case.id}/deadlines/extend", {
        "version": str(case.version), "number": "15/QĐ", "decided_on": local_today().isoformat(),
        "reason": "x"})
    assert response.status_code == 403


def test_extension_of_a_case_outside_scope_is_404(browser, world):
    case = accepted(world, kind="denunciation", complexity="complex", verifying=True,
                    accepted_on=local_today() - timedelta(days=10))
    browser.login("b_approver")
    response = browser.post(f"/cases/{case.id}/deadlines/extend", {
        "version": str(case.version), "number": "15/QĐ", "decided_on": local_today().isoformat(),
        "reason": "x"})
    assert response.status_code == 404


def test_home_page_lists_my_cases_due_soon_and_overdue(browser, world):
    today = local_today()
    cal = services.work_calendar()
    # A receipt day whose 10-day acceptance period ends within the 3 warning days.
    start = next(today - timedelta(days=k) for k in range(15)
                 if 0 <= (cal.add_calendar_days(today - timedelta(days=k), 10) - today).days <= 3)
    soon = letter(world, received_on=start)
    late = letter(world, received_on=today - timedelta(days=40))
    later = letter(world, received_on=today)
    browser.login("handler")
    page = text(browser.get("/"))
    soon_block = page[page.index('data-testid="deadlines-due_soon"'):
                      page.index('data-testid="deadlines-overdue"')]
    overdue_block = page[page.index('data-testid="deadlines-overdue"'):]
    overdue_block = overdue_block[:overdue_block.index("</ul>")]
    assert soon.code in soon_block and soon.code not in overdue_block
    assert late.code in overdue_block and late.code not in soon_block
    assert later.code not in soon_block and later.code not in overdue_block
    # Another province's handler sees none of them.
    browser.logout()
    browser.login("b_handler")
    page = text(browser.get("/"))
    assert late.code not in page
