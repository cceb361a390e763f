"""Working-day calendar and deadline rules.

Every expected date is worked out by hand in the comment above it, from the month grids below and
the official holiday list (as recorded by the ``holidays`` package 0.109 for VN):

    2026: 01/01 Thu; Tết 16/02 Mon – 20/02 Fri (14–15 and 21–22 are weekends, so 14/02–22/02 off);
          Giỗ Tổ 26/04 Sun + nghỉ bù 27/04 Mon; 30/04 Thu; 01/05 Fri; 31/08 Mon off in exchange for
          Sat 22/08 worked; 01/09 Tue; 02/09 Wed; 24/11 Tue (Ngày Văn hóa Việt Nam).
    2027: 01/01 Fri; Tết 04/02 Thu – 10/02 Wed (Sat 06 and Sun 07 fall in Tết, so 29 Tết and
          Mùng năm are the nghỉ bù days); Giỗ Tổ 16/04 Fri; 30/04 Fri; 01/05 Sat + nghỉ bù 03/05 Mon;
          02/09 Thu; 03/09 Fri; 24/11 Wed.

       January 2026          February 2026           March 2026
    Mo Tu We Th Fr Sa Su  Mo Tu We Th Fr Sa Su  Mo Tu We Th Fr Sa Su
              1  2  3  4                     1                     1
     5  6  7  8  9 10 11   2  3  4  5  6  7  8   2  3  4  5  6  7  8
    12 13 14 15 16 17 18   9 10 11 12 13 14 15   9 10 11 12 13 14 15
    19 20 21 22 23 24 25  16 17 18 19 20 21 22  16 17 18 19 20 21 22
    26 27 28 29 30 31     23 24 25 26 27 28     23 24 25 26 27 28 29
                                                30 31
        April 2026             May 2026             August 2026
    Mo Tu We Th Fr Sa Su  Mo Tu We Th Fr Sa Su  Mo Tu We Th Fr Sa Su
           1  2  3  4  5               1  2  3                  1  2
     6  7  8  9 10 11 12   4  5  6  7  8  9 10   3  4  5  6  7  8  9
    13 14 15 16 17 18 19  11 12 13 14 15 16 17  10 11 12 13 14 15 16
    20 21 22 23 24 25 26  18 19 20 21 22 23 24  17 18 19 20 21 22 23
    27 28 29 30           25 26 27 28 29 30 31  24 25 26 27 28 29 30
                                                31
       February 2027          December 2025
    Mo Tu We Th Fr Sa Su  Mo Tu We Th Fr Sa Su
     1  2  3  4  5  6  7   1  2  3  4  5  6  7
     8  9 10 11 12 13 14  ...
    15 16 17 18 19 20 21  22 23 24 25 26 27 28
    22 23 24 25 26 27 28  29 30 31
"""
import re
import sys
from dataclasses import FrozenInstanceError, replace
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest

try:
    import app  # noqa: F401
except ModuleNotFoundError:  # pragma: no cover - until pytest puts the project root on sys.path
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from app.core.calendar import DueDate, WorkCalendar
from app.core.deadline_rules import (
    DEFAULT_RULES,
    RULES,
    UNIT_RULE,
    DeadlineRule,
    allowed_extensions,
    awaiting_basis,
    rule_days,
    shown_basis,
    validate_rule,
)


@pytest.fixture(scope="module")
def cal():
    return WorkCalendar()


def days_between(first, last):
    return [first + timedelta(days=i) for i in range((last - first).days + 1)]


# -- the official calendar as the package gives it -------------------------------------------


def test_tet_2026_is_off_from_14_to_22_february(cal):
    # Tết holidays Mon 16/02–Fri 20/02 between two weekends: 9 days off, 14/02–22/02.
    assert not any(cal.is_working_day(d) for d in days_between(date(2026, 2, 14), date(2026, 2, 22)))
    # The Friday before and the Monday after are ordinary working days.
    assert cal.is_working_day(date(2026, 2, 13))
    assert cal.is_working_day(date(2026, 2, 23))
    assert "Tết Nguyên Đán" in cal.holiday_name(date(2026, 2, 17))
    assert cal.holiday_name(date(2026, 2, 16)) == "Giao thừa Tết Nguyên Đán"


