"""The single writer of case state: what it changes, what it refuses, and what it leaves alone."""
import unicodedata
from datetime import date, timedelta

import pytest
import sqlalchemy as sa

from app.cases.models import AppendOnlyError, Case, CaseEvent
from app.cases.services import allowed_actions, transition_case
from app.core.calendar import local_today
from app.core.errors import Conflict, Forbidden, Invalid, NotFound
from app.identity.models import SealedIdentity
from tests.factories import advance, make_case, make_dialogue
from tests.records import RECOMMENDATIONS
from workflows.registry import WORKFLOWS


def events_of(db, case):
    return db.session.scalars(
        sa.select(CaseEvent).where(CaseEvent.case_id == case.id).order_by(CaseEvent.id)).all()


def test_open_case_starts_in_initial_state_with_code_and_event(db, world):
    u = world.users["intake"]
    case = make_case(u, world.orgs["a"], received_on=date(2026, 3, 2))
    db.session.commit()
    assert case.state == "received"
    assert case.code == f"GS-2026-{case.id:06d}"
    (event,) = events_of(db, case)
    assert (event.action, event.from_state, event.to_state, event.actor_id) == (
        "open", None, "received", u.id)


def test_open_case_normalises_text_to_nfc_and_folds_search_text(db, world):
    decomposed = unicodedata.normalize("NFD", "Đơn khiếu nại của Nguyễn Thị Hường")
    case = make_case(world.users["intake"], world.orgs["a"], title=decomposed)
    db.session.commit()
    assert case.title == unicodedata.normalize("NFC", decomposed)
    assert "don khieu nai cua nguyen thi huong" in case.search_text


def test_open_letter_starts_the_acceptance_deadline(db, world):
    # Complaint received Monday 02/03/2026: thụ lý within 10 days -> Thursday 12/03/2026.
    case = make_case(world.users["intake"], world.orgs["a"], family="letter", kind="complaint",
                     received_on=date(2026, 3, 2))
    db.session.commit()
    assert case.due_on == date(2026, 3, 12)
    assert case.due_rule == "complaint.accept"
    assert events_of(db, case)[0].data["due_on"] == "2026-03-12"


def test_anonymous_sender_keeps_no_name(db, world):
    make_case(world.users["intake"], world.orgs["a"], family="letter",
              is_anonymous=True, reporter_name="Nguyễn Văn A")
    db.session.commit()
    assert db.session.scalar(sa.select(sa.func.count()).select_from(SealedIdentity)) == 0


@pytest.mark.parametrize("field,value,message_part", [
    ("title", "", "tiêu đề"),
    ("channel", "telepathy", "kênh"),
    ("received_on", local_today() + timedelta(days=3), "sau ngày hiện tại"),
])
def test_open_case_refuses_bad_input_and_saves_nothing(db, world, field, value, message_part):
    with pytest.raises(Invalid) as info:
        make_case(world.users["intake"], world.orgs["a"], **{field: value})
    db.session.rollback()
    assert info.value.field == field
    assert message_part in info.value.message.lower()
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Case)) == 0


def test_open_case_outside_scope_or_role_is_forbidden(db, world):
    with pytest.raises(Forbidden):
        make_case(world.users["b_handler"], world.orgs["a"])
    with pytest.raises(Forbidden):
        make_case(world.users["auditor"], world.orgs["a"])


def test_transition_moves_state_records_event_and_bumps_version(db, world):
    case = make_case(world.users["intake"], world.orgs["a"])
    db.session.commit()
    v0 = case.version
    transition_case(case, "classify", world.users["handler"], comment="Đủ điều kiện",
                    expected_version=v0)
    db.session.commit()
    db.session.expire_all()
    case = db.session.get(Case, case.id)
    assert case.state == "classified"
    assert case.version == v0 + 1
    last = events_of(db, case)[-1]
    assert (last.action, last.from_state, last.to_state, last.comment, last.actor_id) == (
        "classify", "received", "classified", "Đủ điều kiện", world.users["handler"].id)


def _assert_untouched(db, case, state, version, n_events):
    db.session.rollback()
    db.session.expire_all()
    fresh = db.session.get(Case, case.id)
    assert (fresh.state, fresh.version) == (state, version)
    assert len(events_of(db, fresh)) == n_events


