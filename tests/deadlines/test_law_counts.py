"""Deadlines counted as the law counts them (issue 13): from the event each rule names, on the
calendar of the case's unit, with the figures of the one rule table the admins edit."""
import re
from datetime import date, timedelta

import pytest
import sqlalchemy as sa

from app.auth.services import create_user
from app.cases.models import Case, CaseEvent
from app.cases.services import transition_case
from app.core.calendar import local_today
from app.core.errors import Forbidden, Invalid
from app.deadlines import services
from app.deadlines.models import CalendarDay, DeadlineAudit
from app.letters import services as letters
from app.letters.rules import details_of
from app.supervision import services as sv
from tests.deadlines.test_routes import VALID_RULE, text
from tests.factories import advance, make_case, password_hash
from tests.records import prepare_records
from workflows.vocab import HANDLER, INTAKE

TODAY = local_today()


def _running(case, code):
    return next(d for d in case.deadlines if d.status == "running" and d.rule_code == code)


def _panel_row(page, code):
    match = re.search(rf'data-rule="{re.escape(code)}" data-status="running" '
                      r'data-due="([0-9-]+)"(.*?)</section>', page, re.DOTALL)
    assert match, code
    return date.fromisoformat(match.group(1)), match.group(2)


# -- 1. the draft report counts from the fieldwork's last day ---------------------------------


def _in_fieldwork(world, starts_on, ends_on, started_on):
    """A supervision whose plan runs from `starts_on` to `ends_on`, fieldwork started on
    `started_on` (the subject notified 16 days before)."""
    u = world.users
    people = [u["intake"], u["handler"], u["delegate"], u["approver"]]
    case = make_case(u["intake"], world.orgs["a"], received_on=TODAY - timedelta(days=60))
    advance(case, people, ["classify"], today=TODAY - timedelta(days=50))
    sv.save_plan(case, u["handler"], purpose="Kiểm tra chế độ", content="Bảo hiểm xã hội",
                 form="Trực tiếp", place="Tại đơn vị", starts_on=starts_on, ends_on=ends_on,
                 subject_preparation="Báo cáo")
    transition_case(case, "draft_plan", u["handler"], today=TODAY - timedelta(days=50))
    advance(case, people, ["approve_plan", "form_delegation", "notify_subject",
                           "start_fieldwork"], today=started_on - timedelta(days=16))
    return case


def test_draft_report_is_due_seven_days_after_fieldwork_ends(browser, db, world):
    # Fieldwork started 10 days ago and ends in 2 days: the report is not yet due (counted
    # from the start, it would be 3 days overdue).
    starts, ends = TODAY - timedelta(days=10), TODAY + timedelta(days=2)
    case = _in_fieldwork(world, starts, ends, started_on=starts)
    row = _running(case, "supervision.draft_report")
    assert row.start_on == ends
    assert row.due_on == services.work_calendar().add_calendar_days(ends, 7) > TODAY
    db.session.commit()
    browser.login("handler")
    due, panel = _panel_row(text(browser.get(f"/cases/{case.id}")), "supervision.draft_report")
    assert due == row.due_on and 'data-kind="overdue"' not in panel.split("</div>")[0]


def test_running_draft_report_follows_a_new_end_date_of_the_plan(db, world):
    starts, ends = TODAY - timedelta(days=10), TODAY + timedelta(days=2)
    case = _in_fieldwork(world, starts, ends, started_on=starts)
    u = world.users
    transition_case(case, "postpone", u["approver"], comment="Doanh nghiệp xin lùi lịch")
    transition_case(case, "resume", u["approver"], comment="Tiếp tục")
    later = ends + timedelta(days=5)
    sv.save_plan(case, u["handler"], purpose="Kiểm tra chế độ", content="Bảo hiểm xã hội",
                 form="Trực tiếp", place="Tại đơn vị", starts_on=starts, ends_on=later,
                 subject_preparation="Báo cáo")
    row = _running(case, "supervision.draft_report")
    assert row.start_on == later
    assert case.due_on == row.due_on == services.work_calendar().add_calendar_days(later, 7)


def test_fieldwork_ending_before_it_started_counts_from_the_start(db, world):
    # The plan said fieldwork ended before the delegation actually began: count from the day
    # it began, never from a day before.
    starts = TODAY - timedelta(days=3)
    case = _in_fieldwork(world, starts - timedelta(days=5), starts - timedelta(days=4),
                         started_on=starts)
    assert _running(case, "supervision.draft_report").start_on == starts


# -- 2. a petition's reply counts from receipt ------------------------------------------------


def _classified(world, kind, received_on, org="a", intake="intake"):
    case = make_case(world.users[intake], world.orgs[org], family="letter", kind=kind,
                     received_on=received_on)
    details = details_of(case)
    details.is_valid = details.within_competence = True
    transition_case(case, "classify", world.users["handler" if org == "a" else intake],
                    comment="Đủ điều kiện", today=received_on)
    return case


