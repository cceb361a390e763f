"""The workplace documents as issued: the invitation with the dialogue's content, the minutes
signed by both sides, the notice of the result to the workers (numbered in the grassroots
union's register one after the other), and the yearly summary of an employer drafted from its
page and issued as a document of the unit. Read back from the PDFs with pdftotext."""
import re
from datetime import timedelta

import pytest

from app.cases.services import transition_case
from app.core.dates import format_day
from app.core.errors import Invalid
from app.documents import services as documents
from app.documents.models import CaseDocument
from app.workplace import queries, services
from tests.documents.helpers import assert_in_order, pdf_text, poppler
from tests.factories import issue_for
from tests.workplace.helpers import TODAY, dialogue, employer

pytestmark = poppler

EMPLOYER = "Công ty TNHH Thép Vũng Áng"
WORKERS = [("Nguyễn Thị Hoa", "Chủ tịch Công đoàn cơ sở"), ("Trần Văn Nam", "Tổ trưởng"),
           ("Lê Thị Mai", "Công nhân"), ("Phạm Văn Hùng", "Công nhân")]
MANAGERS = [("Nguyễn Văn Giám", "Giám đốc"), ("Hoàng Thị Lan", "Trưởng phòng Nhân sự"),
            ("Đỗ Văn Tài", "Kế toán trưởng")]
SENT = TODAY - timedelta(days=25)
HELD = TODAY - timedelta(days=12)
DUE = TODAY + timedelta(days=30)


def _text(pdf: bytes, tmp_path, name="doc.pdf") -> str:
    return " ".join(pdf_text(pdf, tmp_path, name).split())


def _invited(world, **kind):
    """A dialogue with a workers' proposal and an employer's item, its invitation issued and
    its content sent on SENT."""
    emp = employer(world)
    case = dialogue(world, emp, scheduled_on=SENT + timedelta(days=10), **kind)
    h = world.users["grass_handler"]
    services.add_item(case, h, source="workers", text="Tăng tiền ăn ca lên 30.000 đồng")
    services.add_item(case, h, source="employer", text="Sắp xếp lại ca làm việc")
    (invitation,) = issue_for(case, "send_agenda", world.users["grass_approver"], today=SENT)
    transition_case(case, "send_agenda", h, today=SENT)
    return emp, case, invitation


def _held(world):
    emp, case, invitation = _invited(world)
    people = ([{"side": "workers", "name": n, "position": p} for n, p in WORKERS]
              + [{"side": "employer", "name": n, "position": p} for n, p in MANAGERS])
    services.hold_dialogue(case, world.users["grass_handler"], held_on=HELD,
                           place="Hội trường công ty", participants=people)
    return emp, case, invitation


def _minute(world, case, signers=("Nguyễn Thị Hoa", "Nguyễn Văn Giám"), undecided=False):
    mandatory, proposal, own = queries.items_of(case)
    outcomes = {
        mandatory.id: {"outcome": "agreed", "due_on": DUE,
                       "note": "Công ty lắp thêm 20 quạt công nghiệp tại xưởng cán"},
        proposal.id: {"outcome": "" if undecided else "not_agreed",
                      "note": "Công ty chưa cân đối được kinh phí"},
        own.id: {"outcome": "agreed", "note": "Phòng Nhân sự công bố lịch ca mới",
                 "due_on": HELD + timedelta(days=15)},
    }
    ids = {p.id for p in queries.participants_of(case) if p.name in signers}
    services.record_minutes(case, world.users["grass_handler"], outcomes=outcomes,
                            signatories=ids)


def _minuted(world):
    emp, case, invitation = _held(world)
    _minute(world, case)
    (minutes,) = issue_for(case, "sign_minutes", world.users["grass_approver"], today=HELD)
    transition_case(case, "sign_minutes", world.users["grass_handler"], today=HELD)
    return emp, case, invitation, minutes


