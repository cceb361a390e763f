"""Following up recommendations: replies with files, who may record them, refusals, the list."""
import hashlib
import re
from datetime import timedelta
from io import BytesIO

import pytest
import sqlalchemy as sa

from app.cases.models import Attachment, Case, CaseEvent
from app.core import uploads
from app.core.calendar import local_today
from app.followup import queries
from app.followup.models import RecommendationReply
from tests.factories import advance, make_case

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + bytes(range(256))
TODAY = local_today()


def _recommendation(world, *, org="a", subject_name="Công ty TNHH May Việt Hàn",
                    issued=TODAY - timedelta(days=5), summary=None, parent=None):
    u, o = world.users, world.orgs
    actor = u["intake"] if org == "a" else u["b_handler"]
    if parent is None:
        parent = make_case(actor, o[org], title="Giám sát thực hiện thỏa ước lao động tập thể")
    return make_case(
        actor, o[org], family="recommendation", parent_id=parent.id,
        title=f"Kiến nghị gửi {subject_name}", subject_name=subject_name,
        subject_unit="Ban Quản lý Khu kinh tế tỉnh",
        summary=summary or "Đề nghị đóng đủ bảo hiểm xã hội cho 120 người lao động.",
        received_on=issued,
    )


def _reply(browser, case, *, received="", text="Công ty đã nộp đủ tiền bảo hiểm xã hội.",
           files=()):
    data = {"received_on": received or TODAY.strftime("%d/%m/%Y"), "text": text}
    if files:
        data["files"] = [(BytesIO(content), name) for name, content in files]
    return browser.post(f"/recommendations/{case.id}/replies", data,
                        content_type="multipart/form-data")


def _count(db, model) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(model))


def _nothing_saved(db) -> bool:
    return (_count(db, RecommendationReply), _count(db, Attachment),
            db.session.scalar(sa.select(sa.func.count()).select_from(CaseEvent)
                              .where(CaseEvent.action == "reply"))) == (0, 0, 0)


def _timeline(html: str) -> str:
    return html.split('data-testid="timeline"', 1)[1]


def _download_links(html: str) -> list[str]:
    return re.findall(r'href="(/recommendations/\d+/attachments/\d+)"', html)


def test_the_panel_shows_the_recommendation_and_the_reply_form(browser, db, world):
    case = _recommendation(world)
    db.session.commit()
    browser.login("handler")
    html = browser.get(f"/cases/{case.id}").get_data(as_text=True)
    panel = html.split('data-testid="followup-panel"', 1)[1]
    assert "Công ty TNHH May Việt Hàn" in panel
    assert "Ban Quản lý Khu kinh tế tỉnh" in panel
    assert "Đề nghị đóng đủ bảo hiểm xã hội cho 120 người lao động." in panel
    assert case.due_on.strftime("%d/%m/%Y") in panel
    assert f'href="/cases/{case.parent_id}"' in panel and case.parent.code in panel
    assert "Chưa nhận được văn bản trả lời." in panel
    assert "Ghi nhận văn bản trả lời" in panel and 'enctype="multipart/form-data"' in panel