def test_petition_reply_counts_from_the_day_the_letter_was_received(browser, db, world):
    # Received Mon 02/03/2026, accepted Tue 10/03/2026: 10 days from receipt -> Thu 12/03/2026
    # (from acceptance it would be Fri 20/03/2026).
    case = _classified(world, "petition", date(2026, 3, 2))
    letters.accept_letter(case, world.users["handler"], accepted_on=date(2026, 3, 10),
                          comment="Thụ lý")
    row = _running(case, "petition.reply")
    assert (row.start_on, row.due_on, case.due_on) == (date(2026, 3, 2), date(2026, 3, 12),
                                                        date(2026, 3, 12))
    db.session.commit()
    browser.login("handler")
    due, panel = _panel_row(text(browser.get(f"/cases/{case.id}")), "petition.reply")
    assert due == date(2026, 3, 12) and "12/03/2026" in panel


# -- 3. the acceptance date is entered by the officer -----------------------------------------


def test_acceptance_date_entered_on_the_accept_step(browser, db, world):
    # Complaint received Mon 02/03/2026, accepted Thu 05/03/2026: 30 days -> Sat 04/04/2026,
    # a weekend -> Mon 06/04/2026 (counted from today it would be a date in 2027).
    case = _classified(world, "complaint", date(2026, 3, 2))
    db.session.commit()
    browser.login("handler")
    page = text(browser.get(f"/cases/{case.id}"))
    assert f'href="/letters/{case.id}/accept"' in page
    form = text(browser.get(f"/letters/{case.id}/accept"))
    assert "Ngày thụ lý" in form and f'value="{TODAY.strftime("%d/%m/%Y")}"' in form  # today
    response = browser.post(f"/letters/{case.id}/accept", {
        "version": case.version, "accepted_on": "05/03/2026", "comment": "Đủ điều kiện thụ lý"})
    assert response.status_code == 302
    db.session.refresh(case)
    row = _running(case, "complaint.first.resolve")
    assert (case.state, row.start_on, row.due_on) == ("accepted", date(2026, 3, 5),
                                                      date(2026, 4, 6))
    event = db.session.scalar(sa.select(CaseEvent).where(CaseEvent.case_id == case.id,
                                                         CaseEvent.action == "accept"))
    assert event.created_at.date() == date(2026, 3, 5)
    page = text(browser.get(f"/cases/{case.id}"))
    assert _panel_row(page, "complaint.first.resolve")[0] == date(2026, 4, 6)


@pytest.mark.parametrize("typed, message", [
    ("tomorrow", "Ngày thụ lý không được sau ngày hôm nay"),
    ("01/03/2026", "Ngày thụ lý không được trước ngày nhận đơn (02/03/2026)"),
    ("31/02/2026", "Nhập ngày theo dạng dd/mm/yyyy, ví dụ 05/01/2026."),
])
def test_acceptance_date_out_of_bounds_is_refused_and_nothing_changes(browser, db, world,
                                                                     typed, message):
    case = _classified(world, "complaint", date(2026, 3, 2))
    db.session.commit()
    if typed == "tomorrow":
        typed = (TODAY + timedelta(days=1)).strftime("%d/%m/%Y")
    browser.login("handler")
    response = browser.post(f"/letters/{case.id}/accept", {
        "version": case.version, "accepted_on": typed, "comment": "Thụ lý"})
    assert response.status_code == 422
    assert message in text(response) and "Thụ lý" in text(response)  # the comment is kept
    db.session.refresh(case)
    assert case.state == "classified" and case.due_rule == "complaint.accept"


def test_acceptance_date_bounds_in_the_service(db, world):
    case = _classified(world, "complaint", date(2026, 3, 2))
    with pytest.raises(Invalid) as refused:
        letters.accept_letter(case, world.users["handler"], accepted_on=date(2026, 3, 1),
                              comment="Thụ lý")
    assert refused.value.field == "accepted_on" and case.state == "classified"
    with pytest.raises(Invalid):
        letters.accept_letter(case, world.users["handler"],
                              accepted_on=TODAY + timedelta(days=1), comment="Thụ lý")


# -- 4. every reader reads the one rule table ---------------------------------------------------


