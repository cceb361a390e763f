"""A step whose legal effect is a document waits for that document, issued (Action.documents):
the case page says so under the step's button and drafts it; the refusal names it; the
timeline line of the step records its number."""
from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
import sqlalchemy as sa

from app.cases.models import CaseEvent
from app.cases.services import transition_case
from app.core.errors import Invalid
from app.documents import services
from app.documents.models import CaseDocument
from app.documents.services import TEMPLATES
from app.supervision import services as sv
from tests.documents.helpers import TODAY, issued, pdf_text, people, poppler
from tests.factories import advance, issue_for, make_case
from tests.letters.conftest import SENDER, classify, flat, log_letter
from workflows.registry import WORKFLOWS


def _plan_approved(world):
    case = make_case(world.users["intake"], world.orgs["a"],
                     subject_name="Công ty TNHH May Hồng Lĩnh",
                     title="việc thực hiện chính sách bảo hiểm xã hội",
                     received_on=TODAY - timedelta(days=60))
    advance(case, people(world), ["classify", "draft_plan", "approve_plan"],
            today=TODAY - timedelta(days=50))
    sv.set_delegation(case, world.users["handler"], [
        {"user_id": world.users["delegate"].id, "name": "", "position": "Phó Chủ tịch",
         "role": "leader"}])
    return case


def _step_box(page: str, trigger: str) -> str:
    match = re.search(rf'<form[^>]*data-trigger="{trigger}".*?</form>', page, re.S)
    assert match, f"no button for {trigger}: {page}"
    return match.group(0)


def test_every_document_a_step_names_is_a_template_drafted_where_the_step_stands(app):
    """The workflows are data: each code they name is a registered template of the step's
    family that can be drafted in every state the step fires from (its draft button works)."""
    named = [(wf, action, code) for wf in WORKFLOWS.values() for action in wf.actions
             for code in action.documents]
    assert len(named) >= 9
    for wf, action, code in named:
        tpl = TEMPLATES[code]
        assert wf.family in tpl.families, code
        # drafted from a state the step fires from (a result recorded after forwarding rests
        # on no decision of ours: the conclusion's condition leaves "forwarded" out)
        assert tpl.states is None or set(action.sources) & tpl.states, (action.trigger, code)
        assert "documents_issued" in action.guards


def test_forming_the_delegation_waits_for_its_decision_drafted_from_the_step(browser, db,
                                                                             world):
    case = _plan_approved(world)
    db.session.commit()
    browser.login("approver")
    page = browser.get(f"/cases/{case.id}").get_data(as_text=True)
    box = _step_box(page, "form_delegation")
    assert "Cần văn bản đã ban hành “Quyết định thành lập đoàn giám sát”" in box
    assert 'data-testid="draft-for-step"' in box and 'value="sv_decision"' in box

    refused = browser.post(f"/cases/{case.id}/actions/form_delegation",
                           {"version": case.version, "comment": ""})
    assert refused.status_code == 303  # back to the case page, which says why
    reason = browser.get(refused.headers["Location"]).get_data(as_text=True).split(
        'data-testid="next-steps"')[0]
    assert "Quyết định thành lập đoàn giám sát" in reason
    db.session.expire_all()
    assert case.state == "plan_approved"

    # The handler drafts it from the step (the button posts the step's form to the drafts)
    browser.logout()
    browser.login("handler")
    drafted = browser.post(f"/documents/case/{case.id}/new",
                           {"version": case.version, "comment": "", "template": "sv_decision"})
    assert drafted.status_code == 302
    doc = db.session.scalar(sa.select(CaseDocument).where(CaseDocument.case_id == case.id))
    assert drafted.headers["Location"].endswith(f"/documents/{doc.id}")
    page = browser.get(f"/cases/{case.id}").get_data(as_text=True)
    assert 'data-trigger="form_delegation"' not in page  # the approvers' step
    browser.logout()

    # a draft is not enough
    browser.login("approver")
    box = _step_box(browser.get(f"/cases/{case.id}").get_data(as_text=True), "form_delegation")
    assert "mở bản dự thảo chờ ban hành" in box and f'href="/documents/{doc.id}"' in box
    assert browser.post(f"/cases/{case.id}/actions/form_delegation",
                        {"version": case.version}).status_code == 303

    assert browser.post(f"/documents/{doc.id}/issue", {}).status_code == 302
    db.session.expire_all()
    label = services.number_label(doc)
    box = _step_box(browser.get(f"/cases/{case.id}").get_data(as_text=True), "form_delegation")
    assert f"Căn cứ Quyết định thành lập đoàn giám sát số {label}" in box
    assert 'data-testid="draft-for-step"' not in box

    done = browser.post(f"/cases/{case.id}/actions/form_delegation", {"version": case.version})
    assert done.status_code == 302
    db.session.expire_all()
    assert case.state == "delegation_formed"
    event = db.session.scalar(sa.select(CaseEvent).where(CaseEvent.case_id == case.id,
                                                         CaseEvent.action == "form_delegation"))
    assert event.data["documents"] == [{"id": doc.id, "template": "sv_decision",
                                        "number": label}]