def test_wrong_role_is_refused_with_403_and_nothing_changes(db, world):
    case = make_case(world.users["intake"], world.orgs["a"])
    db.session.commit()
    v0 = case.version
    with pytest.raises(Forbidden) as info:
        transition_case(case, "classify", world.users["approver"])
    assert info.value.status == 403
    _assert_untouched(db, case, "received", v0, 1)


def test_wrong_state_is_refused_with_409(db, world):
    case = make_case(world.users["intake"], world.orgs["a"])
    db.session.commit()
    v0 = case.version
    with pytest.raises(Conflict) as info:
        transition_case(case, "approve_conclusion", world.users["approver"])
    assert info.value.status == 409
    _assert_untouched(db, case, "received", v0, 1)


def test_stale_version_is_refused_with_409(db, world):
    case = make_case(world.users["intake"], world.orgs["a"])
    db.session.commit()
    v0 = case.version
    transition_case(case, "classify", world.users["handler"], expected_version=v0)
    db.session.commit()
    with pytest.raises(Conflict):
        transition_case(case, "draft_plan", world.users["handler"], expected_version=v0)
    _assert_untouched(db, case, "classified", v0 + 1, 2)


def test_case_outside_scope_is_not_found(db, world):
    case = make_case(world.users["intake"], world.orgs["a"])
    db.session.commit()
    v0 = case.version
    with pytest.raises(NotFound):
        transition_case(case, "classify", world.users["b_handler"])
    _assert_untouched(db, case, "received", v0, 1)


def test_comment_required_actions_refuse_an_empty_comment(db, world):
    case = make_case(world.users["intake"], world.orgs["a"])
    db.session.commit()
    v0 = case.version
    with pytest.raises(Invalid) as info:
        transition_case(case, "cancel", world.users["approver"], comment="   ")
    assert info.value.field == "comment"
    _assert_untouched(db, case, "received", v0, 1)


def test_required_field_must_be_filled(db, world):
    case = make_case(world.users["intake"], world.orgs["a"], family="letter", kind=None)
    db.session.commit()
    with pytest.raises(Invalid) as info:
        transition_case(case, "classify", world.users["handler"])
    assert info.value.field == "kind"
    assert "“Loại”" in info.value.message  # the field's label, not the attribute name


def test_author_cannot_approve_own_draft(db, world):
    """A user holding both roles drafted the plan; only someone else may approve it."""
    from app.auth.models import RoleAssignment

    both = world.users["handler"]
    both.roles.append(RoleAssignment(role="approver", org=world.orgs["a"]))
    case = make_case(world.users["intake"], world.orgs["a"])
    advance(case, [both], ["classify", "draft_plan"])
    db.session.commit()
    with pytest.raises(Invalid) as info:
        transition_case(case, "approve_plan", both)
    # the four-eyes message (Vietnamese once the catalogue has it)
    assert "lãnh đạo khác" in info.value.message or "another approver" in info.value.message
    transition_case(case, "approve_plan", world.users["approver"])
    assert case.state == "plan_approved"


def test_approver_of_a_sibling_or_lower_unit_cannot_approve(db, world):
    case = make_case(world.users["intake"], world.orgs["a"])
    advance(case, [world.users["handler"]], ["classify", "draft_plan"])
    db.session.commit()
    with pytest.raises(NotFound):  # a grassroots approver sits below: the case is not theirs
        transition_case(case, "approve_plan", world.users["grass_approver"])
    with pytest.raises(Forbidden):  # a handler of the same unit sees it but may not approve
        transition_case(case, "approve_plan", world.users["handler2"])
    with pytest.raises(NotFound):  # the other province cannot even see it
        transition_case(case, "approve_plan", world.users["b_approver"])
    transition_case(case, "approve_plan", world.users["top_approver"])  # TLĐ is above
    assert case.state == "plan_approved"


def test_supervision_closes_only_after_every_recommendation_is_closed(db, world):
    u = world.users
    people = [u["intake"], u["handler"], u["delegate"], u["approver"]]
    case = make_case(u["intake"], world.orgs["a"])
    advance(case, people, ["classify", "draft_plan", "approve_plan", "form_delegation",
                           "notify_subject", "start_fieldwork", "submit_report",
                           "approve_conclusion", "issue_conclusion"])
    recs = [c for c in case.children if c.family == "recommendation"]
    assert [(r.subject_name, r.state) for r in recs] == [
        ("Công ty TNHH May Việt Hàn", "waiting")] * 2
    assert {r.summary for r in recs} == set(RECOMMENDATIONS)
    db.session.commit()
    with pytest.raises(Invalid) as info:
        transition_case(case, "close", u["handler"])
    assert "Còn 2 kiến nghị" in info.value.message
    advance(recs[0], [u["handler"]], ["record_implemented", "close"])
    with pytest.raises(Invalid):
        transition_case(case, "close", u["handler"])
    advance(recs[1], [u["handler"]], ["record_not_implemented", "close"])
    transition_case(case, "close", u["handler"])
    db.session.commit()
    assert case.state == "closed" and case.closed_at is not None