def test_tet_2027_is_off_from_4_to_10_february(cal):
    # Mùng một is Sat 06/02/2027: Thu 04 (29 Tết, nghỉ bù) to Wed 10 (Mùng năm, nghỉ bù).
    assert not any(cal.is_working_day(d) for d in days_between(date(2027, 2, 4), date(2027, 2, 10)))
    assert cal.is_working_day(date(2027, 2, 3))
    assert cal.is_working_day(date(2027, 2, 11))
    assert cal.holiday_name(date(2027, 2, 4)) == "29 Tết"


def test_weekend_and_working_day_names(cal):
    # Sun 08/03/2026 is an ordinary weekend day: off, but not a holiday.
    assert not cal.is_working_day(date(2026, 3, 8))
    assert cal.holiday_name(date(2026, 3, 8)) is None
    # Thu 05/03/2026: an ordinary working day.
    assert cal.is_working_day(date(2026, 3, 5))
    assert cal.holiday_name(date(2026, 3, 5)) is None


def test_package_swap_saturday_22_08_2026_is_a_working_day(cal):
    # Sat 22/08/2026 is worked in exchange for Mon 31/08/2026 off (bridge to Quốc khánh 01–02/09).
    assert cal.is_working_day(date(2026, 8, 22))
    assert cal.holiday_name(date(2026, 8, 22)) is None
    assert not cal.is_working_day(date(2026, 8, 31))
    assert "22/08/2026" in cal.holiday_name(date(2026, 8, 31))


def test_datetime_is_accepted_as_its_date(cal):
    # A datetime on Tue 17/02/2026 (Tết) is read as that date.
    assert not cal.is_working_day(datetime(2026, 2, 17, 9, 30))


# -- working days ------------------------------------------------------------------------------


def test_working_days_across_tet_2026(cal):
    # From Tue 10/02/2026, 5 working days: Wed 11 (1), Thu 12 (2), Fri 13 (3), 14–22 off,
    # Mon 23 (4), Tue 24 (5).
    assert cal.add_working_days(date(2026, 2, 10), 5) == date(2026, 2, 24)
    # From Fri 13/02/2026, the first working day after it is Mon 23/02/2026.
    assert cal.add_working_days(date(2026, 2, 13), 1) == date(2026, 2, 23)


def test_working_days_across_tet_2027(cal):
    # From Mon 01/02/2027, 5 working days: Tue 02 (1), Wed 03 (2), 04–10 Tết, Thu 11 (3),
    # Fri 12 (4), 13–14 weekend, Mon 15 (5).
    assert cal.add_working_days(date(2027, 2, 1), 5) == date(2027, 2, 15)


def test_working_days_across_30_4_and_1_5_2026(cal):
    # 30/04 Thu and 01/05 Fri join the weekend 02–03/05: from Wed 29/04, the next working day
    # is Mon 04/05/2026.
    assert cal.add_working_days(date(2026, 4, 29), 1) == date(2026, 5, 4)
    # From Fri 24/04: 25–26 weekend (26 is also Giỗ Tổ), Mon 27 nghỉ bù Giỗ Tổ, Tue 28 (1),
    # Wed 29 (2), 30/04–03/05 off, Mon 04/05 (3).
    assert cal.add_working_days(date(2026, 4, 24), 3) == date(2026, 5, 4)


def test_working_days_use_the_package_swap_saturday(cal):
    # From Thu 20/08/2026: Fri 21 (1), Sat 22 worked by swap (2), Sun 23 off, Mon 24 (3).
    assert cal.add_working_days(date(2026, 8, 20), 3) == date(2026, 8, 24)
    # From Fri 28/08/2026: 29–30 weekend, Mon 31 swap day off, 01–02/09 Quốc khánh, Thu 03/09.
    assert cal.add_working_days(date(2026, 8, 28), 1) == date(2026, 9, 3)


