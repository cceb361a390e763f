"""Deadlines of cases on the Vietnamese working-day calendar (app.deadlines.services).

Every expected date is worked out by hand beside the test, from the official holidays recorded by
the ``holidays`` package for VN (see tests/core/test_calendar.py for the month grids):

    Tết 2026: Mùng 1 is Tue 17/02/2026; days off Mon 16/02–Fri 20/02, between two weekends,
              so nothing is worked from Sat 14/02 to Sun 22/02.
    Tết 2027: Mùng 1 is Sat 06/02/2027; days off Thu 04/02 (29 Tết) to Wed 10/02 (Mùng năm,
              nghỉ bù for the Saturday and Sunday inside Tết).
    2026: Giỗ Tổ Sun 26/04 + nghỉ bù Mon 27/04; 30/04 Thu and 01/05 Fri join the weekend 02–03/05.

A period in days starts the day after the event (BLDS 2015 Điều 147); when a calendar period's
last day is a day off it ends on the next working day (Điều 148).
"""
from datetime import date, timedelta

import pytest
import sqlalchemy as sa
from flask_babel import force_locale

from app.cases.models import CaseEvent
from app.cases.services import transition_case
from app.core.calendar import local_today
from app.core.errors import Invalid
from app.deadlines import services
from app.deadlines.models import CalendarDay, CaseDeadline
from app.letters.rules import details_of
from tests.factories import issue_for, issue_notices, make_case


@pytest.fixture(autouse=True)
def english(app):
    """The refusals are asserted in English (the UI default is Vietnamese)."""
    with force_locale("en"):
        yield


def letter(world, kind="complaint", received_on=date(2026, 3, 2), complexity="normal",
           remote=False, complaint_round=1):
    """A classified, acceptable letter with its modifiers."""
    case = make_case(world.users["intake"], world.orgs["a"], family="letter", kind=kind,
                     received_on=received_on)
    details = details_of(case)
    details.is_valid = details.within_competence = True
    details.complexity, details.remote_area = complexity, remote
    details.complaint_round = complaint_round
    transition_case(case, "classify", world.users["handler"], comment="Đủ điều kiện",
                    today=received_on)
    return case


def accepted(world, accepted_on=date(2026, 3, 2), verifying=False, **kw):
    case = letter(world, received_on=accepted_on, **kw)
    issue_for(case, "accept", world.users["approver"])  # a denunciation's decision
    transition_case(case, "accept", world.users["handler"], comment="Thụ lý", today=accepted_on)
    issue_notices(case, world.users["approver"], accepted_on)  # the parties told at once
    if verifying:
        transition_case(case, "start_verification", world.users["handler"], comment="Xác minh",
                        today=accepted_on)
    return case


def running(case):
    return [d for d in case.deadlines if d.status == "running"]


def events(db, case, action):
    return db.session.scalars(sa.select(CaseEvent).where(
        CaseEvent.case_id == case.id, CaseEvent.action == action)).all()


# -- due dates across holiday periods ----------------------------------------------------------


def test_working_day_rule_across_tet_2026(db, world):
    # Denunciation received Tue 10/02/2026, initial processing 7 working days:
    # Wed 11 (1), Thu 12 (2), Fri 13 (3), 14–22 off, Mon 23 (4), Tue 24 (5), Wed 25 (6), Thu 26 (7).
    case = letter(world, kind="denunciation", received_on=date(2026, 2, 10))
    [row] = running(case)
    assert row.rule_code == "denunciation.initial" and row.rule["unit"] == "working"
    assert case.due_on == row.due_on == date(2026, 2, 26)
    assert "Bỏ qua 16/02/2026–20/02/2026: Tết Nguyên Đán" in row.explanation
    assert row.explanation[0].startswith("Tố cáo: xử lý ban đầu thông tin tố cáo: 7 ngày làm việc")


def test_calendar_day_rule_ending_on_mung_1_tet_2026_rolls_forward(db, world):
    # Complaint received Sat 07/02/2026: thụ lý within 10 days -> day 10 is Tue 17/02/2026,
    # Mùng 1 Tết -> the next working day is Mon 23/02/2026.
    case = letter(world, received_on=date(2026, 2, 7))
    assert case.due_on == date(2026, 2, 23)
    assert case.due_rule == "complaint.accept"
    assert any("17/02/2026 (Tết Nguyên Đán)" in line and "23/02/2026" in line
               for line in running(case)[0].explanation)