def test_issuing_the_conclusion_needs_the_report_and_the_recommendation_letter(db, world):
    case = make_case(world.users["intake"], world.orgs["a"],
                     received_on=TODAY - timedelta(days=60))
    advance(case, people(world), ["classify", "draft_plan", "approve_plan", "form_delegation",
                                  "notify_subject", "start_fieldwork", "submit_report",
                                  "approve_conclusion"], today=TODAY - timedelta(days=50))
    issued(world, case, "sv_report", on=TODAY)
    with pytest.raises(Invalid) as info:
        transition_case(case, "issue_conclusion", world.users["handler"])
    assert "Văn bản kiến nghị sau giám sát" in info.value.message
    assert "Báo cáo kết quả giám sát" not in info.value.message  # that one is issued
    issued(world, case, "recommendation", on=TODAY)
    transition_case(case, "issue_conclusion", world.users["handler"])
    assert case.state == "following_up"


def _denunciation(world, **kw):
    u = world.users
    case = log_letter(u["intake"], world.orgs["a"], **kw)
    classify(case, u["handler"], complexity="especially_complex")
    return case


def test_a_denunciation_is_accepted_by_its_decision_and_extended_by_one_decision_each(db,
                                                                                   world):
    u = world.users
    case = _denunciation(world)
    with pytest.raises(Invalid) as info:
        transition_case(case, "accept", u["approver"], comment="Thụ lý")
    assert "Quyết định thụ lý tố cáo" in info.value.message
    decision = issued(world, case, "tc_accept_decision", on=TODAY)
    transition_case(case, "accept", u["approver"], comment="Thụ lý")
    transition_case(case, "start_verification", u["handler"])

    def extend(n):
        return transition_case(case, "extend", u["approver"], comment="Phức tạp", context={
            "extension": {"number": f"0{n}/QĐ-LĐLĐ", "decided_on": TODAY, "reason": "x",
                          "days": 30}})

    with pytest.raises(Invalid) as info:
        extend(1)
    assert "Quyết định gia hạn giải quyết tố cáo" in info.value.message
    issued(world, case, "tc_extension", on=TODAY)
    extend(1)
    # the second extension needs a second decision: the first one is used
    with pytest.raises(Invalid) as info:
        extend(2)
    assert "Quyết định gia hạn giải quyết tố cáo" in info.value.message
    issued(world, case, "tc_extension", on=TODAY)
    extend(2)
    [resolve] = [d for d in case.deadlines if d.rule_code == "denunciation.resolve"]
    assert len(resolve.extensions) == 2
    accept = db.session.scalar(sa.select(CaseEvent).where(CaseEvent.case_id == case.id,
                                                          CaseEvent.action == "accept"))
    assert accept.data["documents"][0]["number"] == services.number_label(decision)


