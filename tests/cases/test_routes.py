"""The pages: login wall, scoping (404 across provinces), filters, actions by role, refusals."""
import html
import re
from datetime import date

import sqlalchemy as sa

from app.cases.models import Case, CaseEvent
from app.core.calendar import local_today
from tests.factories import advance, make_case


def _case_ids(html: bytes) -> set[int]:
    return {int(x) for x in re.findall(rb'href="/cases/(\d+)"', html)}


def test_every_page_requires_login(client, world):
    for url in ["/", "/cases/", "/cases/new", "/cases/1"]:
        response = client.get(url)
        assert response.status_code == 302
        assert "/login" in response.location


def test_login_page_is_vietnamese_by_default_and_english_on_request(browser, world):
    page = browser.get("/login").get_data(as_text=True)
    assert "Đăng nhập" in page
    browser.post("/language/en", {"next": "/login"})
    assert "Log in" in browser.get("/login").get_data(as_text=True)


def test_wrong_password_is_refused_with_a_message(browser, world):
    browser.get("/login")
    response = browser.post("/login", {"username": "handler", "password": "sai-mat-khau"})
    assert response.status_code == 401
    assert "Tên đăng nhập hoặc mật khẩu không đúng" in response.get_data(as_text=True)


def test_post_without_csrf_token_is_refused(browser, db, world):
    browser.login("intake")
    response = browser.post("/cases/new", {"title": "x"}, csrf=False)
    assert response.status_code == 400
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Case)) == 0


def test_list_shows_own_unit_and_below_but_never_a_sibling(browser, db, world):
    o, u = world.orgs, world.users
    mine = make_case(u["intake"], o["a"])
    below = make_case(u["grass_handler"], o["a_grass"])
    other = make_case(u["b_handler"], o["b"])
    db.session.commit()
    browser.login("handler")
    ids = _case_ids(browser.get("/cases/?per_page=100").data)
    assert {mine.id, below.id} <= ids and other.id not in ids
    browser.logout()
    browser.login("grass_handler")
    ids = _case_ids(browser.get("/cases/?per_page=100").data)
    assert below.id in ids and mine.id not in ids


def test_other_province_gets_404_for_view_and_action(browser, db, world):
    case = make_case(world.users["intake"], world.orgs["a"])
    db.session.commit()
    browser.login("b_handler")
    assert browser.get(f"/cases/{case.id}").status_code == 404
    response = browser.post(f"/cases/{case.id}/actions/classify", {"version": case.version})
    assert response.status_code == 404
    db.session.expire_all()
    assert db.session.get(Case, case.id).state == "received"


def test_search_ignores_diacritics_and_filters_combine(browser, db, world):
    u, o = world.users, world.orgs
    hit = make_case(u["intake"], o["a"], family="letter", title="Đơn của bà Nguyễn Thị Hường")
    miss = make_case(u["intake"], o["a"], family="supervision", title="Nguyễn Thị Hường khác")
    make_case(u["intake"], o["a"], family="letter", title="Đơn khác hẳn")
    db.session.commit()
    browser.login("handler")
    html = browser.get("/cases/?q=nguyen+thi+huong&family=letter").data
    assert _case_ids(html) == {hit.id}
    html = browser.get("/cases/?q=NGUYEN%20THI%20HUONG").data
    assert _case_ids(html) == {hit.id, miss.id}


def test_list_pages_through_results(browser, db, world):
    for i in range(30):
        make_case(world.users["intake"], world.orgs["a"], title=f"Vụ việc số {i}")
    db.session.commit()
    browser.login("handler")
    page = browser.get("/cases/?per_page=25").data
    first = _case_ids(page)
    following = html.unescape(re.search(rb'href="([^"]+)" rel="next"', page).group(1).decode())
    page = browser.get(following).data
    second = _case_ids(page)
    assert len(first) == 25 and len(second) == 5 and not first & second
    assert b'rel="next"' not in page and b'rel="prev"' in page


def test_overdue_filter_and_due_sort(browser, db, world):
    u, o = world.users, world.orgs
    late = make_case(u["intake"], o["a"], family="letter", received_on=date(2025, 1, 6))
    make_case(u["intake"], o["a"], family="letter", received_on=local_today())
    make_case(u["intake"], o["a"])  # no deadline running
    db.session.commit()
    browser.login("handler")
    assert _case_ids(browser.get("/cases/?overdue=1").data) == {late.id}
    html = browser.get("/cases/?sort=due").get_data(as_text=True)
    assert html.index(late.code) < html.index("GS-")


