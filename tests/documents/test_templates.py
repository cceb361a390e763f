"""Every template, drafted from a real case and issued: the PDF text, fonts, page and number."""
from __future__ import annotations

import re
from datetime import date

import pytest
import sqlalchemy as sa

from app.core.errors import Forbidden, Invalid
from app.core.pdf import fonts
from app.core.pdf.layout import DOCUMENT_TYPES
from app.core.pdf.markup import blocks_to_text, text_to_blocks
from app.documents import services
from app.documents.models import CaseDocument, DocumentCounter
from app.documents.services import TEMPLATES, templates_for
from tests.documents.helpers import (
    assert_in_order,
    edit,
    issued,
    pdf_text,
    poppler,
    recommendation_of,
    run,
    supervision_at,
)
from tests.factories import make_case, make_dialogue

HEADER = ["TỔNG LIÊN ĐOÀN LAO ĐỘNG VIỆT NAM", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
          "LIÊN ĐOÀN LAO ĐỘNG TỈNH HÀ TĨNH", "Độc lập - Tự do - Hạnh phúc"]
DATE_LINE = "Hà Tĩnh, ngày 15 tháng 3 năm 2026"
SIGNED = ["TM. BAN THƯỜNG VỤ", "CHỦ TỊCH", "Nguyễn Thị Hường"]