def test_tet_2027_calendar_and_working_day_rules(db, world):
    case = letter(world, received_on=date(2026, 11, 2))
    # 10 calendar days from Wed 27/01/2027: day 10 is Sat 06/02/2027 (Mùng 1) -> off until
    # Wed 10/02 -> Thu 11/02/2027.
    assert services.work_calendar().add_calendar_days(date(2027, 1, 27), 10) \
        == date(2027, 2, 11)
    # A rule counted from acceptance (not from receipt), 5 working days from Wed 03/02/2027:
    # 04–10 Tết, Thu 11 (1), Fri 12 (2), Mon 15 (3), Tue 16 (4), Wed 17/02/2027 (5).
    services.start(case, "complaint.first.resolve", date(2027, 1, 27), trigger="test")
    services.start(case, "denunciation.notify", date(2027, 2, 3), trigger="test")
    assert case.due_on == date(2027, 2, 17)
    assert [d.status for d in case.deadlines] == ["met", "met", "running"]


def test_30_4_and_1_5_joined_to_the_weekend(db, world):
    case = letter(world, kind="petition", received_on=date(2026, 4, 20))
    # 10 calendar days from Mon 20/04/2026: day 10 is Thu 30/04 -> 01/05 Fri, 02–03 weekend
    # -> Mon 04/05/2026.
    services.start(case, "petition.reply", date(2026, 4, 20))
    assert case.due_on == date(2026, 5, 4)
    # 5 working days from Fri 24/04/2026: Mon 27 off (Giỗ Tổ nghỉ bù), Tue 28 (1), Wed 29 (2),
    # 30/04–03/05 off, Mon 04 (3), Tue 05 (4), Wed 06/05/2026 (5).
    services.start(case, "denunciation.notify", date(2026, 4, 24))
    assert case.due_on == date(2026, 5, 6)


# -- modifiers -----------------------------------------------------------------------------------


@pytest.mark.parametrize("complexity,remote,complaint_round,rule,due", [
    # Accepted Mon 02/03/2026. First complaint: 30 days -> Wed 01/04/2026;
    ("normal", False, 1, "complaint.first.resolve", date(2026, 4, 1)),
    # 45 days -> Thu 16/04/2026 (complex, or remote);
    ("complex", False, 1, "complaint.first.resolve", date(2026, 4, 16)),
    ("normal", True, 1, "complaint.first.resolve", date(2026, 4, 16)),
    # 60 days -> Fri 01/05/2026, a holiday, then the weekend -> Mon 04/05/2026.
    ("complex", True, 1, "complaint.first.resolve", date(2026, 5, 4)),
    # Second complaint: 45 -> 16/04; complex 60 -> 04/05; complex and remote 70 -> Mon 11/05.
    ("normal", False, 2, "complaint.second.resolve", date(2026, 4, 16)),
    ("complex", False, 2, "complaint.second.resolve", date(2026, 5, 4)),
    ("complex", True, 2, "complaint.second.resolve", date(2026, 5, 11)),
])
def test_complaint_resolution_modifiers(db, world, complexity, remote, complaint_round, rule,
                                        due):
    case = accepted(world, complexity=complexity, remote=remote,
                    complaint_round=complaint_round)
    [row] = running(case)
    assert (row.rule_code, case.due_on) == (rule, due)
    assert (row.complexity, row.remote) == (complexity, remote)
    assert [d.rule_code for d in case.deadlines] == ["complaint.accept", rule]
    assert case.deadlines[0].status == "met" and case.deadlines[0].ended_on == date(2026, 3, 2)


def test_recompute_follows_changed_modifiers_of_the_running_deadline(db, world):
    handler = world.users["handler"]
    case = accepted(world)
    assert case.due_on == date(2026, 4, 1)
    case.letter.complexity = "complex"
    db.session.flush()
    # Nothing watches the letter: a flush alone moves nothing; its writer recomputes.
    assert case.due_on == date(2026, 4, 1)
    assert services.recompute(case, handler) == running(case)
    # 45 days from 02/03/2026 -> Thu 16/04/2026.
    assert case.due_on == date(2026, 4, 16)
    assert "Mức độ phức tạp: 45 ngày thay cho 30 ngày" in running(case)[0].explanation
    [event] = events(db, case, "deadline_recomputed")
    assert (event.data["due_on"], event.actor_id) == ("2026-04-16", handler.id)
    # A second complaint round changes the rule itself: 60 days -> Mon 04/05/2026.
    case.letter.complaint_round = 2
    services.recompute(case, handler)
    assert (case.due_rule, case.due_on) == ("complaint.second.resolve", date(2026, 5, 4))
    # Recomputing again moves nothing and writes no line.
    assert services.recompute(case, handler) == []
    assert len(events(db, case, "deadline_recomputed")) == 2


