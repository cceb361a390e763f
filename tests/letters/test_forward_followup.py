"""A forwarded letter is followed until the receiving body answers: its own reply deadline,
the reply and its result recorded, a reminder, escalation to the body's superior, the
overdue lists and the statistics (domain.md §4.1, last paragraph)."""
from datetime import date, timedelta

import pytest
import sqlalchemy as sa

from app.cases.models import CaseEvent
from app.cases.services import transition_case
from app.core.calendar import local_today
from app.core.errors import Invalid
from app.deadlines.models import MET, RUNNING, STOPPED
from app.documents import services as documents
from app.letters import services
from app.letters.models import ForwardReply
from app.reports import stats as st
from tests.factories import issue_for
from tests.letters.conftest import SENDER, classify, log_letter

TODAY = local_today()
BODY = "Sở Nội vụ tỉnh Hà Tĩnh"


def _forwarded(world, *, received_ago=60, forwarded_ago=50, kind="petition", title=None):
    u = world.users
    case = log_letter(u["intake"], world.orgs["a"], received_on=TODAY - timedelta(received_ago),
                      title=title or "Kiến nghị về việc chậm trả lương tháng 10")
    classify(case, u["handler"], kind=kind, within_competence=False, competent_body=BODY)
    transition_case(case, "forward", u["handler"], comment="Không thuộc thẩm quyền",
                    today=TODAY - timedelta(forwarded_ago))
    return case


def _running(case):
    return [d for d in case.deadlines if d.status == RUNNING]


def test_a_forward_has_its_own_reply_deadline_counted_from_the_forwarding(db, world):
    case = _forwarded(world, received_ago=60, forwarded_ago=5)
    (row,) = _running(case)
    assert row.rule_code == "forward.reply"
    assert row.start_on == TODAY - timedelta(5)
    assert row.due_on >= TODAY - timedelta(5) + timedelta(30)
    assert not case.is_overdue()  # received 60 days ago, but forwarded only 5 days ago
    basis = row.rule["legal_basis"]
    assert "05/2021/TT-TTCP" in basis and "42/2013/QH13" in basis
    assert "ví dụ" not in basis.lower() and "cần đối chiếu" not in basis.lower()
    assert row.rule["status"] == "U"  # no verified figure: shown as the unit's own rule


def test_recording_the_reply_meets_the_deadline_and_gives_the_result(browser, db, world):
    case = _forwarded(world, forwarded_ago=10)
    db.session.commit()
    browser.login("handler")
    page = browser.get(f"/cases/{case.id}").get_data(as_text=True)
    assert "Theo dõi đơn đã chuyển" in page and f"/letters/{case.id}/forward-reply" in page
    assert browser.get(f"/letters/{case.id}/forward-reply").status_code == 200
    bad = browser.post(f"/letters/{case.id}/forward-reply", {
        "version": case.version, "received_on": (TODAY + timedelta(2)).strftime("%d/%m/%Y"),
        "result": "", "text": ""})
    assert bad.status_code == 422
    html = bad.get_data(as_text=True)
    assert "Chọn kết quả trả lời." in html
    assert "Tóm tắt nội dung trả lời của cơ quan nhận đơn." in html
    early = browser.post(f"/letters/{case.id}/forward-reply", {
        "version": case.version, "received_on": (TODAY - timedelta(20)).strftime("%d/%m/%Y"),
        "result": "partly_upheld", "text": "Sở đã giải quyết"})
    assert early.status_code == 422
    assert "trước ngày chuyển đơn" in early.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(ForwardReply)) == 0
    done = browser.post(f"/letters/{case.id}/forward-reply", {
        "version": case.version, "received_on": (TODAY - timedelta(2)).strftime("%d/%m/%Y"),
        "document_number": "125/SNV-TTr", "document_date": (TODAY - timedelta(3)).isoformat(),
        "result": "partly_upheld",
        "text": "Sở đã yêu cầu công ty trả đủ lương tháng 10 nhưng chưa trả tiền chậm trả."})
    assert done.status_code == 302
    db.session.expire_all()
    assert case.state == "resolved"
    (row,) = [d for d in case.deadlines if d.rule_code == "forward.reply"]
    assert row.status == MET and row.ended_on == TODAY - timedelta(2)
    reply = db.session.scalars(sa.select(ForwardReply)).one()
    assert (reply.result, reply.document_number) == ("partly_upheld", "125/SNV-TTr")
    event = db.session.scalars(sa.select(CaseEvent).where(
        CaseEvent.case_id == case.id, CaseEvent.action == "record_reply")).one()
    assert event.data["result"] == "partly_upheld" and event.to_state == "resolved"
    page = browser.get(f"/cases/{case.id}").get_data(as_text=True)
    assert "Đã giải quyết một phần theo yêu cầu của người gửi đơn" in page
    assert "125/SNV-TTr" in page


def test_the_reply_is_refused_in_the_service_without_its_result(db, world):
    case = _forwarded(world)
    with pytest.raises(Invalid) as info:
        services.record_forward_reply(case, world.users["handler"], received_on=TODAY,
                                      text="Đã trả lời", result="maybe")
    assert info.value.field == "result" and case.state == "forwarded"