def test_the_result_rests_on_the_conclusion_or_decision_of_the_unit_that_resolved_it(db,
                                                                                     world):
    u = world.users
    denunciation = _denunciation(world)
    for trigger in ("accept", "start_verification"):
        issue_for(denunciation, trigger, u["approver"])
        transition_case(denunciation, trigger, u["approver"] if trigger == "accept"
                        else u["handler"], comment="Ghi chú")
    with pytest.raises(Invalid) as info:
        transition_case(denunciation, "record_result", u["handler"], comment="Tố cáo đúng")
    assert "Kết luận nội dung tố cáo" in info.value.message

    complaint = log_letter(u["intake"], world.orgs["a"], title="Khiếu nại kỷ luật")
    classify(complaint, u["handler"], kind="complaint")
    transition_case(complaint, "accept", u["handler"], comment="Thụ lý")  # no decision needed
    transition_case(complaint, "start_verification", u["handler"])
    with pytest.raises(Invalid) as info:
        transition_case(complaint, "record_result", u["handler"], comment="Giữ nguyên")
    assert "Quyết định giải quyết khiếu nại lần đầu" in info.value.message
    issued(world, complaint, "kn_decision_first", on=TODAY)
    transition_case(complaint, "record_result", u["handler"], comment="Giữ nguyên")
    assert complaint.state == "resolved"

    # forwarded elsewhere, the result is the other body's: nothing of ours to issue
    forwarded = _denunciation(world, title="Tố cáo chuyển đi")
    classify(forwarded, u["handler"], within_competence=False, competent_body="Thanh tra tỉnh")
    transition_case(forwarded, "forward", u["handler"], comment="Không thuộc thẩm quyền")
    transition_case(forwarded, "record_reply", u["handler"], comment="Thanh tra đã trả lời")
    assert forwarded.state == "resolved"


@poppler
def test_the_denunciation_decisions_cite_the_law_and_the_deadline_record(db, world, tmp_path):
    u = world.users
    case = _denunciation(world)
    accept = issued(world, case, "tc_accept_decision", on=TODAY)
    text = flat(pdf_text(accept.pdf, tmp_path))
    for line in ("QUYẾT ĐỊNH Về việc thụ lý tố cáo",
                 "Căn cứ Luật Tố cáo số 25/2018/QH14 ngày 12/6/2018;",
                 "Căn cứ Nghị định số 31/2019/NĐ-CP",
                 "Điều 1. Thụ lý tố cáo đối với Trần Văn Bình, Chủ tịch Công đoàn cơ sở",
                 "Thời hạn giải quyết tố cáo là 30 ngày kể từ ngày ký Quyết định này",
                 "05 ngày làm việc"):
        assert line in text, line
    transition_case(case, "accept", u["approver"], comment="Thụ lý", today=TODAY)
    transition_case(case, "start_verification", u["handler"])
    [row] = [d for d in case.deadlines if d.rule_code == "denunciation.resolve"]
    ext = flat(pdf_text(issued(world, case, "tc_extension", on=TODAY).pdf, tmp_path))
    due = row.due_on
    for line in ("Về việc gia hạn giải quyết tố cáo",
                 f"Căn cứ Quyết định số {services.number_label(accept)} ngày "
                 f"{TODAY:%d/%m/%Y} về việc thụ lý tố cáo",
                 f"đến hết ngày {due:%d/%m/%Y}", "vụ việc đặc biệt phức tạp"):
        assert line in ext, line
    printed = re.search(r"lần thứ 1, thêm 30 ngày, đến hết ngày (\d\d)/(\d\d)/(\d{4})", ext)
    assert printed, ext
    conclusion = issued(world, case, "tc_conclusion", on=TODAY)
    text = flat(pdf_text(conclusion.pdf, tmp_path))
    assert services.number_label(conclusion).endswith("/KL-LĐLĐ")
    for line in ("KẾT LUẬN Nội dung tố cáo đối với Trần Văn Bình",
                 f"(hạn cuối: ngày {due:%d/%m/%Y})", "4. Kết luận"):
        assert line in text, line
    # the new due date the decision states is the one the extension gives (a last day that
    # falls on a day off moves to the next working day on both)
    transition_case(case, "extend", u["approver"], comment="Phức tạp", context={
        "extension": {"number": "x", "decided_on": TODAY, "reason": "x", "days": 30}})
    day, month, year = map(int, printed.groups())
    # Luật Tố cáo 2018, Điều 30: 30 days from the acceptance, extended once by "không quá 30
    # ngày": 60 days from it, a last day off moved to the next working day (so the first due
    # date may itself have moved, and the extension is not counted from the moved day).
    assert row.due_on == date(year, month, day)
    assert TODAY + timedelta(days=60) <= row.due_on < TODAY + timedelta(days=60 + 7)
    assert row.due_on > due
    for doc in (accept, conclusion):
        assert SENDER.name not in flat(pdf_text(doc.pdf, tmp_path))
        assert SENDER.name not in str(doc.content)