def test_working_days_skip_into_a_saturday_made_working_by_admin():
    # Without the swap, from Fri 09/01/2026 the next working day is Mon 12/01/2026.
    assert WorkCalendar().add_working_days(date(2026, 1, 9), 1) == date(2026, 1, 12)
    # With Sat 10/01/2026 declared a working day, it is Sat 10/01; the second is Mon 12/01.
    swapped = WorkCalendar(extra_working_days=[date(2026, 1, 10)])
    assert swapped.is_working_day(date(2026, 1, 10))
    assert swapped.add_working_days(date(2026, 1, 9), 1) == date(2026, 1, 10)
    assert swapped.add_working_days(date(2026, 1, 9), 2) == date(2026, 1, 12)
    explanation = swapped.compute_due(date(2026, 1, 9), 1, "working").explanation
    assert "Tính cả thứ Bảy 10/01/2026: ngày làm việc bù" in explanation


def test_working_days_cross_the_year_and_new_year_2027(cal):
    # From Thu 31/12/2026: Fri 01/01/2027 is Tết Dương lịch, 02–03 weekend, Mon 04/01/2027.
    assert cal.add_working_days(date(2026, 12, 31), 1) == date(2027, 1, 4)


def test_admin_extra_day_off_is_skipped():
    # Hypothetical: an admin gives Fri 02/01/2026 off and makes Sat 10/01/2026 a working day.
    admin = WorkCalendar(extra_days_off=[date(2026, 1, 2)], extra_working_days=[date(2026, 1, 10)])
    # From Wed 31/12/2025, 2 working days: 01/01 holiday, 02/01 admin day off, 03–04 weekend,
    # Mon 05 (1), Tue 06 (2).
    assert admin.add_working_days(date(2025, 12, 31), 2) == date(2026, 1, 6)
    # Without the admin entry: Fri 02 (1), Mon 05 (2).
    assert WorkCalendar().add_working_days(date(2025, 12, 31), 2) == date(2026, 1, 5)
    assert admin.holiday_name(date(2026, 1, 2)) == "Ngày nghỉ bổ sung"


def test_admin_extra_day_off_with_a_name_and_over_a_working_saturday():
    named = WorkCalendar(extra_days_off={date(2026, 1, 2): "Nghỉ bù Tết Dương lịch"})
    assert named.holiday_name(date(2026, 1, 2)) == "Nghỉ bù Tết Dương lịch"
    # An admin day off wins over the package's swapped working Saturday 22/08/2026.
    cancelled = WorkCalendar(extra_days_off=[date(2026, 8, 22)])
    assert not cancelled.is_working_day(date(2026, 8, 22))


def test_admin_can_turn_a_package_holiday_into_a_working_day():
    # If the government changed 24/11/2026 (Tue), an admin overrides the package.
    corrected = WorkCalendar(extra_working_days=[date(2026, 11, 24)])
    assert corrected.is_working_day(date(2026, 11, 24))
    assert corrected.holiday_name(date(2026, 11, 24)) is None


def test_a_date_cannot_be_both_off_and_working():
    with pytest.raises(ValueError):
        WorkCalendar(extra_days_off=[date(2026, 1, 10)], extra_working_days=[date(2026, 1, 10)])


# -- calendar days (BLDS 2015 Điều 147–148) -------------------------------------------------


def test_calendar_days_end_on_a_working_day_unchanged(cal):
    # Event Mon 05/01/2026; day 1 is Tue 06/01, day 10 is Thu 15/01/2026, a working day.
    assert cal.add_calendar_days(date(2026, 1, 5), 10) == date(2026, 1, 15)


def test_calendar_days_ending_on_sunday_move_to_monday(cal):
    # Event Thu 26/02/2026; day 1 Fri 27/02, day 2 Sat 28/02, day 10 Sun 08/03/2026
    # -> next working day Mon 09/03/2026.
    assert cal.add_calendar_days(date(2026, 2, 26), 10) == date(2026, 3, 9)


def test_calendar_days_ending_on_the_first_day_of_tet_2026_move_past_tet(cal):
    # Event Fri 06/02/2026 + 10 days = Mon 16/02/2026 (Giao thừa, first day off of Tết);
    # 16–20 Tết, 21–22 weekend -> Mon 23/02/2026.
    assert cal.add_calendar_days(date(2026, 2, 6), 10) == date(2026, 2, 23)