def test_record_a_reply_with_files_then_see_and_download_them(browser, db, world):
    case = _recommendation(world)
    db.session.commit()
    browser.login("handler")
    browser.get(f"/cases/{case.id}")
    received = TODAY - timedelta(days=1)
    response = _reply(browser, case, received=received.strftime("%d/%m/%Y"),
                      text="Công ty đã nộp đủ tiền bảo hiểm xã hội quý III.",
                      files=[("Công văn trả lời số 15.pdf", PDF), ("bien-lai.png", PNG)])
    assert response.status_code == 302
    assert response.location.endswith(f"/cases/{case.id}")

    html = browser.get(response.location).get_data(as_text=True)
    assert "Đã ghi nhận văn bản trả lời." in html
    panel = html.split('data-testid="replies"', 1)[1].split("</ol>", 1)[0]
    assert received.strftime("%d/%m/%Y") in panel
    assert "Công ty đã nộp đủ tiền bảo hiểm xã hội quý III." in panel
    assert "Công văn trả lời số 15.pdf" in panel and "bien-lai.png" in panel
    assert "Công ty đã nộp đủ tiền bảo hiểm xã hội quý III." in _timeline(html)

    links = _download_links(html)
    assert len(links) == 2
    download = browser.get(links[0])
    assert download.status_code == 200
    assert download.data == PDF
    assert download.mimetype == "application/pdf"
    disposition = download.headers["Content-Disposition"]
    assert disposition.startswith("attachment;")
    assert "filename*=UTF-8''C%C3%B4ng%20v%C4%83n" in disposition
    image = browser.get(links[1])
    assert (image.data, image.mimetype) == (PNG, "image/png")

    reply = db.session.scalar(sa.select(RecommendationReply))
    assert (reply.case_id, reply.received_on) == (case.id, received)
    stored = db.session.scalars(sa.select(Attachment).order_by(Attachment.id)).all()
    assert [(a.owner_kind, a.owner_id, a.case_id) for a in stored] == [
        ("reply", reply.id, case.id)] * 2
    assert (stored[0].size, stored[0].content_type) == (len(PDF), "application/pdf")
    assert stored[0].sha256 == hashlib.sha256(PDF).hexdigest()
    event = db.session.scalar(sa.select(CaseEvent).where(CaseEvent.action == "reply"))
    assert event.case_id == case.id and event.data["reply_id"] == reply.id
    db.session.expire_all()
    assert db.session.get(Case, case.id).state == "waiting"  # a reply does not settle it


def test_reply_without_files_and_with_an_iso_date_from_a_date_input(browser, db, world):
    case = _recommendation(world)
    db.session.commit()
    browser.login("intake")  # the clerk who receives the mail may record it too
    response = _reply(browser, case, received=TODAY.isoformat(), text="Đã nhận, sẽ trả lời sau.")
    assert response.status_code == 302
    html = browser.get(response.location).get_data(as_text=True)
    assert "Đã nhận, sẽ trả lời sau." in html
    assert _download_links(html) == []


@pytest.mark.parametrize("username", ["approver", "auditor", "delegate"])
def test_other_roles_cannot_record_a_reply(browser, db, world, username):
    case = _recommendation(world)
    db.session.commit()
    browser.login(username)
    html = browser.get(f"/cases/{case.id}").get_data(as_text=True)
    assert 'data-testid="reply-form"' not in html  # the page offers nothing they cannot do
    response = _reply(browser, case)
    assert response.status_code == 403
    assert "Chỉ cán bộ xử lý hoặc cán bộ tiếp nhận" in response.get_data(as_text=True)
    assert _nothing_saved(db)


def test_another_province_gets_404_for_page_reply_and_download(browser, db, world):
    case = _recommendation(world)
    db.session.commit()
    browser.login("handler")
    _reply(browser, case, files=[("cong-van.pdf", PDF)])
    attachment = db.session.scalar(sa.select(Attachment))
    url = f"/recommendations/{case.id}/attachments/{attachment.id}"
    assert browser.get(url).status_code == 200
    browser.logout()

    browser.login("b_handler")
    assert browser.get(f"/cases/{case.id}").status_code == 404
    response = _reply(browser, case, text="Trả lời giả mạo")
    assert response.status_code == 404
    download = browser.get(url)
    assert download.status_code == 404 and download.data != PDF
    assert _count(db, RecommendationReply) == 1