@poppler
def test_complaint_decisions_name_the_complainant_and_the_way_to_appeal(db, world, tmp_path):
    u = world.users
    complaint = log_letter(u["intake"], world.orgs["a"], title="Khiếu nại kỷ luật")
    classify(complaint, u["handler"], kind="complaint")
    transition_case(complaint, "accept", u["handler"], comment="Thụ lý", today=TODAY)
    transition_case(complaint, "start_verification", u["handler"])
    due = complaint.deadlines[-1].due_on
    text = flat(pdf_text(issued(world, complaint, "kn_decision_first", on=TODAY).pdf, tmp_path))
    for line in ("Về việc giải quyết khiếu nại lần đầu",
                 "Căn cứ Luật Khiếu nại số 02/2011/QH13 ngày 11/11/2011;",
                 "Căn cứ Nghị định số 124/2020/NĐ-CP",
                 f"của ông/bà {SENDER.name}", f"(hạn cuối: ngày {due:%d/%m/%Y})",
                 "có quyền khiếu nại lần hai đến Tổng Liên đoàn Lao động Việt Nam"):
        assert line in text, line


def test_an_extension_is_its_issued_decision(browser, db, world):
    """The extension form of the deadlines panel takes the number and date of the issued
    decision; before it is issued, the panel offers to draft it."""
    u = world.users
    case = _denunciation(world)
    issue_for(case, "accept", u["approver"])
    transition_case(case, "accept", u["approver"], comment="Thụ lý", today=TODAY)
    transition_case(case, "start_verification", u["handler"])
    db.session.commit()
    browser.login("approver")
    page = browser.get(f"/cases/{case.id}").get_data(as_text=True)
    form = re.search(r'data-testid="extension-form".*?</form>', page, re.S).group(0)
    assert "Cần văn bản đã ban hành “Quyết định gia hạn giải quyết tố cáo”" in form
    assert 'value="tc_extension"' in form
    decision = issued(world, case, "tc_extension", on=TODAY)
    db.session.commit()
    label = services.number_label(decision)
    page = browser.get(f"/cases/{case.id}").get_data(as_text=True)
    form = re.search(r'data-testid="extension-form".*?</form>', page, re.S).group(0)
    assert f"số {label}" in form and f'name="number" value="{label}"' in form
    response = browser.post(f"/cases/{case.id}/deadlines/extend", {
        "version": case.version, "number": "99/XX", "decided_on": "2020-01-01",
        "days": "20", "reason": "Cần xác minh thêm tại hai địa điểm"})
    assert response.status_code == 302, response.get_data(as_text=True)
    db.session.expire_all()
    [resolve] = [d for d in case.deadlines if d.rule_code == "denunciation.resolve"]
    extension = resolve.extensions[-1]
    assert (extension["number"], extension["decided_on"], extension["days"]) == (
        label, TODAY.isoformat(), 20)


