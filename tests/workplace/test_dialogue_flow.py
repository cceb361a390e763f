"""A workplace dialogue from the schedule to the follow-up of its agreed items, through the
services: each step's refusals (too few participants, minutes without both sides'
signatories, a date before the request) and what a user sees afterwards."""
from datetime import timedelta

import pytest
import sqlalchemy as sa

from app.cases.models import Case, CaseEvent
from app.cases.services import transition_case
from app.core.errors import Invalid
from app.workplace import queries, services
from app.workplace.models import DialogueItem
from tests.factories import issue_for
from tests.workplace.helpers import (
    TODAY,
    dialogue,
    employer,
    participants,
    to_agenda_sent,
)


def _held(world, workers=120, day=None):
    emp = employer(world, workers=workers)
    day = day or TODAY - timedelta(days=20)
    case = dialogue(world, emp, scheduled_on=day + timedelta(days=10))
    to_agenda_sent(world, case, day)
    return emp, case


def test_schedule_puts_the_mandatory_item_on_the_content(world, db):
    emp = employer(world)
    case = dialogue(world, emp)
    assert case.family == "dialogue" and case.state == "scheduled"
    assert case.subject_name == emp.name
    assert [i.text for i in queries.items_of(case)] == ["Điều kiện làm việc"]


def test_content_needs_a_workers_proposal_and_time_before_the_dialogue(world, db):
    emp = employer(world)
    case = dialogue(world, emp, scheduled_on=TODAY + timedelta(days=2))
    h = world.users["grass_handler"]
    with pytest.raises(Invalid, match="ít nhất một kiến nghị của người lao động"):
        transition_case(case, "send_agenda", h)
    services.add_item(case, h, source="workers", text="Tăng tiền ăn ca")
    issue_for(case, "send_agenda", world.users["grass_approver"])
    with pytest.raises(Invalid) as refused:
        transition_case(case, "send_agenda", h)
    assert "chậm nhất 5 ngày làm việc trước ngày đối thoại" in refused.value.message
    from app.deadlines import services as deadlines
    earliest = deadlines.work_calendar(case.org).add_working_days(TODAY, 5)
    assert f"sớm nhất ngày {earliest.strftime('%d/%m/%Y')}" in refused.value.message
    assert case.state == "scheduled"
    services.reschedule(case, h, scheduled_on=TODAY + timedelta(days=14), place="Nhà ăn")
    transition_case(case, "send_agenda", h)
    assert case.state == "agenda_sent"
    assert queries.record_of(case).agenda_sent_on == TODAY


def test_a_dialogue_on_request_cannot_be_before_the_request(world, db):
    emp = employer(world)
    with pytest.raises(Invalid) as refused:
        dialogue(world, emp, kind="on_request", requested_by="workers",
                 requested_on=TODAY - timedelta(days=3), scheduled_on=TODAY - timedelta(days=5))
    assert refused.value.field == "scheduled_on"


@pytest.mark.parametrize("workers,needed", [(49, 3), (120, 4), (160, 9), (1200, 24)])
def test_too_few_participants_for_the_workforce_are_refused(world, db, workers, needed):
    emp, case = _held(world, workers=workers)
    h = world.users["grass_handler"]
    with pytest.raises(Invalid) as refused:
        services.hold_dialogue(case, h, held_on=TODAY - timedelta(days=10), place="",
                               participants=participants(workers=needed - 1))
    assert f"phải có ít nhất {needed} người tham gia với {workers} người lao động" \
        in refused.value.message
    assert case.state == "agenda_sent"
    services.hold_dialogue(case, h, held_on=TODAY - timedelta(days=10), place="",
                           participants=participants(workers=needed))
    assert case.state == "held"
    # The minutes are due public within the rule's working days from the dialogue's day.
    from app.deadlines import services as deadlines
    assert case.due_rule == "dialogue.publish"
    assert case.due_on == deadlines.work_calendar(case.org).add_working_days(
        TODAY - timedelta(days=10), 3)


def test_the_employer_side_needs_three(world, db):
    emp, case = _held(world)
    with pytest.raises(Invalid, match="người sử dụng lao động phải có ít nhất 3 người"):
        services.hold_dialogue(case, world.users["grass_handler"],
                               held_on=TODAY - timedelta(days=10), place="",
                               participants=participants(workers=4, employer_side=2))