def test_a_file_is_only_served_through_its_own_recommendation(browser, db, world):
    first = _recommendation(world)
    second = _recommendation(world, subject_name="Công ty Cổ phần Thép Hà Tĩnh",
                             parent=first.parent)
    db.session.commit()
    browser.login("handler")
    _reply(browser, first, files=[("cong-van.pdf", PDF)])
    attachment = db.session.scalar(sa.select(Attachment))
    assert browser.get(f"/recommendations/{second.id}/attachments/{attachment.id}"
                       ).status_code == 404
    assert browser.get(f"/recommendations/{first.parent_id}/attachments/{attachment.id}"
                       ).status_code == 404
    assert browser.get(f"/recommendations/{first.id}/attachments/{attachment.id + 99}"
                       ).status_code == 404


def test_reply_to_a_closed_recommendation_is_refused_with_409(browser, db, world):
    u = world.users
    case = _recommendation(world)
    advance(case, [u["handler"], u["approver"]], ["record_implemented", "close"])
    db.session.commit()
    browser.login("handler")
    html = browser.get(f"/cases/{case.id}").get_data(as_text=True)
    assert 'data-testid="reply-form"' not in html
    assert "Kiến nghị này đã kết thúc" in html
    response = _reply(browser, case, files=[("cong-van.pdf", PDF)])
    assert response.status_code == 409
    message = "Kiến nghị này đã kết thúc; không thể ghi nhận thêm văn bản trả lời."
    assert message in response.get_data(as_text=True)
    assert _nothing_saved(db)


@pytest.mark.parametrize("received, message", [
    ((TODAY + timedelta(days=1)).strftime("%d/%m/%Y"), "không được sau ngày hiện tại"),
    ((TODAY - timedelta(days=6)).strftime("%d/%m/%Y"), "không được trước ngày ban hành kiến nghị"),
    ("31/02/2026", "theo dạng dd/mm/yyyy, ví dụ 05/01/2026"),
])
def test_bad_reply_dates_are_refused_with_422_and_the_text_is_kept(browser, db, world,
                                                                  received, message):
    case = _recommendation(world, issued=TODAY - timedelta(days=5))
    db.session.commit()
    browser.login("handler")
    response = _reply(browser, case, received=received, text="Nội dung trả lời cần giữ lại",
                      files=[("cong-van.pdf", PDF)])
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert message in html
    assert "Nội dung trả lời cần giữ lại" in html  # nothing typed is lost
    assert _nothing_saved(db)


def test_a_reply_needs_its_text(browser, db, world):
    case = _recommendation(world)
    db.session.commit()
    browser.login("handler")
    response = _reply(browser, case, text="   ")
    assert response.status_code == 422
    assert "Vui lòng nhập nội dung trả lời." in response.get_data(as_text=True)
    assert _nothing_saved(db)


@pytest.mark.parametrize("name, content, message", [
    ("bao-cao.pdf", b"%PDF-" + b"0" * uploads.MAX_ATTACHMENT_BYTES, "vượt quá 10 MB"),
    ("cai-dat.exe", b"MZ\x90\x00", "chỉ chấp nhận tệp PDF, Word"),
    ("cong-van.pdf", b"MZ\x90\x00 not really a pdf", "không phải là tệp .pdf hợp lệ"),
    ("trong.docx", b"", "không có nội dung"),
])
def test_oversize_or_wrong_type_files_are_refused(browser, db, world, name, content, message):
    case = _recommendation(world)
    db.session.commit()
    browser.login("handler")
    response = _reply(browser, case, files=[("ok.pdf", PDF), (name, content)])
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert name in html and message in html
    assert _nothing_saved(db)


def test_file_of_exactly_ten_megabytes_is_accepted(browser, db, world):
    case = _recommendation(world)
    db.session.commit()
    browser.login("handler")
    content = b"%PDF-" + b"0" * (uploads.MAX_ATTACHMENT_BYTES - 5)
    assert _reply(browser, case, files=[("lon.pdf", content)]).status_code == 302
    assert db.session.scalar(sa.select(Attachment.size)) == uploads.MAX_ATTACHMENT_BYTES