def test_calendar_days_ending_on_the_first_day_of_tet_2027_move_past_tet(cal):
    # Event Mon 25/01/2027 + 10 days = Thu 04/02/2027 (29 Tết); 04–10 off -> Thu 11/02/2027.
    assert cal.add_calendar_days(date(2027, 1, 25), 10) == date(2027, 2, 11)


def test_calendar_days_ending_on_30_4_move_past_1_5_and_the_weekend(cal):
    # Event Mon 20/04/2026 + 10 days = Thu 30/04/2026; 01/05 Fri holiday, 02–03 weekend
    # -> Mon 04/05/2026.
    assert cal.add_calendar_days(date(2026, 4, 20), 10) == date(2026, 5, 4)


def test_calendar_days_may_end_on_a_swapped_working_saturday(cal):
    # Event Wed 12/08/2026 + 10 days = Sat 22/08/2026, a working day by swap: no move.
    assert cal.add_calendar_days(date(2026, 8, 12), 10) == date(2026, 8, 22)


def test_calendar_days_ending_on_an_admin_day_off():
    admin = WorkCalendar(extra_days_off=[date(2026, 1, 2)])
    # Event Tue 23/12/2025 + 10 days: 24..31/12 are days 1..8, 01/01 day 9, Fri 02/01 day 10.
    # 02/01 is an admin day off, 03–04 weekend -> Mon 05/01/2026.
    assert admin.add_calendar_days(date(2025, 12, 23), 10) == date(2026, 1, 5)
    # Without it, 02/01/2026 is a working Friday.
    assert WorkCalendar().add_calendar_days(date(2025, 12, 23), 10) == date(2026, 1, 2)


def test_calendar_days_count_holidays_inside_the_period(cal):
    # Event Tue 10/02/2026 + 30 days: Feb has 28 days, so 10/02 + 18 = 28/02, + 12 = Thu 12/03/2026.
    # Tết inside the period is counted (only the last day is moved).
    assert cal.add_calendar_days(date(2026, 2, 10), 30) == date(2026, 3, 12)


# -- zero and negative -------------------------------------------------------------------------


def test_zero_days_is_the_start_normalised(cal):
    # Sun 08/03/2026 is not a working day -> Mon 09/03/2026, for both units.
    assert cal.add_calendar_days(date(2026, 3, 8), 0) == date(2026, 3, 9)
    assert cal.add_working_days(date(2026, 3, 8), 0) == date(2026, 3, 9)
    # Thu 05/03/2026 is a working day and stays.
    assert cal.add_working_days(date(2026, 3, 5), 0) == date(2026, 3, 5)
    assert cal.next_working_day(date(2026, 2, 17)) == date(2026, 2, 23)


def test_negative_days_and_unknown_unit_are_rejected(cal):
    with pytest.raises(ValueError):
        cal.add_working_days(date(2026, 3, 5), -1)
    with pytest.raises(ValueError):
        cal.add_calendar_days(date(2026, 3, 5), -3)
    with pytest.raises(ValueError):
        cal.compute_due(date(2026, 3, 5), 3, "weeks")
    with pytest.raises(TypeError):
        cal.compute_due(date(2026, 3, 5), 2.5, "calendar")


# -- pause and resume --------------------------------------------------------------------------


def test_pause_pushes_a_calendar_period_by_its_length(cal):
    # Event Mon 05/01/2026 + 30 days = Wed 04/02/2026 without pause (05/01 + 26 = 31/01, + 4).
    assert cal.compute_due(date(2026, 1, 5), 30, "calendar").due == date(2026, 2, 4)
    # Paused 12/01–16/01 (5 days): 04/02 + 5 = Mon 09/02/2026, a working day.
    due = cal.compute_due(date(2026, 1, 5), 30, "calendar",
                          paused_periods=[(date(2026, 1, 12), date(2026, 1, 16))])
    assert due.due == date(2026, 2, 9)
    assert "Tạm dừng 12/01/2026–16/01/2026: không tính 5 ngày" in due.explanation