def test_classifying_an_unclassified_letter_switches_its_screening_rule(db, world):
    from app.letters.services import classify_letter

    case = make_case(world.users["intake"], world.orgs["a"], family="letter", kind=None,
                     received_on=date(2026, 3, 2))
    # No kind yet: the internal 3 working days -> Thu 05/03/2026.
    assert (case.due_rule, case.due_on) == ("intake.log", date(2026, 3, 5))
    classify_letter(case, world.users["handler"], kind="denunciation", is_valid=True,
                    within_competence=True)
    # 7 working days from Mon 02/03/2026 -> Wed 11/03/2026.
    assert (case.due_rule, case.due_on) == ("denunciation.initial", date(2026, 3, 11))
    assert [d.rule_code for d in case.deadlines] == ["denunciation.initial"]
    [event] = events(db, case, "deadline_recomputed")
    assert (event.data["rule"], event.actor_id) == ("denunciation.initial",
                                                     world.users["handler"].id)


# -- extensions ----------------------------------------------------------------------------------


def extend(world, case, number, decided_on, **extra):
    issue_for(case, "extend", world.users["approver"])  # the step rests on its decision
    return transition_case(case, "extend", world.users["approver"], comment="Vụ việc phức tạp",
                           today=decided_on,
                           context={"extension": {"number": number, "decided_on": decided_on,
                                                  "days": None, **extra}})


def test_denunciation_extended_twice_when_especially_complex_never_three_times(db, world):
    case = accepted(world, kind="denunciation", complexity="especially_complex", verifying=True)
    # 30 days from Mon 02/03/2026 -> Wed 01/04/2026.
    assert case.due_on == date(2026, 4, 1)
    # +30: 60 days -> Fri 01/05/2026 (holiday), weekend -> Mon 04/05/2026.
    extend(world, case, "12/QĐ-LĐLĐ", date(2026, 3, 25))
    assert case.due_on == date(2026, 5, 4)
    # +30: 90 days -> Sun 31/05/2026 -> Mon 01/06/2026.
    extend(world, case, "31/QĐ-LĐLĐ", date(2026, 4, 28))
    assert case.due_on == date(2026, 6, 1)
    [row] = running(case)
    assert [e["number"] for e in row.extensions] == ["12/QĐ-LĐLĐ", "31/QĐ-LĐLĐ"]
    assert "Gia hạn lần 2 theo quyết định số 31/QĐ-LĐLĐ ngày 28/04/2026: thêm 30 ngày" \
        in row.explanation
    with pytest.raises(Invalid, match="at most 2 extensions"):
        extend(world, case, "40/QĐ-LĐLĐ", date(2026, 5, 20))
    assert case.due_on == date(2026, 6, 1) and len(row.extensions) == 2


def test_extension_refused_beyond_what_the_complexity_allows(db, world):
    normal = accepted(world, kind="denunciation", verifying=True)
    with pytest.raises(Invalid, match="only when the case is complex"):
        extend(world, normal, "5/QĐ", date(2026, 3, 20))
    complex_case = accepted(world, kind="denunciation", complexity="complex", verifying=True)
    extend(world, complex_case, "6/QĐ", date(2026, 3, 20))
    with pytest.raises(Invalid, match="at most 1 extension "):
        extend(world, complex_case, "7/QĐ", date(2026, 4, 20))


def test_extension_needs_a_written_decision_before_expiry(db, world):
    case = accepted(world, kind="denunciation", complexity="complex", verifying=True)
    with pytest.raises(Invalid, match="written decision"):
        transition_case(case, "extend", world.users["approver"], comment="x",
                        today=date(2026, 3, 20))
    with pytest.raises(Invalid, match="number"):
        extend(world, case, " ", date(2026, 3, 20))
    with pytest.raises(Invalid, match="before the deadline expires"):
        extend(world, case, "8/QĐ", date(2026, 4, 2))
    with pytest.raises(Invalid, match="at most 30 days"):
        extend(world, case, "8/QĐ", date(2026, 3, 20), days=45)
    # A complaint's rule allows no extension at all.
    complaint = accepted(world, complexity="complex", verifying=True)
    with pytest.raises(Invalid, match="does not allow extensions"):
        extend(world, complaint, "9/QĐ", date(2026, 3, 20))


# -- pause and resume ------------------------------------------------------------------------------