def test_notice_period_changed_by_the_admin_is_enforced_and_shown(browser, db, world,
                                                                  national_admin):
    services.save_rule(national_admin, "supervision.notice", {
        "days": 10, "unit": "calendar", "max_extensions": 0, "extension_days": 0,
        "warn_before_days": 3})
    u = world.users
    people = [u["intake"], u["handler"], u["delegate"], u["approver"]]
    case = make_case(u["intake"], world.orgs["a"], received_on=TODAY - timedelta(days=60))
    advance(case, people, ["classify", "draft_plan", "approve_plan", "form_delegation",
                           "notify_subject"], today=TODAY - timedelta(days=9))
    db.session.commit()
    browser.login("delegate")
    response = browser.post(f"/cases/{case.id}/actions/start_fieldwork",
                            {"version": case.version, "comment": ""})
    assert response.status_code == 303  # back to the case page, which says why
    page = text(browser.get(response.headers["Location"]))
    assert "ít nhất 10 ngày trước khi giám sát" in page
    assert (TODAY + timedelta(days=1)).strftime("%d/%m/%Y") in page
    # Ten days after the notice, fieldwork may start (15 days would still refuse it).
    transition_case(case, "start_fieldwork", u["delegate"], today=TODAY + timedelta(days=1))
    assert case.state == "fieldwork"


def test_recommendation_letter_states_the_reply_days_of_the_rule_table(db, world,
                                                                       national_admin):
    from app.supervision.documents import build_recommendation

    services.save_rule(national_admin, "recommendation.reply", {
        "days": 25, "unit": "calendar", "max_extensions": 0, "extension_days": 0,
        "warn_before_days": 3})
    rec = make_case(world.users["handler"], world.orgs["a"], family="recommendation",
                    title="Trích nộp đủ bảo hiểm xã hội", subject_name="Công ty May Việt Hàn",
                    summary="Trích nộp đủ bảo hiểm xã hội cho người lao động.")
    document = build_recommendation(rec, world.users["handler"])
    body = " ".join(getattr(p, "text", "") for p in document.body)
    assert "trong thời hạn 25 ngày kể từ ngày nhận được văn bản này" in body


def test_critique_notice_reads_the_rule_table(db, world, national_admin):
    from app.critique import rules as critique_rules

    services.save_rule(national_admin, "critique.notice", {
        "days": 20, "unit": "calendar", "max_extensions": 0, "extension_days": 0,
        "warn_before_days": 3})
    assert critique_rules.notice_days_required() == 20
    notice = critique_rules.notice(date(2026, 3, 1), date(2026, 3, 19))
    assert (notice.required, notice.is_short) == (20, True)


# -- 5. the national table belongs to the top unit; local days off to their units ---------------


def test_lower_admin_is_refused_the_national_table_and_calendar(browser, db, world):
    browser.login("admin")
    for url in ("/admin/deadlines/rules", "/admin/deadlines/rules/complaint.accept"):
        assert browser.get(url).status_code == 403, url
    assert browser.post("/admin/deadlines/rules/complaint.accept", VALID_RULE) \
        .status_code == 403
    assert browser.post("/admin/deadlines/rules/complaint.accept/reset").status_code == 403
    page = text(browser.get("/admin/deadlines/calendar?year=2026"))
    assert 'data-testid="calendar-form"' in page and "/admin/deadlines/rules" not in page
    # The national calendar is not theirs: choosing it is not offered, and refused.
    response = browser.post("/admin/deadlines/calendar?year=2026",
                            {"org_id": "0", "day": "2026-03-12", "kind": "off"})
    assert response.status_code == 422
    with pytest.raises(Forbidden):
        services.add_calendar_day(world.users["admin"], date(2026, 3, 12), "off")
    assert db.session.scalars(sa.select(CalendarDay)).all() == []


def test_local_day_off_moves_the_deadlines_of_its_subtree_only(browser, db, world):
    # Complaints received Mon 02/03/2026: accept within 10 days -> Thu 12/03/2026.
    grass = make_case(world.users["grass_handler"], world.orgs["a_grass"], family="letter",
                      kind="complaint", received_on=date(2026, 3, 2))
    other = make_case(world.users["b_handler"], world.orgs["b"], family="letter",
                      kind="complaint", received_on=date(2026, 3, 2))
    db.session.commit()
    browser.login("admin")
    response = browser.post("/admin/deadlines/calendar?year=2026", {
        "org_id": str(world.orgs["a"].id), "day": "2026-03-12", "kind": "off",
        "note": "Nghỉ lễ kỷ niệm ngày thành lập tỉnh"})
    assert response.status_code == 302
    db.session.refresh(grass), db.session.refresh(other)
    assert (grass.due_on, other.due_on) == (date(2026, 3, 13), date(2026, 3, 12))
    page = text(browser.get("/admin/deadlines/calendar?year=2026"))
    assert 'data-day="2026-03-12"' in page and world.orgs["a"].name in page
    [audit] = db.session.scalars(sa.select(DeadlineAudit)).all()
    assert (audit.action, audit.actor_id, audit.data["unit"]) == (
        "day_added", world.users["admin"].id, world.orgs["a"].name)
    # Another province's unit is not theirs.
    response = browser.post("/admin/deadlines/calendar?year=2026", {
        "org_id": str(world.orgs["b"].id), "day": "2026-03-13", "kind": "off"})
    assert response.status_code == 422
    with pytest.raises(Forbidden):
        services.add_calendar_day(world.users["admin"], date(2026, 3, 13), "off",
                                  org=world.orgs["b"])
    [day] = db.session.scalars(sa.select(CalendarDay)).all()
    assert browser.post(f"/admin/deadlines/calendar/{day.id}/delete",
                        {"year": "2026"}).status_code == 302
    db.session.refresh(grass)
    assert grass.due_on == date(2026, 3, 12)


