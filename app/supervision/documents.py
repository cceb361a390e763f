"""The supervision's documents (in the Nghị định 30 layout): the decision forming the
delegation, the plan, the notice to the subject, minutes of working sessions and dialogues,
the report, the recommendation letter and invitations. Registered with app.documents when the
feature is installed (app.supervision.register).

They cite the legal basis of the kind of work done (app.documents' table: 124-QĐ/TW and
44/HD-TLĐ for an ethics and lifestyle supervision, Luật Công đoàn 2024 and 217-QĐ/TW for an
employer's or agency's compliance), name the case's subject matter, never its title, and are
signed for the Ban Thường vụ, or the Ban Chấp hành of a grassroots union."""
from __future__ import annotations

from datetime import date

import sqlalchemy as sa
from flask_babel import gettext as _

from app.auth.models import User
from app.core.errors import Invalid
from app.core.pdf.layout import Document, Heading, Para, Signature, Table
from app.core.text import lines
from app.deadlines import queries as deadline_queries
from app.documents.services import (
    dmy,
    enacting_authority,
    governing_body,
    legal_bases,
    letterhead,
    matter,
    paras,
    standing_committee,
    superior_recipient,
    template,
)
from app.extensions import db
from app.supervision.models import DialogueSession, WorkingSession
from app.supervision.rules import delegation_of, plan_of, reports_of
from workflows.vocab import (
    CRITIQUE,
    DIALOGUE_KINDS,
    LETTER,
    RECOMMENDATION,
    SUPERVISION,
)


def _subject(case) -> str:
    return case.subject_name or "đơn vị được giám sát"


def _committee(case) -> str:
    """"Ban Thường vụ Liên đoàn Lao động tỉnh …" (the Ban Chấp hành of a grassroots union)."""
    return enacting_authority(case)


def _party_committee(case) -> list[str]:
    """The Party committee managing the supervised person: an ethics and lifestyle
    supervision's result goes to it (Quy định 124-QĐ/TW)."""
    committee = case.subject_party_committee.strip()
    if case.kind != "ethics" or not committee:
        return []
    return [f"{committee} (để xem xét, xử lý theo thẩm quyền)"]


MEMBER_ROLES = {"leader": "Trưởng đoàn", "deputy": "Phó Trưởng đoàn", "member": "Thành viên",
                "secretary": "Thư ký"}


def _delegation(case):
    return delegation_of(case)


def _delegation_table(members) -> Table:
    rows = [["STT", "Họ và tên", "Chức vụ, đơn vị", "Nhiệm vụ"]]
    rows += [[str(i), m.name, m.position or "", MEMBER_ROLES[m.role]]
             for i, m in enumerate(members, start=1)]
    return Table(rows, col_widths=[1, 4, 6, 3], col_align=["center", "left", "left", "left"])


def _leader(case):
    return next((m for m in _delegation(case) if m.role == "leader"), None)


def _plan(case):
    plan = plan_of(case)
    if plan is None:
        raise Invalid(_("The supervision plan has not been written yet."))
    return plan


def _period(plan) -> str:
    return f"từ ngày {dmy(plan.starts_on)} đến ngày {dmy(plan.ends_on)}"


@template("sv_decision", "Quyết định thành lập đoàn giám sát", "Decision forming the delegation",
          "QĐ", {SUPERVISION}, {"plan_approved", "delegation_formed"})
def build_decision(case, actor) -> Document:
    plan = _plan(case)
    members = _delegation(case)
    if not members:
            raise Invalid(_("Name the delegation before drafting the decision."))
    subject = _subject(case)
    body = [
        Heading("QUYẾT ĐỊNH:", center=True),
        Para(f"Thành lập Đoàn giám sát {matter(case)} tại {subject}, gồm các ông/bà "
             "có tên sau:", lead="Điều 1."),
        _delegation_table(members),
        Para(f"Đoàn giám sát có nhiệm vụ giám sát theo Kế hoạch giám sát đã được phê duyệt, "
             f"{_period(plan)}. Trưởng đoàn phân công nhiệm vụ cho các thành viên; "
             "Đoàn tự giải thể sau khi hoàn thành nhiệm vụ.", lead="Điều 2."),
        Para(f"Quyết định có hiệu lực kể từ ngày ký. Văn phòng, các ban có liên quan, {subject} "
             "và các ông/bà có tên tại Điều 1 chịu trách nhiệm thi hành Quyết định này./.",
             lead="Điều 3."),
    ]
    return Document(
        **letterhead(case, "QĐ"),
        summary=f"Về việc thành lập Đoàn giám sát {matter(case)}",
        enacting_authority=_committee(case),
        bases=[*legal_bases(case),
               f"Căn cứ Kế hoạch giám sát {matter(case)} đã được phê duyệt"],
        body=body, signature=standing_committee(case),
        recipients=["Như Điều 3", *superior_recipient(case)], filing="VT")