#: template -> (stage of the case, expected lines in reading order after the header)
EXPECTED = {
    "sv_decision": ("delegation_formed", [
        "Số: 01/QĐ-LĐLĐ " + DATE_LINE, "QUYẾT ĐỊNH",
        "Về việc thành lập Đoàn giám sát việc thực hiện chính sách bảo hiểm",
        "BAN THƯỜNG VỤ LIÊN ĐOÀN LAO ĐỘNG TỈNH HÀ TĨNH",
        "Căn cứ Luật Công đoàn số 50/2024/QH15 ngày 27/11/2024;",
        "Căn cứ Quyết định số 217-QĐ/TW ngày 12/12/2013 của Bộ Chính trị",
        "Căn cứ Kế hoạch giám sát việc thực hiện chính sách bảo hiểm xã hội đã được phê duyệt.",
        "QUYẾT ĐỊNH:", "Điều 1. Thành lập Đoàn giám sát việc thực hiện chính sách bảo hiểm xã "
        "hội tại Công ty TNHH May Hồng Lĩnh, gồm các ông/bà có tên sau:",
        "STT Họ và tên Chức vụ, đơn vị Nhiệm vụ",
        "1 Người dùng delegate Phó Chủ tịch Trưởng đoàn", "3 Vũ Thị Mai Cán bộ Thư ký",
        "Điều 2. Đoàn giám sát có nhiệm vụ", "Điều 3. Quyết định có hiệu lực kể từ ngày ký.",
        "Nơi nhận: TM. BAN THƯỜNG VỤ", "- Như Điều 3; CHỦ TỊCH", "- Lưu: VT.",
        "Nguyễn Thị Hường"]),
    "sv_plan": ("plan_drafted", [
        "Số: 01/KH-LĐLĐ " + DATE_LINE, "KẾ HOẠCH",
        "Giám sát việc thực hiện chính sách bảo hiểm xã hội",
        "Căn cứ Luật Công đoàn số 50/2024/QH15 ngày 27/11/2024;",
        "Ban Thường vụ Liên đoàn Lao động tỉnh Hà Tĩnh xây dựng Kế hoạch giám sát việc thực "
        "hiện chính sách bảo hiểm xã hội như sau:", "I. MỤC ĐÍCH, YÊU CẦU",
        "II. NỘI DUNG GIÁM SÁT", "Việc trích nộp bảo hiểm xã hội",
        "1. Đối tượng giám sát: Công ty TNHH May Hồng Lĩnh.",
        "V. ĐỀ CƯƠNG BÁO CÁO CỦA ĐỐI TƯỢNG ĐƯỢC GIÁM SÁT", "1. Đặc điểm tình hình của đơn vị.",
        "4. Đề xuất, kiến nghị.", "VI. TỔ CHỨC THỰC HIỆN", "Nơi nhận:",
        "- Công ty TNHH May Hồng Lĩnh;", "- Lưu: VT.", "Nguyễn Thị Hường"]),
    "sv_notice": ("delegation_formed", [
        "Số: 01/LĐLĐ " + DATE_LINE, "V/v thông báo giám sát việc thực hiện",
        "Kính gửi: Công ty TNHH May Hồng Lĩnh.", "1. Nội dung giám sát:",
        "3. Đoàn giám sát do ông/bà Người dùng delegate, Phó Chủ tịch làm",
        "Trân trọng./.", "- Như trên;", "- Lưu: VT.", "Nguyễn Thị Hường"]),
    "sv_session_minutes": ("fieldwork", [
        "Số: 01/BB-LĐLĐ " + DATE_LINE, "BIÊN BẢN",
        "Làm việc của Đoàn giám sát với Công ty TNHH May Hồng Lĩnh", "I. THÀNH PHẦN",
        "- Đoàn giám sát", "II. NỘI DUNG LÀM VIỆC", "Công ty báo cáo tình hình trích nộp",
        "III. TÀI LIỆU ĐOÀN GIÁM SÁT ĐÃ NHẬN", "- Bảng kê nộp BHXH",
        # Both sides and the secretary sign, with their names.
        "ĐẠI DIỆN ĐOÀN GIÁM SÁT ĐẠI DIỆN CÔNG TY TNHH MAY", "TRƯỞNG ĐOÀN HỒNG LĨNH",
        "Người dùng delegate", "THƯ KÝ", "Vũ Thị Mai"]),
    "sv_report": ("concluded", [
        "Số: 01/BC-LĐLĐ " + DATE_LINE, "BÁO CÁO",
        "Kết quả giám sát việc thực hiện chính sách bảo hiểm xã hội", "I. KẾT QUẢ GIÁM SÁT",
        "1. Bảo hiểm xã hội", "- Ưu điểm: Đóng đủ cho phần lớn",
        "- Tồn tại, hạn chế: Chậm đóng", "2. Làm thêm giờ",
        "II. KẾT LUẬN", "III. KIẾN NGHỊ",
        "1. Đối với Công ty TNHH May Hồng Lĩnh: Truy đóng bảo hiểm xã hội",
        "Nơi nhận:", "- Lưu: VT.", "Nguyễn Thị Hường"]),
    "recommendation": ("concluded", [
        "Số: 01/LĐLĐ " + DATE_LINE, "V/v kiến nghị sau giám sát",
        "Kính gửi: Công ty TNHH May Hồng Lĩnh.", "1. Truy đóng bảo hiểm xã hội",
        "2. Trả đủ tiền làm thêm giờ",
        "trong thời hạn 20 ngày kể từ ngày nhận được văn bản này", "Trân trọng./.",
        "Nguyễn Thị Hường"]),
    "reminder": ("recommendation", [
        "Số: 01/LĐLĐ " + DATE_LINE, "V/v đôn đốc thực hiện kiến nghị sau giám sát",
        "Kính gửi: Công ty TNHH May Hồng Lĩnh.",
        "chưa nhận được văn bản trả lời.", "Quá thời hạn trên", "Sở Nội vụ",
        "Nguyễn Thị Hường"]),
    "dialogue_minutes": ("dialogue", [
        "Số: 01/BB-LĐLĐ " + DATE_LINE, "BIÊN BẢN", "I. THÀNH PHẦN",
        "1. Đại diện tổ chức công đoàn:", "- Nguyễn Văn An", "- Lê Văn Cường",
        "2. Đại diện Công ty TNHH May Hồng Lĩnh:", "- Vũ Văn Giang",
        "II. NỘI DUNG ĐỐI THOẠI", "Tiền lương, thưởng năm 2026", "III. KẾT QUẢ ĐỐI THOẠI",
        "1. Những nội dung đã thống nhất:", "- Tăng lương 6%",
        "2. Những nội dung chưa thống nhất:", "- Phụ cấp độc hại",
        "ĐẠI DIỆN TỔ CHỨC CÔNG ĐOÀN ĐẠI DIỆN CÔNG TY TNHH MAY", "Nguyễn Văn An",
        "Phạm Văn Dũng", "THƯ KÝ", "Người dùng handler"]),
    "invitation": ("delegation_formed", [
        "Số: 01/GM-LĐLĐ " + DATE_LINE, "GIẤY MỜI",
        "Dự hội nghị công bố Quyết định giám sát việc thực hiện chính sách",
        "Liên đoàn Lao động tỉnh Hà Tĩnh trân trọng kính mời: Công ty TNHH May Hồng Lĩnh",
        "Thời gian:", "Địa điểm:", "Rất mong được đón tiếp./.", "Nguyễn Thị Hường"]),
}