def test_pause_pushes_a_working_period_by_the_working_days_inside_it(cal):
    # Event Sun 01/03/2026, 10 working days: 02–06/03 (5), 09–13/03 (10) -> Fri 13/03 without pause.
    assert cal.compute_due(date(2026, 3, 1), 10, "working").due == date(2026, 3, 13)
    # Paused Thu 05/03–Wed 11/03: working days lost 05, 06, 09, 10, 11 = 5
    # -> 13/03 plus 5 working days: 16, 17, 18, 19, 20 -> Fri 20/03/2026.
    due = cal.compute_due(date(2026, 3, 1), 10, "working",
                          paused_periods=[(date(2026, 3, 5), date(2026, 3, 11))])
    assert due.due == date(2026, 3, 20)
    assert "Tạm dừng 05/03/2026–11/03/2026: không tính 5 ngày làm việc" in due.explanation


def test_pause_over_a_weekend_does_not_move_a_working_period(cal):
    # Paused Sat 07/03–Sun 08/03/2026: no working day lost -> still Fri 13/03/2026.
    due = cal.compute_due(date(2026, 3, 1), 10, "working",
                          paused_periods=[(date(2026, 3, 7), date(2026, 3, 8))])
    assert due.due == date(2026, 3, 13)


def test_overlapping_pauses_and_pauses_before_the_start(cal):
    # Two overlapping pauses 05/03–10/03 and 09/03–11/03 are the same days as 05/03–11/03
    # -> Fri 20/03/2026, as above; a pause in February (before the event) changes nothing.
    due = cal.compute_due(date(2026, 3, 1), 10, "working", paused_periods=[
        (date(2026, 2, 2), date(2026, 2, 6)),
        (date(2026, 3, 5), date(2026, 3, 10)),
        (date(2026, 3, 9), date(2026, 3, 11)),
    ])
    assert due.due == date(2026, 3, 20)
    assert [line for line in due.explanation if line.startswith("Tạm dừng")] == [
        "Tạm dừng 05/03/2026–11/03/2026: không tính 5 ngày làm việc",
    ]


def test_pause_pushing_a_calendar_period_onto_tet(cal):
    # Event Mon 26/01/2026 + 10 days = Thu 05/02/2026; paused 02/02–12/02 (11 days)
    # -> 05/02 + 11 = Mon 16/02/2026 (Tết) -> Mon 23/02/2026.
    due = cal.compute_due(date(2026, 1, 26), 10, "calendar",
                          paused_periods=[(date(2026, 2, 2), date(2026, 2, 12))])
    assert due.due == date(2026, 2, 23)


def test_a_pause_that_ends_before_it_starts_is_rejected(cal):
    with pytest.raises(ValueError):
        cal.compute_due(date(2026, 3, 1), 10, "working",
                        paused_periods=[(date(2026, 3, 11), date(2026, 3, 5))])


# -- explanations ------------------------------------------------------------------------------


def test_explanation_of_a_calendar_period_moved_off_a_sunday(cal):
    result = cal.compute_due(date(2026, 2, 26), 10, "calendar")
    assert isinstance(result, DueDate)
    assert result.explanation[0] == "Bắt đầu từ ngày 27/02/2026 (ngày tiếp theo sau ngày 26/02/2026)"
    assert ("Ngày cuối rơi vào Chủ nhật 08/03/2026, chuyển sang ngày làm việc tiếp theo 09/03/2026"
            in result.explanation)
    assert result.explanation[-1] == "Hạn cuối: thứ Hai 09/03/2026"
    with pytest.raises(FrozenInstanceError):
        result.due = date(2026, 3, 10)


def test_explanation_of_a_working_period_across_tet(cal):
    result = cal.compute_due(date(2026, 2, 10), 5, "working")
    assert "Bỏ qua 16/02/2026–20/02/2026: Tết Nguyên Đán" in result.explanation
    assert result.explanation[-1] == "Hạn cuối: thứ Ba 24/02/2026"
    result_2027 = cal.compute_due(date(2027, 2, 1), 5, "working")
    assert "Bỏ qua 04/02/2027–10/02/2027: Tết Nguyên Đán" in result_2027.explanation