@template("sv_plan", "Kế hoạch giám sát", "Supervision plan", "KH", {SUPERVISION},
          {"plan_drafted", "plan_approved", "delegation_formed", "subject_notified"},
          to_subject=True)
def build_plan(case, actor) -> Document:
    plan = _plan(case)
    subject = _subject(case)
    members = _delegation(case)
    body: list = [
        Para(f"{_committee(case)} xây dựng Kế hoạch giám sát {matter(case)} như sau:"),
        Heading("I. MỤC ĐÍCH, YÊU CẦU"), *paras(plan.purpose),
        Heading("II. NỘI DUNG GIÁM SÁT"), *paras(plan.content),
        Heading("III. ĐỐI TƯỢNG, HÌNH THỨC, THỜI GIAN, ĐỊA ĐIỂM"),
        Para(f"1. Đối tượng giám sát: {subject}."),
        Para(f"2. Hình thức giám sát: {plan.form or 'làm việc trực tiếp, nghiên cứu hồ sơ'}."),
        Para(f"3. Thời gian: {_period(plan)}."),
        Para(f"4. Địa điểm: {plan.place or 'tại trụ sở ' + subject}."),
        Heading("IV. THÀNH PHẦN ĐOÀN GIÁM SÁT"),
    ]
    if members:
        body.append(_delegation_table(members))
    else:
        body.append(Para("Theo Quyết định thành lập Đoàn giám sát của "
                         f"{governing_body(case.org)}."))
    body += [
        Heading("V. ĐỀ CƯƠNG BÁO CÁO CỦA ĐỐI TƯỢNG ĐƯỢC GIÁM SÁT"),
        Para(f"{subject} chuẩn bị báo cáo bằng văn bản theo các nội dung sau:"),
        Para("1. Đặc điểm tình hình của đơn vị."),
        Para("2. Kết quả thực hiện các nội dung được giám sát."),
        Para("3. Tồn tại, hạn chế và nguyên nhân."),
        Para("4. Đề xuất, kiến nghị."),
        *paras(plan.subject_preparation, "- "),
        Heading("VI. TỔ CHỨC THỰC HIỆN"),
        Para(f"Đoàn giám sát chủ động triển khai theo Kế hoạch này. Đề nghị {subject} chuẩn bị "
             "báo cáo, tài liệu và bố trí thành phần làm việc với Đoàn giám sát./."),
    ]
    return Document(
        **letterhead(case, "KH"), summary=f"Giám sát {matter(case)}",
        bases=legal_bases(case), body=body, signature=standing_committee(case),
        recipients=[subject, "Đoàn giám sát", *superior_recipient(case)], filing="VT")


@template("sv_notice", "Công văn thông báo giám sát", "Letter notifying the subject", None,
          {SUPERVISION}, {"delegation_formed", "subject_notified"}, to_subject=True)
def build_notice(case, actor) -> Document:
    plan = _plan(case)
    subject = _subject(case)
    leader = _leader(case)
    body = [
        Para(f"Thực hiện Kế hoạch giám sát {matter(case)} và Quyết định thành lập Đoàn giám "
             f"sát của {_committee(case)}, {case.org.name} thông báo tới {subject} như sau:"),
        *paras(plan.content, "1. Nội dung giám sát: ")[:1],
        Para(f"2. Thời gian: {_period(plan)}; địa điểm: {plan.place or 'tại trụ sở ' + subject}."),
        Para("3. Đoàn giám sát do ông/bà "
             + (f"{leader.name}{', ' + leader.position if leader.position else ''}"
                if leader else "…") + " làm Trưởng đoàn."),
        Para(f"4. Đề nghị {subject} chuẩn bị báo cáo bằng văn bản theo đề cương kèm theo Kế "
             "hoạch giám sát, gửi về Đoàn giám sát trước ngày làm việc, và bố trí thành phần "
             "làm việc với Đoàn."),
        Para("Trân trọng./."),
    ]
    return Document(
        **letterhead(case, None), summary=f"thông báo giám sát {matter(case)}",
        addressees=[subject], body=body, signature=standing_committee(case),
        recipients=["Như trên", "Đoàn giám sát"], filing="VT")


def _latest(model, case):
    return db.session.scalar(sa.select(model).where(model.case_id == case.id)
                             .order_by(model.held_on.desc(), model.id.desc()).limit(1))


@template("sv_session_minutes", "Biên bản làm việc", "Minutes of a working session", "BB",
          {SUPERVISION}, {"fieldwork", "report_drafted", "concluded", "following_up"},
          to_subject=True)