def test_pause_and_resume_push_the_due_date_by_the_paused_days(db, world):
    case = accepted(world, verifying=True)
    assert case.due_on == date(2026, 4, 1)
    transition_case(case, "pause", world.users["approver"], comment="Chờ kết quả giám định",
                    today=date(2026, 3, 9))
    [row] = case.deadlines[1:]
    assert row.status == "paused" and case.due_on is None
    transition_case(case, "resume", world.users["approver"], comment="Đã có kết quả",
                    today=date(2026, 3, 16))
    # Paused Mon 09/03 to Sun 15/03 (7 days not counted): 37 days from 02/03 -> Wed 08/04/2026.
    assert row.status == "running" and case.due_on == date(2026, 4, 8)
    assert row.pauses == [{"first": "2026-03-09", "last": "2026-03-15"}]
    assert "Tạm dừng 09/03/2026–15/03/2026: không tính 7 ngày" in row.explanation
    assert events(db, case, "resume")[0].data["due_on"] == "2026-04-08"


# -- stopping ---------------------------------------------------------------------------------


def test_stopping_keeps_the_deadline_with_its_outcome(db, world):
    filed = letter(world)
    transition_case(filed, "file_away", world.users["handler"], comment="Đơn trùng",
                    today=date(2026, 3, 20))
    withdrawn = letter(world)
    transition_case(withdrawn, "withdraw", world.users["handler"], comment="Người gửi rút",
                    today=date(2026, 3, 5))
    assert (filed.deadlines[0].status, filed.deadlines[0].ended_on) == ("met", date(2026, 3, 20))
    assert filed.deadlines[0].is_late()  # due 12/03/2026
    assert withdrawn.deadlines[0].status == "stopped"
    assert filed.due_on is None and withdrawn.due_on is None


# -- the admin's calendar and rules ----------------------------------------------------------


def test_admin_day_off_and_make_up_working_day_change_due_dates(db, world, national_admin):
    admin = national_admin
    case = letter(world)  # complaint.accept: 10 days from Mon 02/03/2026 -> Thu 12/03/2026
    assert case.due_on == date(2026, 3, 12)
    day = services.add_calendar_day(admin, date(2026, 3, 12), "off", "Nghỉ bù theo thông báo")
    # The running deadline moves to the next working day, Fri 13/03/2026.
    assert case.due_on == date(2026, 3, 13)
    assert any("Nghỉ bù theo thông báo" in line for line in running(case)[0].explanation)
    # 3 working days from Thu 05/03/2026: Fri 06 (1), Mon 09 (2), Tue 10 (3); with Sat 07/03
    # made a working day: Fri 06 (1), Sat 07 (2), Mon 09 (3).
    other = letter(world, kind="petition", received_on=date(2026, 3, 5))
    assert other.due_on == date(2026, 3, 10)
    services.add_calendar_day(admin, date(2026, 3, 7), "working", "Làm bù")
    assert other.due_on == date(2026, 3, 9)
    services.remove_calendar_day(admin, day.id)
    assert case.due_on == date(2026, 3, 12)
    with pytest.raises(Invalid, match="already a day off"):
        services.add_calendar_day(admin, date(2026, 3, 8), "off")  # a Sunday


def test_calendar_cache_sees_a_change_made_by_another_server(db, world):
    assert services.work_calendar().is_working_day(date(2026, 3, 12))
    # Another app server inserts a row: this process's cached calendar must not be used.
    db.session.execute(sa.insert(CalendarDay).values(day=date(2026, 3, 12), kind="off",
                                                     note="Từ máy chủ khác"))
    assert not services.work_calendar().is_working_day(date(2026, 3, 12))
    db.session.execute(sa.delete(CalendarDay))
    assert services.work_calendar().is_working_day(date(2026, 3, 12))


def test_rule_override_applies_to_new_deadlines_and_is_audited(db, world, national_admin):
    admin = national_admin
    running_before = letter(world)
    services.save_rule(admin, "complaint.accept", {
        "days": 15, "unit": "calendar", "max_extensions": 0, "extension_days": 0,
        "warn_before_days": 3})
    # 15 days from Mon 02/03/2026 -> Tue 17/03/2026; the running one keeps 12/03/2026.
    assert letter(world).due_on == date(2026, 3, 17)
    assert running_before.due_on == date(2026, 3, 12)
    with pytest.raises(Invalid) as refused:
        services.save_rule(admin, "complaint.accept", {
            "days": 15, "unit": "calendar", "max_extensions": 0, "extension_days": 0,
            "warn_before_days": 20})
    assert "warn_before_days" in refused.value.message
    assert services.rule_table()["complaint.accept"].warn_before_days == 3
    services.reset_rule(admin, "complaint.accept")
    assert services.rule_table()["complaint.accept"].days == 10
    from app.deadlines.models import DeadlineAudit

    log = db.session.scalars(sa.select(DeadlineAudit).order_by(DeadlineAudit.id)).all()
    assert [(e.action, e.actor_id) for e in log] == [("rule_saved", admin.id),
                                                     ("rule_reset", admin.id)]