@pytest.fixture
def named_approver(world):
    """The approver of unit A, who approves and so signs what `issued` issues."""
    world.users["approver"].full_name = "Nguyễn Thị Hường"


def case_for(world, stage):
    return recommendation_of(world) if stage == "recommendation" else supervision_at(world, stage)


def test_registry_is_data_with_known_types(app):  # the app registers the templates
    assert set(EXPECTED) <= set(TEMPLATES)
    for tpl in TEMPLATES.values():
        assert tpl.type_code is None or tpl.type_code in DOCUMENT_TYPES
        assert tpl.families or tpl.is_unit  # a unit's report belongs to no case family
    assert [t for t in TEMPLATES.values() if t.type_code is None]  # công văn have no type


def test_templates_offered_follow_the_case_stage(db, world):
    case = supervision_at(world, "plan_drafted")
    codes = {t.code for t in templates_for(case)}
    assert {"sv_plan", "invitation"} <= codes
    assert not codes & {"sv_decision", "sv_report", "reminder"}


def test_markup_round_trip():
    text = ("# QUYẾT ĐỊNH:\nĐiều 1. Thành lập đoàn\n## I. MỤC ĐÍCH\n| STT | Họ và tên |\n"
            "| 1 | Lê Thị Thủy |\nĐoạn cuối./.")
    assert blocks_to_text(text_to_blocks(text)) == text


@poppler
@pytest.mark.parametrize("code", sorted(EXPECTED))
def test_each_template_prints_the_expected_lines(db, world, named_approver, tmp_path, code):
    stage, expected = EXPECTED[code]
    doc = issued(world, case_for(world, stage), code)
    # The steps before the stage issued their own documents in the same register.
    expected = [line.replace("Số: 01/", f"Số: {doc.number:02d}/") for line in expected]
    text = pdf_text(doc.pdf, tmp_path)
    assert_in_order(text, HEADER[:2])
    assert_in_order(text, HEADER[2:] + expected)
    # no missing glyph: every character printed is in the embedded font
    face = fonts._load(fonts.REGULAR, "IBMPlexSerif-Regular.ttf").face
    missing = {ch for ch in text if not ch.isspace() and ord(ch) not in face.charToGlyph}
    assert not missing, missing
    assert "\ufffd" not in text


@poppler
def test_fonts_embedded_and_a4_with_margins(db, world, tmp_path):
    doc = issued(world, supervision_at(world, "plan_drafted"), "sv_plan")
    path = tmp_path / "plan.pdf"
    path.write_bytes(doc.pdf)
    fonts_out = run("pdffonts", str(path))
    rows = [line.split() for line in fonts_out.splitlines()[2:] if line.strip()]
    assert rows and all(row[-5] == "yes" for row in rows), fonts_out
    assert all("IBMPlexSerif" in row[0] for row in rows), fonts_out
    info = run("pdfinfo", str(path))
    assert re.search(r"Page size:\s+595\.2\d* x 841\.89 pts \(A4\)", info), info
    mm = 72 / 25.4
    html = run("pdftotext", "-bbox", str(path), "-")
    for page in html.split("<page ")[1:]:
        boxes = [tuple(map(float, b)) for b in re.findall(
            r'xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)"', page)]
        body = [b for b in boxes if b[3] > 20 * mm]  # page numbers sit in the top margin
        assert min(b[0] for b in body) >= 30 * mm - 1  # left 30 mm
        assert max(b[2] for b in body) <= 595.28 - 15 * mm + 1  # right 15 mm
        assert max(b[3] for b in body) <= 841.89 - 20 * mm + 1  # bottom 20 mm
    assert doc.page_count == int(re.search(r"Pages:\s+(\d+)", info).group(1))