def build_session_minutes(case, actor) -> Document:
    session = _latest(WorkingSession, case)
    if session is None:
        raise Invalid(_("Record the working session first."))
    subject = _subject(case)
    leader = _leader(case)
    body = [
        Para(f"Hôm nay, ngày {dmy(session.held_on)}, tại {session.place or subject}, Đoàn giám "
             f"sát của {case.org.name} làm việc với {subject} về {matter(case)}."),
        Heading("I. THÀNH PHẦN"), *paras(session.participants, "- "),
        Heading("II. NỘI DUNG LÀM VIỆC"), *paras(session.minutes),
    ]
    if session.documents_received.strip():
        body += [Heading("III. TÀI LIỆU ĐOÀN GIÁM SÁT ĐÃ NHẬN"),
                 *paras(session.documents_received, "- ")]
    body.append(Para("Biên bản được lập thành 02 bản có giá trị như nhau, mỗi bên giữ 01 bản; "
                     "đã đọc lại cho những người dự cùng nghe và thống nhất ký tên./."))
    return Document(
        **letterhead(case, "BB"), summary=f"Làm việc của Đoàn giám sát với {subject}",
        body=body, signature=None, cosigners=[
            Signature(signer_title="ĐẠI DIỆN ĐOÀN GIÁM SÁT\nTRƯỞNG ĐOÀN",
                      signer_name=leader.name if leader else ""),
            Signature(signer_title=f"ĐẠI DIỆN {subject}", signer_name=""),
            Signature(signer_title="THƯ KÝ", signer_name=_secretary(case, session))])


def _secretary(case, session) -> str:
    """Who kept the minutes: the delegation's secretary, else the user who recorded them."""
    named = next((m.name for m in _delegation(case) if m.role == "secretary"), "")
    if named:
        return named
    user = db.session.get(User, session.recorded_by_id) if session.recorded_by_id else None
    return user.full_name if user else ""


@template("sv_report", "Báo cáo kết quả giám sát", "Report on the supervision results", "BC",
          {SUPERVISION}, {"concluded", "following_up", "closed"}, to_subject=True)
def build_report(case, actor) -> Document:
    report = next((r for r in reports_of(case) if r.is_frozen), None)
    if report is None:
        raise Invalid(_("There is no approved report yet."))
    plan = _plan(case)
    subject = _subject(case)
    body: list = [
        Para(f"Thực hiện Kế hoạch giám sát {matter(case)}, {_period(plan)}, Đoàn giám sát của "
             f"{case.org.name} đã tiến hành giám sát tại {subject}. Kết quả như sau:"),
        Heading("I. KẾT QUẢ GIÁM SÁT"),
    ]
    for i, f in enumerate(report.findings, start=1):
        body.append(Para(f"{i}. {f.get('item', '')}"))
        for label, key in (("Ưu điểm", "strengths"), ("Tồn tại, hạn chế", "shortcomings"),
                           ("Nguyên nhân", "causes")):
            if f.get(key):
                body.append(Para(f"- {label}: {f[key]}"))
    body += [Heading("II. KẾT LUẬN"), *paras(report.conclusion)]
    if report.recommendations:
        body.append(Heading("III. KIẾN NGHỊ"))
        body += [Para(f"{i}. Đối với {r['addressee']}: {r['text']}")
                 for i, r in enumerate(report.recommendations, start=1)]
    body.append(Para(f"Trên đây là báo cáo kết quả giám sát {matter(case)} của "
                     f"{_committee(case)}./."))
    return Document(
        **letterhead(case, "BC"), summary=f"Kết quả giám sát {matter(case)}", body=body,
        signature=standing_committee(case),
        recipients=[*_party_committee(case), *superior_recipient(case), subject,
                    "Đoàn giám sát"], filing="VT")


def _recommendations(case) -> tuple[str, list[str], date | None]:
    """(addressee, recommendation texts, reply-by date) of a supervision or recommendation."""
    if case.family == RECOMMENDATION:
        return case.subject_name, [case.summary or case.title], case.due_on
    report = next((r for r in reports_of(case) if r.is_frozen), None)
    if report is None or not report.recommendations:
        raise Invalid(_("The approved report has no recommendation."))
    return report.recommendations[0]["addressee"], [r["text"] for r in report.recommendations], None


@template("recommendation", "Văn bản kiến nghị sau giám sát", "Post-supervision recommendation",
          None, {SUPERVISION, RECOMMENDATION},
          {"concluded", "following_up", "waiting", "overdue"}, to_subject=True)
