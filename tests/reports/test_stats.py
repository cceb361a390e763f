"""Statistics computed by hand from a small world of cases in known states and dates (issue 5)."""
from datetime import date

import pytest

from app.reports import stats as st
from app.reports import tables
from tests.reports.world import H1_2025, build_cases


@pytest.fixture
def figures(db, world):
    build_cases(world)
    db.session.commit()
    return st.compute(world.orgs["a"], H1_2025, today=date(2026, 1, 15))


def test_cases_by_family_carried_over_received_closed_and_overdue(figures):
    f = figures.families
    assert dict(f["letter"]) == {"carried": 1, "received": 3, "total": 4, "closed": 1,
                                 "open": 3, "overdue": 2}
    assert dict(f["supervision"]) == {"received": 1, "total": 1, "open": 1}
    assert dict(f["recommendation"]) == {"received": 2, "total": 2, "open": 2, "overdue": 1}
    assert dict(f["dialogue"]) == {"carried": 1, "total": 1, "open": 1}
    assert figures.totals["total"] == 8 and figures.totals["overdue"] == 3


def test_channels_count_only_cases_received_in_the_period(figures):
    assert dict(figures.channels) == {"report": 4, "complaint": 1, "media": 1}


def test_states_are_read_at_the_end_of_the_period(figures):
    assert figures.states[("letter", "resolved")] == 1
    assert figures.states[("letter", "forwarded")] == 1
    assert figures.states[("letter", "closed")] == 1
    assert figures.states[("letter", "received")] == 1
    assert figures.states[("recommendation", "implemented")] == 1
    assert figures.states[("recommendation", "waiting")] == 1
    assert sum(figures.states.values()) == 8


def test_trend_by_month(figures):
    assert [(m.month, r, c) for m, r, c in figures.months] == [
        (1, 1, 0), (2, 1, 0), (3, 1, 1), (4, 1, 0), (5, 1, 0), (6, 1, 0)]


def test_recommendations_issued_answered_implemented(figures):
    assert dict(figures.recommendations) == {"issued": 2, "answered": 1, "implemented": 1,
                                             "awaiting": 1, "overdue": 1}


def test_letters_follow_bieu_01_xld(figures):
    assert dict(figures.letters) == {
        "total": 4, "carried": 1, "received": 3,
        "kind.complaint": 1, "kind.denunciation": 1, "kind.feedback": 1, "kind.petition": 1,
        "valid": 2, "invalid": 1, "unclassified": 1,
        "competent": 1, "not_competent": 1, "competence_unknown": 2,
        "decision.accept": 1, "decision.forward": 1, "decision.file_away": 1,
        "decision.none": 1, "resolved": 1, "open": 2, "anonymous": 1, "several_signers": 1,
        # the forwarded letter: no reply by the end of June, its 30-day reply period over
        "forward.awaiting": 1, "forward.overdue": 1,
    }


def test_a_later_change_does_not_alter_a_past_period(db, world, figures):
    from app.cases.services import transition_case

    letter = world.cases["L4"]
    transition_case(letter, "classify", world.users["handler"], today=date(2025, 7, 2))
    db.session.commit()
    again = st.compute(world.orgs["a"], H1_2025, today=date(2026, 1, 15))
    assert again.letters == figures.letters and again.states == figures.states


def test_the_subtree_of_a_lower_unit_and_another_province(db, world, figures):
    zone = st.compute(world.orgs["a_zone"], H1_2025, today=date(2026, 1, 15))
    # a_zone holds R2, D1 (carried over) and L2 below it (in a_grass)
    assert zone.totals["total"] == 3
    b = st.compute(world.orgs["b"], H1_2025, today=date(2026, 1, 15))
    assert b.totals["total"] == 1 and b.letters["total"] == 1


def test_parse_period():
    today = date(2026, 3, 1)
    assert st.parse_period({}, today) == st.Period(date(2026, 1, 1), date(2026, 12, 31), "year")
    assert st.parse_period({"period": "h2", "year": "2025"}, today).label_vi == \
        "6 tháng cuối năm 2025"
    p = st.parse_period({"from": "01/01/2025", "to": "2025-06-30"}, today)
    assert p == H1_2025 and p.label_vi == "6 tháng đầu năm 2025"
    for bad in ({"from": "2025-02-30", "to": "2025-03-01"}, {"from": "2025-03-01",
                "to": "2025-02-01"}, {"year": "20x5"}, {"from": "2010-01-01", "to": "2025-01-01"}):
        with pytest.raises(st.Invalid):
            st.parse_period(bad, today)


def test_publishable_masks_small_counts_and_their_complement(figures):
    public = {s.key: s for s in tables.publishable(tables.sections(figures))}
    letters = public["letters"]
    assert letters.value("total") == "<5"
    assert letters.value("kind.denunciation") == "<5"
    assert all(isinstance(v, str) or v == 0 or v >= 5
               for s in public.values() for r in s.rows for v in r.values if v != "")
    # one small cell among cells that add up to a total is never left alone
    groups = tables.publishable([tables.Section("x", "x", ["a", "n"], [
        tables.Row("t", "t", [20]), tables.Row("p", "p", [2], 1, "g"),
        tables.Row("q", "q", [7], 1, "g"), tables.Row("r", "r", [11], 1, "g")])])
    assert [r.values[0] for r in groups[0].rows] == [20, "<5", "x", 11]