@poppler
def test_number_takes_a_leading_zero_and_is_shared_across_types(db, world, tmp_path):
    case = supervision_at(world, "delegation_formed")
    db.session.merge(DocumentCounter(org_id=world.orgs["a"].id, year=2026,
                                     register="outgoing", last_number=4))
    decision = issued(world, case, "sv_decision", on=date(2026, 1, 5))
    notice = issued(world, case, "sv_notice", on=date(2026, 1, 5))
    text = pdf_text(decision.pdf, tmp_path)
    assert "Số: 05/QĐ-LĐLĐ Hà Tĩnh, ngày 05 tháng 01 năm 2026" in text
    assert "Số: 06/LĐLĐ Hà Tĩnh, ngày 05 tháng 01 năm 2026" in pdf_text(notice.pdf, tmp_path)
    assert services.number_label(decision) == "05/QĐ-LĐLĐ"
    # a new year starts again at 01
    invitation = issued(world, case, "invitation", on=date(2027, 2, 1))
    assert "Số: 01/GM-LĐLĐ Hà Tĩnh, ngày 01 tháng 02 năm 2027" in pdf_text(invitation.pdf,
                                                                             tmp_path)


def test_each_unit_numbers_in_its_own_register(db, world):
    first = issued(world, supervision_at(world, "plan_drafted"), "sv_plan")
    grass = make_dialogue(world)
    doc = services.draft_document(grass, world.users["grass_handler"], "wp_invitation")
    other = services.issue_document(doc, world.users["grass_approver"], today=date(2026, 3, 15))
    assert (first.number, other.number) == (1, 1)
    assert services.number_label(other) == "01/GM-CĐCS"


def test_a_template_that_does_not_apply_is_refused(db, world):
    case = supervision_at(world, "plan_drafted")
    with pytest.raises(Invalid):
        services.draft_document(case, world.users["handler"], "sv_report")
    with pytest.raises(Invalid):
        services.draft_document(case, world.users["handler"], "no_such_template")
    db.session.rollback()
    assert db.session.scalar(sa.select(sa.func.count()).select_from(CaseDocument)) == 0


def test_issuing_needs_the_signers_title(db, world):
    doc = services.draft_document(supervision_at(world, "plan_drafted"),
                                  world.users["handler"], "sv_plan")
    edit(doc, world.users["handler"], signer_title="")
    db.session.commit()
    with pytest.raises(Invalid) as info:
        services.issue_document(doc, world.users["approver"])
    assert info.value.field == "signer_title"
    db.session.rollback()
    assert db.session.get(CaseDocument, doc.id).number is None


def test_a_builder_for_the_subject_that_reveals_the_sender_is_stopped(db, world):
    """The registry takes builders from other packages; one addressed to the denounced party
    that calls reveal() is refused before any draft is stored."""
    from app.documents.services import template
    from app.identity.services import Reporter, reveal

    @template("test_leaky", "Rò rỉ", "Leaky", "TB", {"letter"}, to_subject=True)
    def leaky(case, actor):
        from app.core.pdf.layout import Document
        from app.documents.services import letterhead, standing_committee

        reporter = reveal(case, actor, "document:test")
        return Document(**letterhead(case, "TB"), summary=reporter.name, body=[reporter.name],
                        signature=standing_committee(case))

    try:
        case = make_case(world.users["intake"], world.orgs["a"], family="letter",
                         kind="denunciation", reporter=Reporter(name="Trần Thị Tố Giác"))
        db.session.commit()
        with pytest.raises(RuntimeError, match="revealed"):
            services.draft_document(case, world.users["approver"], "test_leaky")
        db.session.rollback()
        assert db.session.scalar(sa.select(sa.func.count()).select_from(CaseDocument)) == 0
    finally:
        TEMPLATES.pop("test_leaky")


def test_issue_now_numbers_in_the_register_and_signs_with_the_actor(db, world, tmp_path):
    """What a workflow effect calls when an approval issues the document."""
    case = supervision_at(world, "delegation_formed")
    first = issued(world, case, "sv_decision")
    doc = services.issue_now(case, world.users["approver"], "invitation", today=date(2026, 3, 16))
    assert doc.number == first.number + 1  # the next number of the shared register
    assert doc.content["signature"]["signer_name"] == world.users["approver"].full_name
    with pytest.raises(Forbidden):
        services.issue_now(case, world.users["handler"], "invitation")
