"""Four eyes (issue 10): nobody approves a plan, a critique or a report they wrote or changed,
even when someone else saved it last and submitted it."""
from datetime import timedelta

import pytest

from app.auth.models import RoleAssignment
from app.cases.models import Case
from app.cases.plugins import contributions
from app.cases.services import transition_case
from app.core.calendar import local_today
from app.critique import services as cs
from app.extensions import db
from app.supervision import services as sv
from tests.documents.helpers import people as people_of
from tests.factories import advance, make_case
from workflows import vocab
from workflows.registry import WORKFLOWS

TODAY = local_today()
REFUSED = "You wrote, changed or submitted this draft: another approver must approve it"


@pytest.fixture
def both(world):
    """A user of unit A who is both handler and approver, reading English."""
    user = world.users["approver2"]
    user.roles.append(RoleAssignment(role=vocab.HANDLER, org=world.orgs["a"]))
    user.locale = "en"
    world.users["approver"].locale = "en"
    db.session.commit()
    return user


def _supervision(world, upto):
    case = make_case(world.users["intake"], world.orgs["a"], received_on=TODAY - timedelta(days=60))
    advance(case, people_of(world), upto, today=TODAY - timedelta(days=50))
    return case


def _plan(case, actor, purpose):
    return sv.save_plan(case, actor, purpose=purpose, content="Việc trích nộp bảo hiểm xã hội",
                        form="Làm việc trực tiếp", place="Trụ sở công ty",
                        starts_on=TODAY + timedelta(days=20), ends_on=TODAY + timedelta(days=25),
                        subject_preparation="")


def _approve(browser, user, case, trigger):
    browser.login(user.username)
    case = db.session.get(Case, case.id)
    response = browser.post(f"/cases/{case.id}/actions/{trigger}", {"version": case.version})
    # A refused step goes back to the case page (303), which says why.
    response.followed = browser.get(response.headers["Location"]).get_data(as_text=True) \
        if response.status_code == 303 else ""
    browser.logout()
    return response


def test_an_approver_who_changed_the_plan_cannot_approve_it(browser, db, world, both):
    case = _supervision(world, ["classify"])
    _plan(case, both, "Mục đích do người duyệt viết")
    _plan(case, world.users["handler"], "Mục đích do cán bộ sửa lại")  # saved last by another
    transition_case(case, "draft_plan", world.users["handler"])  # and submitted by another
    db.session.commit()
    response = _approve(browser, both, case, "approve_plan")
    assert response.status_code == 303
    assert REFUSED in response.followed
    assert db.session.get(Case, case.id).state == "plan_drafted"
    assert _approve(browser, world.users["approver"], case, "approve_plan").status_code == 302
    assert db.session.get(Case, case.id).state == "plan_approved"


def test_an_approver_who_edited_one_save_of_the_report_cannot_approve_it(browser, db, world,
                                                                          both):
    case = _supervision(world, ["classify", "draft_plan", "approve_plan", "form_delegation",
                                "notify_subject", "start_fieldwork", "submit_report"])
    delegate = world.users["delegate"]
    transition_case(case, "return_report", world.users["approver"], comment="Bổ sung số liệu")
    findings = [{"item": "Bảo hiểm xã hội", "strengths": "", "shortcomings": "Chậm đóng",
                 "causes": ""}]
    for author in (delegate, both, delegate):  # one save among several is theirs
        sv.save_report(case, author, findings=findings, recommendations=[],
                       conclusion=f"Kết luận của {author.username}")
    transition_case(case, "submit_report", delegate)
    db.session.commit()
    response = _approve(browser, both, case, "approve_conclusion")
    assert response.status_code == 303 and REFUSED in response.followed
    assert db.session.get(Case, case.id).state == "report_drafted"
    assert _approve(browser, world.users["approver"], case, "approve_conclusion").status_code \
        == 302
    assert db.session.get(Case, case.id).state == "concluded"


def test_an_approver_who_wrote_a_critique_point_cannot_approve_it(browser, db, world, both):
    handler = world.users["handler"]
    critique = cs.register_draft(
        handler, world.orgs["a"], title="Nghị định về tiền lương tối thiểu",
        drafting_body="Bộ Nội vụ", kind="decree", received_on=TODAY - timedelta(days=20),
        submission_on=TODAY + timedelta(days=20),
        articles=cs.split_articles("Điều 1. Phạm vi\nNghị định này quy định lương."))
    case = db.session.get(Case, critique.case_id)
    transition_case(case, "open_consultation", handler)
    cs.send_consultation(case, handler, deadline=TODAY + timedelta(days=5),
                         org_ids=[world.orgs["a_zone"].id], experts=[])
    transition_case(case, "consolidate", handler)
    cs.save_points(case, both, [{"article_id": None, "text": "Đề nghị nâng mức lương."}])
    cs.save_points(case, handler, [{"article_id": None, "text": "Đề nghị nâng mức lương vùng I."}])
    transition_case(case, "submit_critique", handler)
    db.session.commit()
    response = _approve(browser, both, case, "approve_critique")
    assert response.status_code == 303 and REFUSED in response.followed
    assert db.session.get(Case, case.id).state == "awaiting_approval"
    assert _approve(browser, world.users["approver"], case, "approve_critique").status_code == 302
    assert db.session.get(Case, case.id).state == "issued"


def test_the_submitter_still_cannot_approve(db, world, both):
    from app.core.errors import Invalid

    case = _supervision(world, ["classify"])
    _plan(case, world.users["handler"], "Mục đích")
    transition_case(case, "draft_plan", both)
    with pytest.raises(Invalid, match=r"another approver|lãnh đạo khác"):
        transition_case(case, "approve_plan", both)


def test_every_four_eyes_approval_names_who_wrote_its_draft(app):
    """A trigger guarded by not_own_draft without a reader of its authors would refuse everyone;
    a new one must say whose draft it approves."""
    guarded = {(wf.family, a.trigger) for wf in WORKFLOWS.values() for a in wf.actions
               if "not_own_draft" in a.guards}
    assert guarded and guarded <= set(contributions(app).draft_authors)