def test_the_invitation_names_the_employer_the_day_the_place_and_the_content(world, db, tmp_path):
    _emp, case, invitation = _invited(world)
    assert case.state == "agenda_sent"
    assert documents.number_label(invitation) == "01/GM-CĐCS"
    text = _text(invitation.pdf, tmp_path)
    assert_in_order(text, [
        "CÔNG ĐOÀN CƠ SỞ CÔNG TY THÉP VŨNG ÁNG", "Số: 01/GM-CĐCS",
        f"ngày {SENT.day:02d} tháng {SENT.month:02d} năm {SENT.year}", "GIẤY MỜI",
        f"Về việc tổ chức đối thoại định kỳ năm {SENT.year} tại {EMPLOYER}",
        "Công đoàn cơ sở Công ty Thép Vũng Áng trân trọng kính mời: Ông/Bà Nguyễn Văn Giám, "
        f"người đại diện theo pháp luật của {EMPLOYER}",
        "1. Hình thức: Đối thoại định kỳ tại nơi làm việc (Điều 63 khoản 2 điểm a Bộ luật Lao "
        "động năm 2019).",
        f"2. Thời gian: … giờ …, ngày {format_day(SENT + timedelta(days=10))}.",
        "3. Địa điểm: Hội trường công ty.", "4. Nội dung đối thoại:",
        "1 Điều kiện làm việc Nội dung bắt buộc (Điều 64)",
        "2 Tăng tiền ăn ca lên 30.000 đồng Kiến nghị của người lao động",
        "3 Sắp xếp lại ca làm việc Nội dung của người sử dụng lao động",
        "Rất mong được đón tiếp./.",
    ])
    closing = text.split("đón tiếp./.")[-1]
    for line in ("Nơi nhận:", "- Như trên;", "TM. BAN CHẤP HÀNH", "CHỦ TỊCH",
                 "Người dùng grass_approver"):
        assert line in closing, line
    assert "DỰ THẢO" not in text


def test_the_invitation_states_who_asked_or_the_event(world, db):
    emp = employer(world)
    h = world.users["grass_handler"]
    asked = dialogue(world, emp, kind="on_request", requested_by="workers",
                     requested_on=TODAY - timedelta(days=3))
    body = documents.draft_document(asked, h, "wp_invitation").content["body"]
    assert ("1. Hình thức: Đối thoại theo yêu cầu của bên người lao động (tổ chức đại diện "
            f"người lao động), yêu cầu ngày {format_day(TODAY - timedelta(days=3))} (Điều 63 "
            "khoản 2 điểm b Bộ luật Lao động năm 2019).") in body
    event = dialogue(world, emp, kind="on_event", event="wage_scale")
    doc = documents.draft_document(event, h, "wp_invitation")
    assert doc.summary == f"Về việc tổ chức đối thoại về thang lương, bảng lương, định mức lao " \
                          f"động tại {EMPLOYER}"
    assert ("1. Hình thức: Đối thoại khi có vụ việc: thang lương, bảng lương, định mức lao động "
            "(Điều 93) (Điều 63 khoản 2 điểm c Bộ luật Lao động năm 2019).") in \
        doc.content["body"]