def test_an_unanswered_forward_is_overdue_reminded_and_escalated(browser, db, world):
    u = world.users
    late = _forwarded(world, received_ago=60, forwarded_ago=45)
    recent = _forwarded(world, received_ago=60, forwarded_ago=5,
                        title="Phản ánh việc bố trí ca đêm liên tục")
    assert late.is_overdue() and not recent.is_overdue()
    db.session.commit()
    browser.login("handler")
    listing = browser.get("/cases/?family=letter&overdue=1").get_data(as_text=True)
    assert late.code in listing and recent.code not in listing
    transition_case(late, "mark_overdue", u["handler"])
    assert late.state == "forward_overdue"
    with pytest.raises(Invalid) as info:  # the reminder is the step's document
        transition_case(late, "remind", u["handler"])
    assert "Công văn đôn đốc giải quyết đơn đã chuyển" in info.value.message
    (reminder,) = issue_for(late, "remind", u["approver"])
    assert reminder.number is not None
    text = " ".join(str(v) for v in reminder.content.values())
    assert BODY in text and "chưa nhận được văn bản trả lời" in text
    transition_case(late, "remind", u["handler"])
    assert late.state == "forward_reminded"
    stopped = [d for d in late.deadlines if d.status == STOPPED]
    assert stopped and stopped[0].ended_by == "remind"
    (row,) = _running(late)
    assert row.rule_code == "forward.reply" and row.start_on == TODAY
    db.session.commit()
    page = browser.get(f"/cases/{late.id}").get_data(as_text=True)
    assert f"/letters/{late.id}/escalate" in page
    refused = browser.post(f"/letters/{late.id}/escalate", {
        "version": late.version, "superior": "", "comment": "Chưa trả lời"})
    assert refused.status_code == 422
    assert "Nêu tên cơ quan cấp trên của cơ quan nhận đơn." in refused.get_data(as_text=True)
    done = browser.post(f"/letters/{late.id}/escalate", {
        "version": late.version, "superior": "Ủy ban nhân dân tỉnh Hà Tĩnh",
        "comment": "Đề nghị chỉ đạo Sở Nội vụ trả lời đơn"})
    assert done.status_code == 302
    db.session.expire_all()
    assert late.state == "forward_escalated"
    assert late.letter.escalated_to == "Ủy ban nhân dân tỉnh Hà Tĩnh"
    event = db.session.scalars(sa.select(CaseEvent).where(
        CaseEvent.case_id == late.id, CaseEvent.action == "escalate")).one()
    assert event.data["superior"] == "Ủy ban nhân dân tỉnh Hà Tĩnh"
    page = browser.get(f"/cases/{late.id}").get_data(as_text=True)
    assert "Đã kiến nghị cấp trên của cơ quan nhận đơn" in page
    assert "Ủy ban nhân dân tỉnh Hà Tĩnh" in page


def test_a_forwarded_denunciation_reminder_and_reply_carry_no_denouncer(db, world):
    u = world.users
    case = _forwarded(world, kind="denunciation", forwarded_ago=45,
                      title="Tố cáo sai phạm chi quỹ công đoàn")
    doc = documents.draft_document(case, u["handler"], "letter_forward_reminder")
    text = " ".join(str(v) for v in doc.content.values())
    assert SENDER.name not in text and SENDER.address not in text
    services.record_forward_reply(case, u["handler"], received_on=TODAY, text="Đã xử lý",
                                  result="answered")
    event = db.session.scalars(sa.select(CaseEvent).where(
        CaseEvent.case_id == case.id, CaseEvent.action == "record_reply")).one()
    assert SENDER.name not in str(event.data) and SENDER.name not in (event.comment or "")


def test_statistics_count_forwards_answered_awaiting_and_overdue(db, world):
    u = world.users
    answered = _forwarded(world, forwarded_ago=0)
    services.record_forward_reply(answered, u["handler"], received_on=TODAY, text="Đã trả lời",
                                  result="upheld")
    _forwarded(world, forwarded_ago=0, title="Kiến nghị về bảo hiểm xã hội")
    _forwarded(world, forwarded_ago=0, title="Phản ánh về ca đêm")
    start = date(TODAY.year - 1, 1, 1)
    now = st.compute(world.orgs["a"], st.Period(start, TODAY, "custom"), TODAY)
    assert (now.letters["forward.answered"], now.letters["forward.awaiting"],
            now.letters["forward.overdue"]) == (1, 2, 0)
    later = TODAY + timedelta(40)  # past the 30-day reply period of both
    then = st.compute(world.orgs["a"], st.Period(start, later, "custom"), later)
    assert (then.letters["forward.answered"], then.letters["forward.awaiting"],
            then.letters["forward.overdue"]) == (1, 2, 2)
    from app.reports.tables import sections

    letters = next(s for s in sections(then, "vi") if s.key == "letters")
    assert letters.value("forward.overdue") == 2
    assert any(r.label == "Theo dõi đơn đã chuyển" for r in letters.rows)