def test_explanation_of_a_calendar_period_moved_past_tet(cal):
    result = cal.compute_due(date(2026, 2, 6), 10, "calendar")
    assert result.explanation[-2] == (
        "Ngày cuối rơi vào ngày nghỉ 16/02/2026 (Tết Nguyên Đán), "
        "chuyển sang ngày làm việc tiếp theo 23/02/2026"
    )


def test_every_explanation_date_is_dd_mm_yyyy(cal):
    result = cal.compute_due(date(2026, 4, 24), 3, "working")
    text = " ".join(result.explanation)
    assert re.findall(r"\d+/\d+/\d+", text)
    assert all(re.fullmatch(r"\d{2}/\d{2}/\d{4}", d) for d in re.findall(r"\d+/\d+/\d+", text))
    assert "2026-" not in text


# -- deadline rules ----------------------------------------------------------------------------

EXPECTED_CODES = {
    "complaint.accept", "complaint.first.resolve", "complaint.second.resolve",
    "denunciation.initial", "denunciation.notify", "denunciation.resolve", "petition.reply",
    "intake.log", "supervision.notice", "recommendation.reply", "supervision.draft_report",
    "critique.notice", "dialogue.periodic", "forward.reply", "dialogue.agenda",
    "dialogue.publish", "democracy.conference",
}


def test_default_rules_cover_domain_section_5_and_are_valid():
    assert set(DEFAULT_RULES) == EXPECTED_CODES
    assert len(RULES) == len(DEFAULT_RULES)  # no duplicate codes
    for rule in RULES:
        assert validate_rule(rule) == [], rule.code
        if rule.legal_basis == UNIT_RULE:  # the unit's own rule: no citation to check
            continue
        # Legal basis carries a document number with its issuer's suffix and a year.
        assert re.search(r"\d+/(\d{4}/)?[A-ZĐ]", rule.legal_basis), rule.code
        assert re.search(r"(19|20)\d{2}", rule.legal_basis), rule.code


def test_no_rule_cites_placeholder_wording_or_a_body_that_is_not_the_unions_concern():
    """Issue 13: no "ví dụ", "cần đối chiếu", provincial People's Council or Ministry of
    Justice text; an unverified rule is shown to users as the unit's own rule."""
    for rule in RULES:
        text = f"{rule.legal_basis} {rule.note}"
        for word in ("ví dụ", "Ví dụ", "cần đối chiếu", "tham chiếu", "HĐND", "BTP",
                     "Bộ Tư pháp"):
            assert word not in text, (rule.code, word)
        shown = shown_basis(rule)
        assert shown == (rule.legal_basis if rule.status == "V" else UNIT_RULE), rule.code
    assert {r.code for r in awaiting_basis(RULES)} >= {
        "intake.log", "supervision.notice", "supervision.draft_report",
        "recommendation.reply", "petition.reply"}


def test_default_rule_figures_match_domain_table():
    r = DEFAULT_RULES
    assert (r["complaint.accept"].days, r["complaint.accept"].unit) == (10, "calendar")
    assert (r["denunciation.initial"].days, r["denunciation.initial"].unit) == (7, "working")
    assert (r["denunciation.notify"].days, r["denunciation.notify"].unit) == (5, "working")
    assert (r["intake.log"].days, r["intake.log"].unit) == (3, "working")
    resolve = r["denunciation.resolve"]
    assert (resolve.days, resolve.max_extensions, resolve.extension_days) == (30, 2, 30)
    assert r["supervision.notice"].direction == "before"
    assert r["critique.notice"].direction == "before"
    assert "Điều 30" in resolve.legal_basis and "25/2018/QH14" in resolve.legal_basis


def test_rule_days_complaint_modifiers():
    first = DEFAULT_RULES["complaint.first.resolve"]
    assert rule_days(first, "normal", False) == 30
    assert rule_days(first, "complex", False) == 45
    assert rule_days(first, "normal", True) == 45
    assert rule_days(first, "complex", True) == 60
    assert rule_days(first, "especially_complex", True) == 60
    second = DEFAULT_RULES["complaint.second.resolve"]
    assert [rule_days(second, lvl, rem) for lvl, rem in
            [("normal", False), ("complex", False), ("normal", True), ("complex", True)]] == [
        45, 60, 60, 70]