def test_the_minutes_carry_both_sides_each_outcome_and_both_signatories(world, db, tmp_path):
    _emp, case, _invitation, minutes = _minuted(world)
    assert case.state == "minuted"
    assert documents.number_label(minutes) == "02/BB-CĐCS"
    assert minutes.content["signature"]["signer_title"] == ""
    assert [(c["signer_title"], c["signer_name"]) for c in minutes.content["cosigners"]] == [
        ("ĐẠI DIỆN BÊN\nNGƯỜI LAO ĐỘNG\nChủ tịch Công đoàn cơ sở", "Nguyễn Thị Hoa"),
        ("ĐẠI DIỆN BÊN\nNGƯỜI SỬ DỤNG LAO ĐỘNG\nGiám đốc", "Nguyễn Văn Giám")]
    text = _text(minutes.pdf, tmp_path)
    assert_in_order(text, [
        "Số: 02/BB-CĐCS", "BIÊN BẢN", f"Đối thoại định kỳ năm {HELD.year} tại {EMPLOYER}",
        f"Hôm nay, ngày {format_day(HELD)}, tại Hội trường công ty, Công đoàn cơ sở Công ty "
        f"Thép Vũng Áng (tổ chức đại diện người lao động) và {EMPLOYER} (người sử dụng lao "
        "động) tổ chức đối thoại định kỳ",
        "I. THÀNH PHẦN THAM DỰ", "1. Đại diện bên người lao động (4 người):",
        "1 Nguyễn Thị Hoa Chủ tịch Công đoàn cơ sở", "4 Phạm Văn Hùng Công nhân",
        "2. Đại diện bên người sử dụng lao động (3 người):", "1 Nguyễn Văn Giám Giám đốc",
        "3 Đỗ Văn Tài Kế toán trưởng", "Số người lao động tại nơi làm việc: 120 người.",
        "II. NỘI DUNG VÀ KẾT QUẢ ĐỐI THOẠI",
        "1. Điều kiện làm việc (nội dung bắt buộc theo Điều 64 Bộ luật Lao động năm 2019).",
        "- Kết quả: Hai bên đã thống nhất.",
        "- Nội dung thống nhất: Công ty lắp thêm 20 quạt công nghiệp tại xưởng cán.",
        f"- Thời hạn thực hiện: trước ngày {format_day(DUE)}.",
        "2. Tăng tiền ăn ca lên 30.000 đồng (kiến nghị của người lao động).",
        "- Kết quả: Hai bên chưa thống nhất.",
        "- Ý kiến của các bên: Công ty chưa cân đối được kinh phí.",
        "3. Sắp xếp lại ca làm việc (nội dung của người sử dụng lao động).",
        "III. KẾT LUẬN", "Hai bên đã thống nhất 2/3 nội dung; 1 nội dung chưa thống nhất.",
        "nhất trí thông qua và ký tên./.",
    ])
    # Each side signs in its own column, the workers' on the left, the lines level.
    assert text.split("ký tên./.")[-1].strip() == (
        "ĐẠI DIỆN BÊN ĐẠI DIỆN BÊN NGƯỜI LAO ĐỘNG NGƯỜI SỬ DỤNG LAO ĐỘNG "
        "CHỦ TỊCH CÔNG ĐOÀN CƠ SỞ GIÁM ĐỐC Nguyễn Thị Hoa Nguyễn Văn Giám")
    # Signed by those who took part, not by the unit's approver.
    assert "TM. BAN CHẤP HÀNH" not in text and "Người dùng grass_approver" not in text


def test_several_signatories_stand_under_their_own_side(world, db):
    _emp, case, _invitation = _held(world)
    _minute(world, case, signers=("Nguyễn Thị Hoa", "Trần Văn Nam", "Nguyễn Văn Giám"))
    doc = documents.draft_document(case, world.users["grass_handler"], "wp_minutes")
    assert [c["signer_name"] for c in doc.content["cosigners"]] == [
        "Nguyễn Thị Hoa", "Nguyễn Văn Giám", "Trần Văn Nam", ""]


def test_minutes_without_a_decision_or_a_signatory_of_each_side_are_refused(world, db):
    _emp, case, _invitation = _held(world)
    h = world.users["grass_handler"]
    _minute(world, case, undecided=True)
    with pytest.raises(Invalid, match="1"):
        documents.draft_document(case, h, "wp_minutes")
    _minute(world, case, signers=("Nguyễn Thị Hoa",))
    with pytest.raises(Invalid, match="người sử dụng lao động|employer"):
        documents.draft_document(case, h, "wp_minutes")
    _minute(world, case, signers=("Nguyễn Văn Giám",))
    with pytest.raises(Invalid, match="người lao động|workers"):
        documents.draft_document(case, h, "wp_minutes")
    assert not db.session.query(CaseDocument).filter_by(case_id=case.id,
                                                        template="wp_minutes").count()