# -- the sweep -----------------------------------------------------------------------------------


def test_sweep_warns_once_and_notifies_expiry_once(db, world):
    case = letter(world)  # due Thu 12/03/2026, warned 3 days before: from Mon 09/03/2026
    assert services.sweep(date(2026, 3, 8)) == {"warned": 0, "expired": 0}
    assert services.sweep(date(2026, 3, 9)) == {"warned": 1, "expired": 0}
    assert services.sweep(date(2026, 3, 9)) == {"warned": 0, "expired": 0}
    assert services.sweep(date(2026, 3, 12)) == {"warned": 0, "expired": 0}
    assert services.sweep(date(2026, 3, 13)) == {"warned": 0, "expired": 1}
    assert services.sweep(date(2026, 3, 14)) == {"warned": 0, "expired": 0}
    db.session.commit()
    assert len(events(db, case, "deadline_warning")) == 1
    [expired] = events(db, case, "deadline_expired")
    assert expired.actor_id is None and expired.data["due_on"] == "2026-03-12"


def test_sweep_skips_ended_deadlines_and_warns_again_after_an_extension(db, world):
    case = accepted(world, kind="denunciation", complexity="complex", verifying=True)
    # Due Wed 01/04/2026, warned from Sun 29/03.
    assert services.sweep(date(2026, 3, 30))["warned"] == 1
    extend(world, case, "3/QĐ", date(2026, 3, 31))  # new due date Mon 04/05/2026
    assert services.sweep(date(2026, 4, 2)) == {"warned": 0, "expired": 0}
    assert services.sweep(date(2026, 5, 1))["warned"] == 1
    issue_for(case, "record_result", world.users["approver"])
    transition_case(case, "record_result", world.users["handler"], comment="Kết luận",
                    today=date(2026, 5, 4))
    assert services.sweep(date(2026, 5, 10)) == {"warned": 0, "expired": 0}
    rows = db.session.scalars(sa.select(CaseDeadline).where(CaseDeadline.case_id == case.id)
                              .order_by(CaseDeadline.id))
    # screening, resolution, and the notices to the parties (Luật Tố cáo 2018 Điều 29)
    assert [(r.rule_code, r.status) for r in rows] == [
        ("denunciation.initial", "met"), ("denunciation.resolve", "met"),
        ("denunciation.notify", "met")]


def test_cli_sweep(app, db, world):
    letter(world, received_on=local_today() - timedelta(days=30))
    db.session.commit()
    runner = app.test_cli_runner()
    result = runner.invoke(args=["deadlines", "sweep"])
    assert result.exit_code == 0, result.output
    assert "0 warning(s), 1 expiry notice(s)" in result.output
    result = runner.invoke(args=["deadlines", "sweep"])
    assert "0 warning(s), 0 expiry notice(s)" in result.output


# -- the feature's modules -----------------------------------------------------------------------


def test_services_is_the_public_api_of_modules_with_one_job_each():
    """Other packages import only app.deadlines.services (or queries): every name they use is
    there, whichever module does the work; and the feature imports no letters module (the
    letters service calls `recompute` when a letter changes)."""
    import ast
    from pathlib import Path

    from app.deadlines import admin, clock, sweep, table

    used = {"start", "stop", "OPENING_RULE", "resolve_rule", "CONFIG_DAYS", "sweep",
            "recompute", "extension_refusal", "decision_problem", "extend", "pause", "resume",
            "rule_table", "work_calendar", "default_rules", "EDITABLE_FIELDS", "save_rule",
            "reset_rule", "RuleInvalid", "add_calendar_day", "remove_calendar_day",
            "LETTER_RULES", "NOT_MET_BY", "COMPLEXITY_VI", "_event_data"}
    assert not used - set(dir(services))
    assert set(services.__all__) <= set(dir(services))
    assert (services.start, services.sweep, services.save_rule, services.rule_table) == (
        clock.start, sweep.sweep, admin.save_rule, table.rule_table)
    for path in Path(services.__file__).parent.glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            names = ([a.name for a in node.names] if isinstance(node, ast.Import)
                     else [node.module or ""] if isinstance(node, ast.ImportFrom) else [])
            assert not [n for n in names if n.startswith("app.letters")], path.name