def build_recommendation(case, actor) -> Document:
    addressee, texts, due = _recommendations(case)
    days = deadline_queries.rule("recommendation.reply").days
    deadline = f"trong thời hạn {days} ngày kể từ ngày nhận được văn bản này"
    if due:
        deadline += f" (trước ngày {dmy(due)})"
    title = matter(case.parent) if case.family == RECOMMENDATION and case.parent else matter(case)
    body = [
        Para(f"Qua giám sát {title}, {case.org.name} đề nghị {addressee} thực hiện các nội dung "
             "sau:"),
        *[Para(f"{i}. {t}") for i, t in enumerate(texts, start=1)],
        Para(f"Đề nghị {addressee} tổ chức thực hiện và báo cáo kết quả bằng văn bản về "
             f"{case.org.name} {deadline}."),
        Para("Trân trọng./."),
    ]
    return Document(
        **letterhead(case, None), summary="kiến nghị sau giám sát", addressees=[addressee],
        body=body, signature=standing_committee(case),
        recipients=["Như trên", *superior_recipient(case)], filing="VT")


@template("dialogue_minutes", "Biên bản đối thoại", "Minutes of a dialogue", "BB",
          {SUPERVISION}, {"dialogue", "plan_drafted"},
          to_subject=True)
def build_dialogue_minutes(case, actor) -> Document:
    session = _latest(DialogueSession, case)
    if session is None:
        raise Invalid(_("Record the dialogue first."))
    subject = _subject(case)
    ours = lines(session.union_side)
    kind = DIALOGUE_KINDS[session.kind].vi.lower() if session.kind in DIALOGUE_KINDS else ""
    body = [
        Para(f"Hôm nay, ngày {dmy(session.held_on)}, {case.org.name} và {subject} tổ chức đối "
             f"thoại {kind}.".replace(" .", ".")),
        Heading("I. THÀNH PHẦN"),
        Para("1. Đại diện tổ chức công đoàn:"), *[Para(f"- {n}") for n in ours],
        Para(f"2. Đại diện {subject}:"), *[Para(f"- {n}") for n in lines(session.other_side)],
        Heading("II. NỘI DUNG ĐỐI THOẠI"), *paras(session.agenda),
        Heading("III. KẾT QUẢ ĐỐI THOẠI"),
        Para("1. Những nội dung đã thống nhất:"), *(paras(session.agreed, "- ") or [Para("- Không có.")]),
        Para("2. Những nội dung chưa thống nhất:"),
        *(paras(session.not_agreed, "- ") or [Para("- Không có.")]),
        Para("Biên bản được lập thành 02 bản có giá trị như nhau, mỗi bên giữ 01 bản; đã đọc "
             "lại cho những người dự cùng nghe và thống nhất ký tên./."),
    ]
    theirs = lines(session.other_side)
    return Document(
        **letterhead(case, "BB"), summary=f"Đối thoại giữa {case.org.name} và {subject}",
        body=body, signature=None, cosigners=[
            Signature(signer_title="ĐẠI DIỆN TỔ CHỨC CÔNG ĐOÀN",
                      signer_name=ours[0] if ours else ""),
            Signature(signer_title=f"ĐẠI DIỆN {subject}", signer_name=theirs[0] if theirs else ""),
            Signature(signer_title="THƯ KÝ", signer_name=_secretary(case, session))])


@template("invitation", "Giấy mời", "Invitation", "GM", {SUPERVISION, CRITIQUE, LETTER},
          to_subject=True)
def build_invitation(case, actor) -> Document:
    """An invitation to a meeting; for a letter, the party it concerns is invited to explain.

    A letter's content can point at its sender, so it is never quoted here."""
    subject = _subject(case)
    when, place = "… giờ …, ngày …", "…"
    if case.family == SUPERVISION:
        plan = plan_of(case)
        if plan and plan.starts_on:
            when, place = f"… giờ …, ngày {dmy(plan.starts_on)}", plan.place or "…"
        purpose = f"Dự hội nghị công bố Quyết định giám sát {matter(case)}"
    elif case.family == LETTER:
        purpose = f"Làm việc, cung cấp thông tin và giải trình về nội dung liên quan (hồ sơ {case.code})"
    else:
        purpose = f"Dự hội nghị phản biện xã hội đối với dự thảo {matter(case)}"
    body = [
        Para(f"{case.org.name} trân trọng kính mời: {subject}"),
        Para(f"{purpose}."),
        Para(f"Thời gian: {when}."),
        Para(f"Địa điểm: {place}."),
        Para("Rất mong được đón tiếp./."),
    ]
    return Document(
        **letterhead(case, "GM"), summary=purpose, body=body,
        signature=standing_committee(case), recipients=["Như trên"], filing="VT")