def test_the_result_notice_tells_the_workers_what_was_agreed_and_what_was_not(
        world, db, tmp_path):
    _emp, case, _invitation, _minutes = _minuted(world)
    (notice,) = issue_for(case, "publish", world.users["grass_approver"], today=HELD)
    services.publish_minutes(case, world.users["grass_handler"], published_on=HELD,
                             how="Bảng tin công ty")
    assert case.state == "following_up"
    assert documents.number_label(notice) == "03/TB-CĐCS"
    text = _text(notice.pdf, tmp_path)
    assert_in_order(text, [
        "Số: 03/TB-CĐCS", "THÔNG BÁO",
        f"Kết quả đối thoại định kỳ năm {HELD.year} tại {EMPLOYER}",
        f"Kính gửi: Người lao động tại {EMPLOYER}.",
        f"Biên bản đối thoại số 02/BB-CĐCS ngày {format_day(HELD)} đã được đại diện hai bên ký.",
        "I. CÁC NỘI DUNG ĐÃ THỐNG NHẤT", "Điều kiện làm việc", "Công ty lắp thêm 20 quạt",
        format_day(DUE), "Sắp xếp lại ca làm việc", "Phòng Nhân sự công bố lịch ca mới",
        format_day(HELD + timedelta(days=15)),
        "II. CÁC NỘI DUNG CHƯA THỐNG NHẤT",
        "1. Tăng tiền ăn ca lên 30.000 đồng: Công ty chưa cân đối được kinh phí.",
        "III. TỔ CHỨC THỰC HIỆN", "xin gửi về Công đoàn cơ sở Công ty Thép Vũng Áng./.",
    ])
    closing = text.split("Vũng Áng./.")[-1]
    for line in ("Nơi nhận:", "- Người lao động (niêm yết tại nơi làm",
                 f"- {EMPLOYER} (để phối hợp thực hiện);", "TM. BAN CHẤP HÀNH", "CHỦ TỊCH",
                 "Người dùng grass_approver"):
        assert line in closing, line


def test_each_document_applies_only_at_its_steps(world, db):
    _emp, case, _invitation = _held(world)
    codes = {t.code for t in documents.templates_for(case)}
    assert "wp_minutes" in codes and not codes & {"wp_invitation", "wp_result_notice"}


def _summary_world(world):
    """A dialogue of this year followed up (one item done, one not), a workers' conference
    and the democracy regulations issued."""
    emp, case, _invitation, _minutes = _minuted(world)
    h = world.users["grass_handler"]
    issue_for(case, "publish", world.users["grass_approver"], today=HELD)
    services.publish_minutes(case, h, published_on=HELD, how="Bảng tin công ty")
    mandatory, _proposal, own = queries.items_of(case)
    services.follow_item(case, h, mandatory.id, status="done", status_on=TODAY, note="Đã lắp")
    services.follow_item(case, h, own.id, status="not_done", status_on=TODAY,
                         note="Chưa công bố lịch ca")
    services.record_conference(emp, h, held_on=HELD - timedelta(days=30), participants=95,
                               resolutions="Thông qua thỏa ước lao động tập thể")
    services.record_regulation(emp, h, kind="issued", issued_on=HELD - timedelta(days=60),
                               reference="15/QĐ-TVA", note="Quy chế dân chủ tại nơi làm việc")
    return emp, case