def _list_codes(html: str) -> set[str]:
    table = html.split('data-testid="recommendations"', 1)[1]
    return set(re.findall(r">((?:KN)-\d{4}-\d{6})<", table))


def test_list_filters_by_overdue_state_and_addressee_without_diacritics(browser, db, world):
    u = world.users
    supervision = make_case(u["intake"], world.orgs["a"])
    late = _recommendation(world, subject_name="Công ty Cổ phần Đường Quảng Ngãi",
                           issued=TODAY - timedelta(days=60), parent=supervision)
    fresh = _recommendation(world, subject_name="Công ty TNHH May Việt Hàn",
                            parent=supervision)
    settled = _recommendation(world, subject_name="Sở Lao động - Thương binh và Xã hội",
                              issued=TODAY - timedelta(days=60), parent=supervision)
    advance(settled, [u["handler"]], ["record_implemented"])
    elsewhere = _recommendation(world, org="b", subject_name="Công ty Đường Biên Hòa",
                                issued=TODAY - timedelta(days=60))
    db.session.commit()
    browser.login("handler")

    html = browser.get("/recommendations/").get_data(as_text=True)
    assert "Theo dõi kiến nghị" in html
    assert _list_codes(html) == {late.code, fresh.code, settled.code}
    assert elsewhere.code not in html
    counts = html.split('data-testid="state-counts"', 1)[1].split("</ul>", 1)[0]
    assert re.search(r'data-state="waiting">Chờ trả lời <span[^>]*>2<', counts)
    assert re.search(r'data-state="implemented">Đã thực hiện <span[^>]*>1<', counts)
    assert re.search(r'data-testid="overdue-count">[^<]*<span[^>]*>1<', counts)

    assert _list_codes(browser.get("/recommendations/?overdue=1").get_data(as_text=True)) == {
        late.code}
    assert _list_codes(browser.get("/recommendations/?q=duong+quang+ngai").get_data(
        as_text=True)) == {late.code}
    assert _list_codes(browser.get("/recommendations/?q=VIET%20HAN").get_data(
        as_text=True)) == {fresh.code}
    # the text of a recommendation mentions "bảo hiểm", its addressee does not
    assert _list_codes(browser.get("/recommendations/?q=bao+hiem").get_data(
        as_text=True)) == set()
    assert _list_codes(browser.get("/recommendations/?state=implemented").get_data(
        as_text=True)) == {settled.code}
    assert "Công ty Đường Biên Hòa" not in browser.get("/recommendations/?q=duong").get_data(
        as_text=True)


def test_overdue_recommendations_and_count_overdue(db, world):
    u = world.users
    long_ago = TODAY - timedelta(days=60)
    waiting = _recommendation(world, issued=long_ago)
    reminded = _recommendation(world, issued=long_ago)
    advance(reminded, [u["handler"]], ["remind"], today=TODAY - timedelta(days=45))
    marked = _recommendation(world, issued=long_ago)
    advance(marked, [u["handler"]], ["mark_overdue"])
    reminded_recently = _recommendation(world, issued=long_ago)
    advance(reminded_recently, [u["handler"]], ["remind"])
    _recommendation(world)  # not due yet
    implemented = _recommendation(world, issued=long_ago)
    advance(implemented, [u["handler"]], ["record_implemented"])
    _recommendation(world, org="b", issued=long_ago)  # outside the handler's scope
    db.session.commit()

    late = queries.overdue_recommendations(u["handler"])
    assert {c.id for c in late} == {waiting.id, reminded.id, marked.id}
    assert late[0].due_on <= late[-1].due_on
    assert queries.count_overdue(u["handler"]) == 3
    assert queries.count_overdue(u["grass_handler"]) == 0
    assert queries.count_overdue(u["b_handler"]) == 1
    # as of a day long ago nothing was late yet
    assert queries.count_overdue(u["handler"], today=long_ago) == 0