def test_lower_admin_cannot_remove_a_national_day(browser, db, world, national_admin):
    day = services.add_calendar_day(national_admin, date(2026, 3, 12), "off", "Nghỉ bù")
    db.session.commit()
    browser.login("admin")
    assert browser.post(f"/admin/deadlines/calendar/{day.id}/delete",
                        {"year": "2026"}).status_code == 403
    assert db.session.get(CalendarDay, day.id) is not None


def test_a_unit_calendar_is_read_once_for_many_deadlines(db, world, national_admin):
    services.add_calendar_day(national_admin, date(2026, 3, 12), "off", org=world.orgs["a"])
    cases = [make_case(world.users["intake"], world.orgs["a"], family="letter",
                       kind="complaint", received_on=date(2026, 3, 2)) for _ in range(3)]
    db.session.flush()
    services.work_calendar(world.orgs["a"])  # built once
    statements = []

    def record(conn, cursor, statement, *args):
        statements.append(statement)

    sa.event.listen(db.engine, "before_cursor_execute", record)
    try:
        for case in cases:
            services.recompute(case)
    finally:
        sa.event.remove(db.engine, "before_cursor_execute", record)
    # A fingerprint of the calendar table per computation, never a read of its rows.
    assert not [s for s in statements if "FROM calendar_day" in s and "count(" not in s]
    assert all(c.due_on == date(2026, 3, 13) for c in cases)


# -- 6. a second complaint goes to the superior unit --------------------------------------------


def _settled_at_grass(world):
    u = world.users
    first = _classified(world, "complaint", date(2026, 3, 2), org="a_grass",
                        intake="grass_handler")
    for trigger in ("accept", "start_verification", "record_result"):
        prepare_records(first, trigger, [u["grass_handler"], u["grass_approver"]], TODAY)
        transition_case(first, trigger, u["grass_handler"],
                        comment="Giữ nguyên quyết định kỷ luật")
    return first


def test_second_complaint_is_opened_at_the_superior_unit_and_shown_to_both(browser, db, world):
    first = _settled_at_grass(world)
    db.session.commit()
    # The first unit's people cannot lodge it with the unit above them.
    browser.login("grass_handler")
    assert f"/letters/{first.id}/second-complaint" not in text(browser.get(f"/cases/{first.id}"))
    assert browser.get(f"/letters/{first.id}/second-complaint").status_code == 403
    browser.logout()
    browser.login("handler")  # of the province above the zone above the grassroots union
    response = browser.post(f"/letters/{first.id}/second-complaint", {
        "received_on": TODAY.isoformat(), "title": "Khiếu nại lần hai quyết định kỷ luật",
        "summary": "Không đồng ý với kết quả giải quyết lần đầu."})
    assert response.status_code == 302
    second = db.session.scalar(sa.select(Case).where(Case.parent_id == first.id))
    superior = world.orgs["a_zone"]
    assert (second.org_id, second.letter.complaint_round, second.parent_id) == (
        superior.id, 2, first.id)
    browser.logout()
    # The first unit's people see its summary on the first case, and nothing else of it.
    browser.login("grass_handler")
    page = text(browser.get(f"/cases/{first.id}"))
    block = page[page.index('data-testid="second-complaints"'):]
    assert second.code in block and superior.name in block and "Tiếp nhận" in block
    assert f'href="/cases/{second.id}"' not in page
    assert browser.get(f"/cases/{second.id}").status_code == 404
    browser.logout()
    browser.login("handler")
    assert browser.get(f"/cases/{second.id}").status_code == 200


def test_no_second_complaint_above_the_top_unit(db, world):
    tld = world.orgs["tld"]
    top = create_user("top_handler", "Cán bộ Tổng Liên đoàn", None,
                      [(HANDLER, tld), (INTAKE, tld)], password_hash=password_hash())
    first = make_case(top, tld, family="letter", kind="complaint",
                      received_on=date(2026, 3, 2))
    details = details_of(first)
    details.is_valid = details.within_competence = True
    for trigger in ("classify", "accept", "start_verification", "record_result"):
        prepare_records(first, trigger, [top, world.users["top_approver"]], TODAY)
        transition_case(first, trigger, top, comment="Ghi chú")
    assert not letters.can_open_second_complaint(top, first)