def test_held_before_the_content_was_sent_is_refused(world, db):
    emp, case = _held(world)
    with pytest.raises(Invalid) as refused:
        services.hold_dialogue(case, world.users["grass_handler"],
                               held_on=TODAY - timedelta(days=25), place="",
                               participants=participants())
    assert refused.value.field == "held_on"


def _minuted(world):
    emp, case = _held(world)
    h = world.users["grass_handler"]
    services.hold_dialogue(case, h, held_on=TODAY - timedelta(days=10), place="Hội trường",
                           participants=participants())
    items = queries.items_of(case)
    return emp, case, items


def test_minutes_need_every_item_decided_and_both_sides_signing(world, db):
    emp, case, items = _minuted(world)
    h = world.users["grass_handler"]
    people = queries.participants_of(case)
    outcomes = {items[0].id: {"outcome": "agreed", "note": "Lắp thêm quạt",
                              "due_on": TODAY + timedelta(days=30)},
                items[1].id: {"outcome": "not_agreed", "note": "Chưa đủ kinh phí"}}
    workers_signer = next(p.id for p in people if p.side == "workers")
    services.record_minutes(case, h, outcomes=outcomes, signatories={workers_signer})
    with pytest.raises(Invalid, match="người ký của bên người sử dụng lao động"):
        transition_case(case, "sign_minutes", h)
    employer_signer = next(p.id for p in people if p.side == "employer")
    services.record_minutes(case, h, outcomes=outcomes,
                            signatories={workers_signer, employer_signer})
    issue_for(case, "sign_minutes", world.users["grass_approver"])
    transition_case(case, "sign_minutes", h)
    assert case.state == "minuted"


def test_publish_follow_up_and_close(world, db):
    emp, case, items = _minuted(world)
    h = world.users["grass_handler"]
    people = queries.participants_of(case)
    services.record_minutes(case, h, outcomes={
        items[0].id: {"outcome": "agreed", "note": "Lắp thêm quạt",
                      "due_on": TODAY + timedelta(days=30)},
        items[1].id: {"outcome": "not_agreed", "note": "Chưa đủ kinh phí"}},
        signatories={people[0].id, people[-1].id})
    issue_for(case, "sign_minutes", world.users["grass_approver"])
    transition_case(case, "sign_minutes", h)
    issue_for(case, "publish", world.users["grass_approver"])
    with pytest.raises(Invalid) as early:  # before the dialogue was held
        services.publish_minutes(case, h, published_on=TODAY - timedelta(days=11),
                                 how="Bảng tin")
    assert early.value.field == "published_on"
    assert str(early.value.message).startswith("Không thể công khai biên bản trước ngày đối thoại")
    services.publish_minutes(case, h, published_on=TODAY - timedelta(days=9), how="Bảng tin")
    assert case.state == "following_up"
    with pytest.raises(Invalid, match="đang theo dõi thực hiện"):
        transition_case(case, "close", h)
    with pytest.raises(Invalid) as no_reason:
        services.follow_item(case, h, items[0].id, status="not_done", status_on=TODAY, note="")
    assert no_reason.value.field == "note"
    services.follow_item(case, h, items[0].id, status="done", status_on=TODAY, note="Đã lắp")
    transition_case(case, "close", h)
    assert case.state == "closed"
    followed = db.session.scalar(sa.select(CaseEvent).where(
        CaseEvent.case_id == case.id, CaseEvent.action == "dialogue_item_followed"))
    assert followed.data["status"] == "done"


def test_a_not_agreed_item_opens_a_supervision_on_channel_5(world, db):
    emp, case, items = _minuted(world)
    h = world.users["grass_handler"]
    services.record_minutes(case, h, outcomes={
        items[0].id: {"outcome": "agreed"}, items[1].id: {"outcome": "not_agreed"}},
        signatories=set())
    opened = services.supervise_item(case, h, items[1].id)
    assert (opened.family, opened.channel, opened.parent_id) == ("supervision", "dialogue",
                                                                 case.id)
    assert opened.subject_name == emp.name
    assert db.session.get(DialogueItem, items[1].id).opened_case_id == opened.id


def test_an_employer_outside_the_subtree_is_refused(world, db):
    emp = employer(world)
    with pytest.raises(Invalid) as refused:
        services.open_dialogue(world.users["b_handler"], emp, kind="periodic",
                               scheduled_on=TODAY + timedelta(days=10))
    assert refused.value.field == "employer_id"
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Case)) == 0