def test_the_yearly_summary_is_drafted_from_the_employer_page_and_issued(
        world, db, browser, tmp_path):
    emp, _case = _summary_world(world)
    year = HELD.year
    browser.login("grass_handler")
    page = browser.get(f"/workplace/employers/{emp.id}").get_data(as_text=True)
    assert 'data-testid="draft-summary"' in page
    response = browser.post(f"/workplace/employers/{emp.id}/summary?year={year}")
    assert response.status_code == 302, response.get_data(as_text=True)
    doc_id = int(re.search(r"/documents/(\d+)$", response.headers["Location"]).group(1))
    browser.logout()
    db.session.expire_all()
    doc = db.session.get(CaseDocument, doc_id)
    assert (doc.case_id, doc.org_id, doc.template) == (None, emp.org_id, "wp_summary")
    assert doc.summary == f"Tổng hợp đối thoại và thực hiện dân chủ năm {year} tại {EMPLOYER}"

    browser.login("grass_approver")
    assert browser.post(f"/documents/{doc_id}/issue", {}).status_code == 302
    data = browser.get(f"/documents/{doc_id}.pdf").data
    db.session.expire_all()
    doc = db.session.get(CaseDocument, doc_id)
    label = documents.number_label(doc)
    assert label == "04/BC-CĐCS"
    text = _text(data, tmp_path)
    assert_in_order(text, [
        f"Số: {label}", "BÁO CÁO",
        f"Tổng hợp đối thoại và thực hiện dân chủ năm {year} tại {EMPLOYER}",
        "Kính gửi: Công đoàn Khu kinh tế tỉnh Hà Tĩnh.",
        f"năm {year} tại {EMPLOYER} (Doanh nghiệp ngoài nhà nước; địa chỉ: Khu kinh tế Vũng "
        "Áng, Hà Tĩnh; số người lao động: 120) như sau:",
        "I. ĐỐI THOẠI TẠI NƠI LÀM VIỆC",
        f"1 Định kỳ {format_day(HELD)} 2 1 1 1", "Tổng cộng 1 cuộc 2 1 1 1",
        f"Trong năm {year}, {EMPLOYER} đã tổ chức 1 cuộc đối thoại tại nơi làm việc, trong đó "
        "1 cuộc đối thoại định kỳ.",
        "Các nội dung chưa thống nhất:",
        f"- Tăng tiền ăn ca lên 30.000 đồng (đối thoại ngày {format_day(HELD)}).",
        "Các nội dung đã thống nhất nhưng chưa được thực hiện:",
        f"- Sắp xếp lại ca làm việc (đối thoại ngày {format_day(HELD)}).",
        "II. HỘI NGHỊ NGƯỜI LAO ĐỘNG",
        f"- Hội nghị người lao động tổ chức ngày {format_day(HELD - timedelta(days=30))}, có 95 "
        "người tham dự.", "+ Thông qua thỏa ước lao động tập thể",
        "III. QUY CHẾ DÂN CHỦ Ở CƠ SỞ TẠI NƠI LÀM VIỆC",
        f"- Ban hành ngày {format_day(HELD - timedelta(days=60))} theo văn bản số 15/QĐ-TVA; "
        "Quy chế dân chủ tại nơi làm việc.",
        f"Trên đây là báo cáo tổng hợp đối thoại và thực hiện dân chủ năm {year} tại {EMPLOYER}",
        "TM. BAN CHẤP HÀNH", "CHỦ TỊCH", "Người dùng grass_approver",
    ])
    assert "IV. BAN THANH TRA NHÂN DÂN" not in text  # a private enterprise has none


def test_the_summary_of_a_public_unit_reports_its_inspection_board(world, db):
    emp = employer(world, name="Bệnh viện Đa khoa Kỳ Anh", kind="public_unit", workers=300)
    h = world.users["grass_handler"]
    services.record_board(emp, h, elected_on=TODAY - timedelta(days=40),
                          members="Nguyễn Văn Thanh\nLê Thị Tra")
    doc = _draft_summary(world, emp, TODAY.year)
    text = " ".join(block.text for block in documents.render(doc).body
                    if hasattr(block, "text"))
    assert f"Trong năm {TODAY.year}, Bệnh viện Đa khoa Kỳ Anh chưa tổ chức đối thoại" in text
    assert "IV. BAN THANH TRA NHÂN DÂN" in text
    assert ("Ban thanh tra nhân dân được bầu ngày "
            f"{format_day(TODAY - timedelta(days=40))}, gồm 2 thành viên: Nguyễn Văn Thanh, "
            "Lê Thị Tra.") in text
    assert "Bệnh viện Đa khoa Kỳ Anh chưa ban hành quy chế dân chủ" in text


def _draft_summary(world, emp, year):
    from app.workplace import documents as wp_documents

    return wp_documents.draft_summary(emp, world.users["grass_handler"], year)


def test_the_summary_is_refused_to_those_who_do_not_keep_the_employer(world, db, browser):
    emp = employer(world)
    url = f"/workplace/employers/{emp.id}/summary?year={TODAY.year}"
    for user, status in (("auditor", 403), ("b_handler", 404)):
        browser.login(user)
        assert browser.post(url).status_code == status, user
        browser.logout()
    browser.login("grass_handler")
    assert browser.post(url, csrf=False).status_code == 400
    response = browser.post(f"/workplace/employers/{emp.id}/summary?year=2019")
    assert response.status_code == 302 and response.headers["Location"].endswith(
        f"/workplace/employers/{emp.id}")
    db.session.expire_all()
    assert not db.session.query(CaseDocument).filter_by(template="wp_summary").count()