def test_the_notices_after_accepting_a_denunciation_are_a_deadline_met_by_issuing_them(
        browser, db, world):
    """Luật Tố cáo 2018 Điều 29: within 5 working days of the acceptance the denouncer and the
    denounced are notified. The deadline runs beside the resolution and is met when both
    notices are issued; an extension moves the resolution, never the notices."""
    u = world.users
    accepted_on = TODAY - timedelta(days=3)
    case = _denunciation(world, received_on=accepted_on - timedelta(days=2))
    issue_for(case, "accept", u["approver"])
    transition_case(case, "accept", u["approver"], comment="Thụ lý", today=accepted_on)
    rows = {d.rule_code: d for d in case.deadlines if d.is_open}
    assert set(rows) == {"denunciation.resolve", "denunciation.notify"}
    notify, resolve = rows["denunciation.notify"], rows["denunciation.resolve"]
    assert (notify.start_on, notify.rule["unit"], notify.days) == (accepted_on, "working", 5)
    assert case.due_on == notify.due_on < resolve.due_on
    db.session.commit()
    browser.login("approver")
    page = browser.get(f"/cases/{case.id}").get_data(as_text=True)
    assert 'data-rule="denunciation.notify" data-status="running"' in page

    services.issue_now(case, u["approver"], "letter_denounced", today=TODAY)
    assert notify.status == "running"  # the denouncer has not been notified yet
    services.issue_now(case, u["approver"], "letter_denouncer_notice", today=TODAY)
    assert (notify.status, notify.ended_on, notify.ended_by) == ("met", TODAY,
                                                                 "document_issued")
    assert resolve.status == "running" and case.due_on == resolve.due_on


def test_an_anonymous_denunciation_needs_only_the_notice_to_the_denounced(db, world):
    u = world.users
    case = log_letter(u["intake"], world.orgs["a"], reporter=None, is_anonymous=True)
    classify(case, u["handler"], names_violator=True, has_evidence=True)
    issue_for(case, "accept", u["approver"])
    transition_case(case, "accept", u["approver"], comment="Thụ lý")
    [notify] = [d for d in case.deadlines if d.rule_code == "denunciation.notify"]
    services.issue_now(case, u["approver"], "letter_denounced")
    assert notify.status == "met"
    complaint = log_letter(u["intake"], world.orgs["a"], title="Khiếu nại kỷ luật")
    classify(complaint, u["handler"], kind="complaint")
    transition_case(complaint, "accept", u["handler"], comment="Thụ lý")
    assert [d.rule_code for d in complaint.deadlines if d.is_open] == [
        "complaint.first.resolve"]


def test_an_extension_moves_the_resolution_not_the_notices(db, world):
    u = world.users
    case = _denunciation(world)
    issue_for(case, "accept", u["approver"])
    transition_case(case, "accept", u["approver"], comment="Thụ lý", today=TODAY)
    transition_case(case, "start_verification", u["handler"])
    rows = {d.rule_code: d for d in case.deadlines}
    before = (rows["denunciation.notify"].due_on, rows["denunciation.resolve"].due_on)
    issue_for(case, "extend", u["approver"])
    transition_case(case, "extend", u["approver"], comment="Phức tạp", context={
        "extension": {"number": "x", "decided_on": TODAY, "reason": "x", "days": 30}})
    assert rows["denunciation.notify"].due_on == before[0]
    # 30 more days on the period counted from the acceptance (60 in all; a last day that is a
    # day off moves to the next working day, so the days between the two due dates may be
    # fewer than 30 when the first one had moved)
    resolve = rows["denunciation.resolve"].due_on
    assert TODAY + timedelta(days=60) <= resolve < TODAY + timedelta(days=60 + 7)
    assert resolve > before[1]


@poppler
def test_the_notice_to_the_denounced_states_the_acceptance_and_the_deadline(db, world,
                                                                             tmp_path):
    u = world.users
    case = _denunciation(world)
    issue_for(case, "accept", u["approver"])
    transition_case(case, "accept", u["approver"], comment="Thụ lý", today=TODAY)
    [row] = [d for d in case.deadlines if d.rule_code == "denunciation.resolve"]
    text = flat(pdf_text(issued(world, case, "letter_denounced", on=TODAY).pdf, tmp_path))
    for line in (f"đã thụ lý tố cáo ngày {TODAY:%d/%m/%Y} (mã số {case.code})",
                 "Căn cứ Điều 29 Luật Tố cáo năm 2018",
                 f"Thời hạn giải quyết tố cáo: đến hết ngày {row.due_on:%d/%m/%Y}"):
        assert line in text, line
    assert SENDER.name not in text