def test_due_by_filter_keeps_cases_due_on_or_before_the_day(browser, db, world):
    u, o = world.users, world.orgs
    early = make_case(u["intake"], o["a"], family="letter", received_on=date(2026, 3, 2))
    later = make_case(u["intake"], o["a"], family="letter", received_on=date(2026, 3, 20))
    make_case(u["intake"], o["a"])  # no deadline running
    db.session.commit()
    browser.login("handler")
    cut = early.due_on.isoformat()
    assert early.due_on < later.due_on
    assert _case_ids(browser.get(f"/cases/?due_by={cut}").data) == {early.id}
    assert _case_ids(browser.get(f"/cases/?due_by={later.due_on.isoformat()}").data) == {
        early.id, later.id}
    # A malformed date is ignored rather than failing the list.
    assert browser.get("/cases/?due_by=31/02/2026").status_code == 200


def test_detail_shows_timeline_and_only_the_allowed_buttons(browser, db, world):
    case = make_case(world.users["intake"], world.orgs["a"])
    db.session.commit()
    browser.login("handler")
    html = browser.get(f"/cases/{case.id}").get_data(as_text=True)
    assert re.findall(r'data-trigger="(\w+)"', html) == ["classify"]
    assert "Tiếp nhận" in html and "Người dùng intake" in html
    browser.logout()
    browser.login("auditor")
    html = browser.get(f"/cases/{case.id}").get_data(as_text=True)
    assert re.findall(r'data-trigger="(\w+)"', html) == []


def test_allowed_action_moves_the_case_and_appends_to_the_timeline(browser, db, world):
    case = make_case(world.users["intake"], world.orgs["a"])
    db.session.commit()
    browser.login("handler")
    response = browser.post(f"/cases/{case.id}/actions/classify",
                            {"version": case.version, "comment": "Đủ điều kiện giám sát"})
    assert response.status_code == 302
    page = browser.get(f"/cases/{case.id}").get_data(as_text=True)
    assert "Đã phân loại" in page and "Đủ điều kiện giám sát" in page
    db.session.expire_all()
    assert db.session.get(Case, case.id).state == "classified"


def test_action_by_the_wrong_role_is_refused_with_403(browser, db, world):
    case = make_case(world.users["intake"], world.orgs["a"])
    db.session.commit()
    browser.login("approver")
    response = browser.post(f"/cases/{case.id}/actions/classify", {"version": case.version})
    assert response.status_code == 403
    assert "không được phép" in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Case, case.id).state == "received"
    assert db.session.scalar(sa.select(sa.func.count()).select_from(CaseEvent)) == 1


def test_stale_page_comes_back_with_the_reason_and_the_later_change_stands(browser, db, world):
    case = make_case(world.users["intake"], world.orgs["a"])
    db.session.commit()
    stale_version = case.version
    advance(case, [world.users["handler2"]], ["classify"])
    db.session.commit()
    browser.login("handler")
    response = browser.post(f"/cases/{case.id}/actions/draft_plan", {"version": stale_version})
    assert response.status_code == 303  # back to the case page: refreshing it posts nothing
    assert "cập nhật" in browser.get(response.headers["Location"]).get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Case, case.id).state == "classified"


def test_missing_comment_is_refused_with_a_message_on_the_case_page(browser, db, world):
    case = make_case(world.users["intake"], world.orgs["a"])
    db.session.commit()
    browser.login("approver")
    response = browser.post(f"/cases/{case.id}/actions/cancel", {"version": case.version})
    assert response.status_code == 303
    page = browser.get(response.headers["Location"]).get_data(as_text=True)
    error = re.search(r'data-testid="action-error"[^>]*>(.*?)</div>', page, re.S)
    assert error and "Vui lòng nêu lý do hoặc ý kiến khi thực hiện" in error.group(1)
    db.session.expire_all()
    assert db.session.get(Case, case.id).state == "received"


def test_log_a_case_through_the_form(browser, db, world):
    browser.login("intake")
    page = browser.get("/cases/new").get_data(as_text=True)
    assert "Hà Tĩnh" in page and "Hồ Chí Minh" not in page  # only units in scope
    response = browser.post("/cases/new", {
        "family": "supervision", "kind": "ethics", "channel": "report", "intake_form": "online",
        "org_id": world.orgs["a_zone"].id, "title": "Giám sát đạo đức, lối sống của giám đốc",
        "summary": "Nội dung chi tiết", "subject_kind": "person", "subject_name": "Trần Văn B",
        "subject_category": "head", "received_on": "2026-11-02",
    })
    assert response.status_code == 302
    case = db.session.scalar(sa.select(Case))
    assert (case.family, case.kind, case.org_id, case.state) == (
        "supervision", "ethics", world.orgs["a_zone"].id, "received")
    assert case.received_on == date(2026, 11, 2)
    assert case.code in browser.get(response.location).get_data(as_text=True)