def test_rule_days_fallbacks_and_extensions():
    # No modifiers: every combination gives the base 30 days; complexity gives extensions instead.
    resolve = DEFAULT_RULES["denunciation.resolve"]
    assert rule_days(resolve, "especially_complex", True) == 30
    assert [allowed_extensions(resolve, lvl) for lvl in
            ("normal", "complex", "especially_complex")] == [0, 1, 2]
    # Several places to check: 10 working days instead of 7.
    assert rule_days(DEFAULT_RULES["denunciation.initial"], "complex", False) == 10
    # complex + remote with no own figure takes the longer of complex (40) and remote (50).
    custom = replace(DEFAULT_RULES["complaint.first.resolve"], complex_days=40, remote_days=50,
                     complex_remote_days=None)
    assert rule_days(custom, "complex", True) == 50
    with pytest.raises(ValueError):
        rule_days(resolve, "very", False)


def test_rule_days_feed_compute_due(cal):
    # Complaint accepted (thụ lý) on Fri 06/02/2026, complex: 45 days.
    # 06/02 + 22 = 28/02 (22 days), + 23 = Mon 23/03/2026 (working day).
    first = DEFAULT_RULES["complaint.first.resolve"]
    days = rule_days(first, "complex", False)
    assert cal.compute_due(date(2026, 2, 6), days, first.unit).due == date(2026, 3, 23)


@pytest.mark.parametrize("changes, fragment", [
    ({"days": 0}, "days must be positive"),
    ({"days": -5}, "days must be positive"),
    ({"unit": "weeks"}, "unknown unit"),
    ({"max_extensions": 2, "extension_days": 0}, "extension_days is not"),
    ({"max_extensions": 0, "extension_days": 30}, "max_extensions is 0"),
    ({"max_extensions": -1}, "max_extensions must not be negative"),
    ({"complex_days": 20}, "complex_days (20) is shorter than days (30)"),
    ({"complex_remote_days": 40}, "complex_remote_days (40) is shorter than 45"),
    ({"remote_days": 0}, "remote_days must be positive"),
    ({"warn_before_days": 30}, "warn_before_days (30) must be shorter"),
    ({"start_event": "whenever"}, "unknown start_event"),
    ({"code": "Complaint"}, "is not dotted lower-case"),
    ({"legal_basis": "  "}, "legal_basis is empty"),
    ({"direction": "sideways"}, "unknown direction"),
])
def test_validate_rule_reports_problems(changes, fragment):
    # Base: complaint.first.resolve (30; complex 45; remote 45; complex remote 60; no extensions).
    rule = replace(DEFAULT_RULES["complaint.first.resolve"], **changes)
    problems = validate_rule(rule)
    assert any(fragment in p for p in problems), problems


def test_rules_are_frozen():
    with pytest.raises(FrozenInstanceError):
        DEFAULT_RULES["complaint.accept"].days = 5
    assert isinstance(DEFAULT_RULES["complaint.accept"], DeadlineRule)


def test_official_holidays_and_swaps_of_a_year():
    from app.core.calendar import official_holidays, official_working_weekend_days

    days = dict(official_holidays(2026))
    # Tết 2026: Mon 16/02 (Giao thừa) to Fri 20/02 (Mùng bốn); Mùng 1 is Tue 17/02.
    assert [d for d in days if d.month == 2] == [date(2026, 2, d) for d in range(16, 21)]
    assert days[date(2026, 2, 17)] == "Tết Nguyên Đán"
    assert official_working_weekend_days(2026) == [date(2026, 8, 22)]


def test_a_notice_period_may_be_zero_days_but_no_other_period():
    """No notice ahead of a supervision is a setting (a demo, a unit's choice); a period
    counted after an event is never zero, and nothing is negative."""
    notice = DEFAULT_RULES["supervision.notice"]
    assert validate_rule(replace(notice, days=0)) == []
    assert any("positive" in p for p in validate_rule(replace(notice, days=-1)))
    after = DEFAULT_RULES["complaint.accept"]
    assert any("positive" in p for p in validate_rule(replace(after, days=0)))