def test_recommendation_overdue_only_after_its_deadline(db, world):
    # Received 02/03/2026, 20 days -> due 22/03/2026 (a Sunday) -> moved to Monday 23/03/2026.
    rec = make_case(world.users["handler"], world.orgs["a"], family="recommendation",
                    received_on=date(2026, 3, 2))
    db.session.commit()
    assert rec.due_on == date(2026, 3, 23)
    with pytest.raises(Invalid):
        transition_case(rec, "mark_overdue", world.users["handler"], today=date(2026, 3, 23))
    transition_case(rec, "mark_overdue", world.users["handler"], today=date(2026, 3, 24))
    assert rec.state == "overdue"


def test_terminal_action_stops_the_deadline(db, world):
    case = make_case(world.users["intake"], world.orgs["a"], family="letter",
                     received_on=date(2026, 3, 2))
    transition_case(case, "classify", world.users["handler"])
    transition_case(case, "file_away", world.users["handler"], comment="Đơn trùng")
    assert case.due_on is None and case.state == "filed"


def test_events_are_append_only(db, world):
    case = make_case(world.users["intake"], world.orgs["a"])
    db.session.commit()
    event = events_of(db, case)[0]
    event.comment = "sửa lịch sử"
    with pytest.raises(AppendOnlyError):
        db.session.flush()
    db.session.rollback()
    db.session.delete(events_of(db, case)[0])
    with pytest.raises(AppendOnlyError):
        db.session.flush()


def test_allowed_actions_follow_role_and_state(db, world):
    case = make_case(world.users["intake"], world.orgs["a"])
    db.session.commit()
    assert [a.trigger for a in allowed_actions(world.users["handler"], case)] == ["classify"]
    assert [a.trigger for a in allowed_actions(world.users["approver"], case)] == ["cancel"]
    assert allowed_actions(world.users["auditor"], case) == []
    assert allowed_actions(world.users["delegate"], case) == []


# --- the (role, family, trigger) matrix, walked through the service -------------------------

ROLE_USERS = {"intake_officer": "intake", "handler": "handler2", "delegation_member": "delegate",
              "approver": "approver2", "admin": "admin", "auditor": "auditor"}
MATRIX = [
    (family, action.trigger, role)
    for family, wf in sorted(WORKFLOWS.items())
    for action in wf.actions
    for role in ROLE_USERS
]


def _reach(db, world, family, state):
    """A case of `family` brought to `state` through the service by the regular users."""
    u = world.users
    opened = local_today() - timedelta(days=90)
    case = (make_dialogue(u["intake"], world.orgs["a"], today=opened) if family == "dialogue"
            else make_case(u["intake"], world.orgs["a"], family=family, received_on=opened))
    people = [u["intake"], u["handler"], u["delegate"], u["approver"]]
    for trigger in WORKFLOWS[family].paths_to_states()[state]:
        if trigger == "close" and family == "supervision":
            continue
        advance(case, people, [trigger])
    return case


@pytest.mark.parametrize("family,trigger,role", MATRIX)
def test_role_matrix(db, world, family, trigger, role):
    wf = WORKFLOWS[family]
    action = wf.action(trigger)
    source = action.sources[0]
    case = _reach(db, world, family, source)
    assert case.state == source
    db.session.commit()
    actor = world.users[ROLE_USERS[role]]
    version, n_events = case.version, len(events_of(db, case))
    try:
        transition_case(case, trigger, actor, comment="Lý do kiểm thử",
                        today=local_today())
    except Forbidden:
        assert role not in action.roles
        _assert_untouched(db, case, source, version, n_events)
    except Invalid:
        # A guard refused (e.g. deadline not yet passed); the role itself was accepted.
        assert role in action.roles
        _assert_untouched(db, case, source, version, n_events)
    else:
        assert role in action.roles
        assert case.state == action.dest
        assert events_of(db, case)[-1].action == trigger