def test_log_a_case_with_bad_input_keeps_what_was_typed(browser, db, world):
    browser.login("intake")
    browser.get("/cases/new")
    response = browser.post("/cases/new", {
        "family": "supervision", "kind": "complaint", "channel": "report",
        "intake_form": "online", "org_id": world.orgs["a"].id, "title": "Giám sát trả lương",
        "subject_kind": "organisation",
    })
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "Giám sát trả lương" in html  # nothing typed is lost
    assert "không thuộc" in html
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Case)) == 0


def test_unit_outside_scope_cannot_be_chosen(browser, db, world):
    browser.login("intake")
    browser.get("/cases/new")
    response = browser.post("/cases/new", {
        "family": "supervision", "channel": "report", "intake_form": "online",
        "org_id": world.orgs["b"].id, "title": "Thử chọn đơn vị khác",
        "subject_kind": "organisation",
    })
    assert response.status_code == 422
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Case)) == 0


def test_auditor_cannot_open_the_new_case_form(browser, world):
    browser.login("auditor")
    assert browser.get("/cases/new").status_code == 403


def test_home_lists_the_cases_waiting_for_my_role(browser, db, world):
    u, o = world.users, world.orgs
    waiting_for_approver = make_case(u["intake"], o["a"])
    advance(waiting_for_approver, [u["handler"]], ["classify", "draft_plan"])
    fresh = make_case(u["intake"], o["a"])
    db.session.commit()
    browser.login("approver")
    ids = _case_ids(browser.get("/").data)
    assert waiting_for_approver.id in ids
    assert fresh.id in ids  # an approver may cancel a fresh case
    browser.logout()
    browser.login("delegate")
    assert _case_ids(browser.get("/").data) == set()


def test_unknown_page_shows_a_friendly_404_in_vietnamese(browser, world):
    browser.login("handler")
    response = browser.get("/khong-ton-tai")
    assert response.status_code == 404
    body = response.get_data(as_text=True)
    assert "Không tìm thấy" in body and "Traceback" not in body


def test_form_errors_from_wtforms_are_in_vietnamese(browser, world):
    browser.get("/login")
    response = browser.post("/login", {"username": "", "password": ""})
    assert response.status_code == 400
    assert "Vui lòng nhập thông tin này." in response.get_data(as_text=True)
    assert "This field is required" not in response.get_data(as_text=True)


def test_a_denouncers_name_is_not_shown_on_the_case_page(browser, db, world):
    case = make_case(world.users["intake"], world.orgs["a"], family="letter",
                     kind="denunciation", reporter_name="Nguyễn Thị Tố Giác")
    db.session.commit()
    browser.login("handler")
    page = browser.get(f"/cases/{case.id}").get_data(as_text=True)
    assert "Nguyễn Thị Tố Giác" not in page
    assert "Được giữ bí mật" in page


def test_the_unit_filter_offers_the_units_of_the_roles_and_a_unit_made_since(browser, db,
                                                                                 world):
    """The unit filter's statement is kept per set of roles (built once); what it finds is the
    tree of now: a unit created after the first list is offered on the next."""
    from app.orgs.services import create_org

    def offered() -> list[str]:
        page = browser.get("/cases/").get_data(as_text=True)
        select = re.search(r'<select[^>]*name="org".*?</select>', page, re.S).group(0)
        return [html.unescape(t) for t in re.findall(r"<option[^>]*>([^<]*)</option>", select)]

    browser.login("handler")
    before = offered()
    assert "— Liên đoàn Lao động tỉnh Hà Tĩnh" in before
    assert "— — Công đoàn Khu kinh tế tỉnh Hà Tĩnh" in before
    assert not any("Hồ Chí Minh" in name for name in before)  # a sibling province: never
    create_org("Công đoàn Viên chức tỉnh Hà Tĩnh", "CĐVC", "Hà Tĩnh", 3, world.orgs["a"])
    db.session.commit()
    after = offered()
    assert set(after) - set(before) == {"— — Công đoàn Viên chức tỉnh Hà Tĩnh"}
    assert len(after) == len(before) + 1
