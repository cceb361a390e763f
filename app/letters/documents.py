"""Documents of a letter (Nghị định 30/2020 layout), built as drafts with the number left blank.

Each builder takes the case and, for documents addressed to the sender, the Reporter the caller
obtained through app.identity.services.reveal (audited). The notice to the denounced person and
the forwarding slip of a denunciation take no Reporter at all: the denouncer's identity cannot
reach them (Luật Tố cáo 2018, Điều 47).
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from app.cases.models import Attachment, CaseEvent
from app.core.calendar import local_today
from app.core.dates import format_day
from app.core.errors import Invalid
from app.core.pdf.layout import DOCUMENT_TYPES, Document, Para, Signature
from app.documents.services import header_name, standing_committee, template
from app.extensions import db
from app.identity.services import Reporter, is_sealed, reveal
from app.letters.services import OWNER_KIND
from workflows.vocab import INTAKE_FORMS

KIND_WORDS = {"complaint": "khiếu nại", "denunciation": "tố cáo", "petition": "kiến nghị",
              "feedback": "phản ánh"}
#: The receipt of a letter, drafted on the fly or registered: one name and one type.
RECEIPT_TYPE, RECEIPT_SUMMARY = "BB", "Tiếp nhận đơn"


def _kind(case) -> str:
    return KIND_WORDS.get(case.kind or "", "")


def _letter_words(case) -> str:
    """"đơn khiếu nại", or just "đơn" while the kind is not decided."""
    return f"đơn {_kind(case)}".strip()


def _sender(reporter: Reporter, signer_count: int) -> str:
    name = reporter.name or reporter.representative
    if signer_count > 1:
        return f"ông/bà {name} (đại diện cho {signer_count} người cùng ký đơn)"
    return f"ông/bà {name}"


def _addressee(reporter: Reporter, signer_count: int) -> str:
    """The sender at the start of an addressee line: "Ông/Bà Nguyễn Văn A"."""
    text = _sender(reporter, signer_count)
    return "Ông/Bà" + text[len("ông/bà"):]


def _base(case, *, type_code, type_name, summary, body, signature=None, addressees=(),
          recipients=("Như trên",), unit_short=None, cosigners=()) -> Document:
    org = case.org
    return Document(
        superior_body=header_name(org.parent), issuing_unit=org.name,
        number=None, year=local_today().year, type_code=type_code,
        unit_short=unit_short or org.short_name, place=org.place_name, date=None,
        type_name=type_name, summary=summary,
        signature=None if cosigners else (signature or standing_committee(case)),
        cosigners=list(cosigners),
        addressees=list(addressees), body=body, recipients=list(recipients), filing="VT",
        draft=True)


def _received_line(case, reporter: Reporter | None, signer_count: int) -> str:
    who = f" của {_sender(reporter, signer_count)}" if reporter else ""
    address = f", địa chỉ: {reporter.address}" if reporter and reporter.address else ""
    return (f"Ngày {format_day(case.received_on)}, {case.org.name} nhận được "
            f"{_letter_words(case)}{who}{address}, về việc: {case.title}.")


def receipt(case, reporter: Reporter, officer_name: str, files: list[str],
            signer_count: int = 1) -> Document:
    """Biên bản tiếp nhận đơn: what was received, from whom, by whom; the sender keeps one
    copy. The same name and type (BB) whether drafted on the fly or registered."""
    body = [
        Para(f"{case.org.name} đã nhận đơn của {_sender(reporter, signer_count)}."),
        Para(f"Địa chỉ: {reporter.address or '—'}."),
        Para(f"Số điện thoại, thư điện tử: {reporter.contact or '—'}."),
        Para(f"Tiêu đề đơn: {case.title}."),
        Para(f"Ngày nhận đơn: {format_day(case.received_on)}; hình thức tiếp nhận: "
             f"{INTAKE_FORMS[case.intake_form].vi.lower()}."),
        Para(f"Tài liệu kèm theo: {'; '.join(files) if files else 'không có'}."),
        Para(f"Mã số đơn để theo dõi kết quả xử lý: {case.code}."),
        Para("Biên bản được lập thành 02 bản, người gửi đơn giữ 01 bản, "
             "cơ quan tiếp nhận giữ 01 bản."),
    ]
    return _base(case, type_code=RECEIPT_TYPE, type_name=DOCUMENT_TYPES[RECEIPT_TYPE],
                 summary=RECEIPT_SUMMARY, body=body,
                 cosigners=[Signature(signer_title="Người gửi đơn",
                                      signer_name=reporter.name or reporter.representative),
                            Signature(signer_title="Người tiếp nhận", signer_name=officer_name)],
                 recipients=("Người gửi đơn",))


def acceptance_notice(case, reporter: Reporter, signer_count: int = 1) -> Document:
    """Thông báo thụ lý, to the sender."""
    body = [
        Para(_received_line(case, reporter, signer_count)),
        Para(f"Sau khi xem xét, đơn đủ điều kiện thụ lý và thuộc thẩm quyền giải quyết của "
             f"{case.org.name}. {case.org.name} thông báo đã thụ lý đơn (mã số {case.code}) "
             f"để xem xét, giải quyết theo quy định của pháp luật."),
        Para(f"Kết quả giải quyết sẽ được thông báo đến {_sender(reporter, signer_count)} "
             f"theo quy định."),
    ]
    return _base(case, type_code="TB", type_name="Thông báo",
                 summary=f"Về việc thụ lý {_letter_words(case)}",
                 addressees=[_addressee(reporter, signer_count)], body=body)


def forward_slip(case, reporter: Reporter | None, signer_count: int = 1) -> Document:
    """Phiếu chuyển đơn to the competent body; a denunciation goes without its denouncer."""
    denunciation = case.kind == "denunciation"
    body = [Para(_received_line(case, None if denunciation else reporter, signer_count))]
    if denunciation:
        body.append(Para("Thông tin về người tố cáo được giữ bí mật theo quy định của "
                         "Luật Tố cáo năm 2018."))
    body += [
        Para(f"Sau khi xem xét, nội dung đơn không thuộc thẩm quyền giải quyết của "
             f"{case.org.name}. {case.org.name} chuyển đơn đến {case.letter.competent_body} "
             f"để xem xét, giải quyết theo thẩm quyền và thông báo kết quả cho "
             f"{case.org.name} biết."),
        Para("Kèm theo: đơn và tài liệu kèm theo"
             + (" (đã lược bỏ thông tin về người tố cáo)." if denunciation else ".")),
    ]
    recipients = ["Như trên"] if denunciation or reporter is None else [
        "Như trên", "Người gửi đơn (để biết)"]
    return _base(case, type_code="PC", type_name="Phiếu chuyển đơn",
                 summary=f"Về việc chuyển {_letter_words(case)}",
                 addressees=[case.letter.competent_body], body=body, recipients=recipients)


def guidance(case, reporter: Reporter, reason: str, signer_count: int = 1) -> Document:
    """Văn bản hướng dẫn (công văn): where the sender should take the letter."""
    body_name = (case.letter.competent_body if case.letter and case.letter.competent_body
                 else "cơ quan, tổ chức có thẩm quyền")
    body = [
        Para(_received_line(case, reporter, signer_count)),
        Para(f"Nội dung đơn không thuộc thẩm quyền giải quyết của {case.org.name}. "
             f"Đề nghị {_sender(reporter, signer_count)} gửi đơn đến {body_name} để được "
             f"xem xét, giải quyết theo quy định của pháp luật."),
    ]
    if reason:
        body.append(Para(f"Ý kiến của cơ quan tiếp nhận: {reason}"))
    return _base(case, type_code=None, type_name=None,
                 summary="V/v hướng dẫn gửi đơn đến cơ quan có thẩm quyền",
                 addressees=[_addressee(reporter, signer_count)], body=body)


def refusal_notice(case, reporter: Reporter, reason: str, signer_count: int = 1) -> Document:
    """Thông báo không thụ lý (the letter is filed away), to the sender."""
    body = [
        Para(_received_line(case, reporter, signer_count)),
        Para(f"Sau khi xem xét, đơn không đủ điều kiện thụ lý, giải quyết. Lý do: "
             f"{reason or '—'}"),
        Para(f"{case.org.name} thông báo để {_sender(reporter, signer_count)} biết và "
             f"lưu đơn theo quy định."),
    ]
    return _base(case, type_code="TB", type_name="Thông báo",
                 summary=f"Về việc không thụ lý {_letter_words(case)}",
                 addressees=[_addressee(reporter, signer_count)], body=body)


def denounced_notice(case) -> Document:
    """Thông báo to the denounced person of the content of the denunciation.

    Takes the case only: nothing about the denouncer is within its reach."""
    who = case.subject_name or "—"
    about = ", ".join(filter(None, (who, case.subject_position, case.subject_unit)))
    deadline = resolution(case)
    accepted = f" ngày {format_day(deadline.start_on)}" if deadline else ""
    due = format_day(deadline.due_on) if deadline else "…"
    body = [
        Para(f"Căn cứ Điều 29 Luật Tố cáo năm 2018, {case.org.name} thông báo: {case.org.name} "
             f"đã thụ lý tố cáo{accepted} (mã số {case.code}) đối với {about}."),
        Para(f"Nội dung tố cáo: {case.summary}"),
        Para(f"Thời hạn giải quyết tố cáo: đến hết ngày {due} (Điều 30 Luật Tố cáo năm 2018; "
             f"trường hợp gia hạn, {case.org.name} sẽ thông báo bằng văn bản)."),
        Para(f"Đề nghị {who} giải trình bằng văn bản về các nội dung bị tố cáo nêu trên, "
             f"kèm theo thông tin, tài liệu, chứng cứ liên quan (nếu có), gửi về "
             f"{case.org.name}."),
        Para("Người bị tố cáo có các quyền và nghĩa vụ quy định tại Điều 10 Luật Tố cáo "
             "năm 2018."),
    ]
    return _base(case, type_code="TB", type_name="Thông báo",
                 summary="Về nội dung tố cáo", addressees=[who], body=body)


# --- which document, when ----------------------------------------------------------------

AFTER_ACCEPT = ("accepted", "verifying", "paused", "resolved", "closed")


@dataclass(frozen=True)
class Spec:
    label: object
    #: States in which the draft makes sense.
    states: tuple[str, ...]
    #: Addressed to the sender: needs the identity (reveal, audited).
    to_sender: bool
    #: Extra condition on the case.
    applies: Callable = lambda case: True


DOCUMENTS: dict[str, Spec] = {
    "receipt": Spec(_l("Receipt for the sender"), (), True),
    "acceptance": Spec(_l("Notice of acceptance (thụ lý)"), AFTER_ACCEPT, True),
    "forward": Spec(_l("Forwarding slip to the competent body"), ("classified", "forwarded"),
                    False, lambda case: bool(case.letter and case.letter.competent_body)),
    "guidance": Spec(_l("Guidance to the sender"), ("classified", "guided"), True),
    "refusal": Spec(_l("Notice of non-acceptance (filed away)"), ("classified", "filed"), True),
    "denounced": Spec(_l("Notice to the denounced person"), AFTER_ACCEPT, False,
                      lambda case: case.kind == "denunciation"),
}


def needs_reporter(slug: str, case) -> bool:
    """The forwarding slip names the sender, except for a denunciation."""
    return DOCUMENTS[slug].to_sender or (slug == "forward" and case.kind != "denunciation")


def available(case) -> list[str]:
    """Documents that may be drafted for `case` now (none addressed to an anonymous sender)."""
    return [slug for slug, spec in DOCUMENTS.items()
            if (not spec.states or case.state in spec.states) and spec.applies(case)
            and not (spec.to_sender and case.is_anonymous)]


def _last_comment(case, *triggers: str) -> str:
    return db.session.scalar(
        sa.select(CaseEvent.comment).where(CaseEvent.case_id == case.id,
                                           CaseEvent.action.in_(triggers))
        .order_by(CaseEvent.id.desc()).limit(1)) or ""


def build(slug: str, case, reporter: Reporter | None) -> Document:
    """The draft `slug` of `case`; `reporter` is None for documents that must not name them."""
    letter = case.letter
    signers = letter.signer_count if letter else 1
    if slug == "receipt":
        files = list(db.session.scalars(
            sa.select(Attachment.filename).where(Attachment.case_id == case.id,
                                                 Attachment.owner_kind == OWNER_KIND)
            .order_by(Attachment.id)))
        officer = letter.received_by.full_name if letter and letter.received_by else ""
        return receipt(case, reporter, officer, files, signers)
    if slug == "acceptance":
        return acceptance_notice(case, reporter, signers)
    if slug == "forward":
        return forward_slip(case, None if case.kind == "denunciation" else reporter, signers)
    if slug == "guidance":
        return guidance(case, reporter, _last_comment(case, "guide"), signers)
    if slug == "refusal":
        reason = (letter.invalid_reason if letter and letter.invalid_reason else "") or \
            _last_comment(case, "file_away")
        return refusal_notice(case, reporter, reason, signers)
    return denounced_notice(case)


# --- numbered in the unit's register (app.documents) ---------------------------------------
# Documents that never carry a sealed identity are drafted, issued and numbered through the
# documents layer like any other; those addressed to a denouncer stay on-the-fly drafts
# (route letters.document), revealed per download and audited, never stored in clear.


def _open_sender(case) -> bool:
    """A named sender whose identity is not sealed (not a denunciation, kind decided)."""
    return not case.is_anonymous and not is_sealed(case)


def _reporter_for(case, actor, slug: str) -> Reporter:
    reporter = reveal(case, actor, f"document:{slug}")
    if reporter is None:
        raise Invalid(_l("No sender was recorded for this letter."))
    return reporter


#: Registered letter documents that name the sender (the forwarding slip does, but for a
#: denunciation).
REPORTER_SLUGS = frozenset({"receipt", "acceptance", "guidance", "refusal", "forward"})


def _registered(slug: str, type_code: str | None, title_vi: str, title_en: str,
                condition, to_subject: bool = False) -> None:
    spec = DOCUMENTS[slug]

    def build_registered(case, actor):
        reporter = _reporter_for(case, actor, slug) if needs_reporter(slug, case) else None
        doc = build(slug, case, reporter)
        doc.type_code, doc.unit_short = type_code, case.org.short_name
        return doc

    template(f"letter_{slug}", title_vi, title_en, type_code, families={"letter"},
             states=spec.states or None, to_subject=to_subject,
             to_reporter=slug in REPORTER_SLUGS,
             condition=lambda case: spec.applies(case) and condition(case))(build_registered)


_registered("receipt", RECEIPT_TYPE, "Biên bản tiếp nhận đơn", "Receipt of a letter",
            _open_sender)
_registered("acceptance", "TB", "Thông báo thụ lý đơn", "Notice of acceptance", _open_sender)
_registered("guidance", None, "Văn bản hướng dẫn người gửi đơn", "Guidance to the sender",
            _open_sender)
_registered("refusal", "TB", "Thông báo không thụ lý đơn", "Notice of non-acceptance",
            _open_sender)
_registered("forward", "PC", "Phiếu chuyển đơn", "Forwarding slip",
            lambda case: case.kind == "denunciation" or _open_sender(case))
_registered("denounced", "TB", "Thông báo thụ lý tố cáo cho người bị tố cáo",
            "Notice to the denounced person", lambda case: True, to_subject=True)


# --- the notice of acceptance to the denouncer (Luật Tố cáo 2018, Điều 29) -----------------
# Numbered in the register like any other document, but its text never holds the denouncer:
# app.identity's tokens stand where the name and address go, filled in only when a user who
# may see the identity renders it (audited), and the issued PDF is stored sealed.

from app.deadlines import queries as deadline_queries  # noqa: E402
from app.identity.services import ADDRESS_TOKEN, NAME_TOKEN  # noqa: E402

#: The rules of a letter's resolution deadline, which the notices and decisions state.
RESOLVE_RULES = ("denunciation.resolve", "complaint.first.resolve", "complaint.second.resolve")


def resolution(case, open_only: bool = True):
    """The letter's resolution deadline record (the newest; open only, unless asked)."""
    return next((d for d in deadline_queries.of_case(case)  # the latest first
                 if d.rule_code in RESOLVE_RULES and (d.is_open or not open_only)), None)


def denouncer_notice(case) -> Document:
    """Thông báo thụ lý tố cáo, to the denouncer: the acceptance, the resolution deadline of
    the case's deadline record, the denouncer's rights and duties (Điều 9) and the secrecy
    of their identity. Takes no Reporter: the tokens stand for them."""
    deadline = resolution(case)
    accepted = format_day(deadline.start_on) if deadline else "…"
    due = format_day(deadline.due_on) if deadline else "…"
    org = case.org.name
    body = [
        Para(f"Ngày {format_day(case.received_on)}, {org} nhận được đơn tố cáo của ông/bà "
             f"{NAME_TOKEN}, địa chỉ: {ADDRESS_TOKEN}, về việc: {case.title}."),
        Para(f"Căn cứ Điều 29 Luật Tố cáo năm 2018, {org} thông báo: ngày {accepted}, {org} "
             f"đã thụ lý tố cáo (mã số {case.code}) để giải quyết theo quy định của pháp luật."),
        Para(f"Thời hạn giải quyết tố cáo: đến hết ngày {due} (Điều 30 Luật Tố cáo năm 2018; "
             f"trường hợp gia hạn, {org} sẽ thông báo bằng văn bản)."),
        Para("Người tố cáo có các quyền quy định tại khoản 1 Điều 9 Luật Tố cáo năm 2018: "
             "được bảo đảm bí mật họ tên, địa chỉ, bút tích và thông tin cá nhân khác; được "
             "thông báo về việc thụ lý, gia hạn, đình chỉ, tạm đình chỉ, tiếp tục giải quyết "
             "tố cáo và kết luận nội dung tố cáo; tố cáo tiếp khi có căn cứ cho rằng việc giải "
             "quyết tố cáo không đúng pháp luật hoặc quá thời hạn quy định mà tố cáo chưa được "
             "giải quyết; rút tố cáo; đề nghị áp dụng các biện pháp bảo vệ người tố cáo; được "
             "khen thưởng, bồi thường thiệt hại theo quy định của pháp luật."),
        Para("Người tố cáo có các nghĩa vụ quy định tại khoản 2 Điều 9 Luật Tố cáo năm 2018: "
             "trình bày trung thực về nội dung tố cáo; cung cấp thông tin, tài liệu liên quan "
             "đến nội dung tố cáo mà mình có được; chịu trách nhiệm trước pháp luật về nội "
             "dung tố cáo; hợp tác với người giải quyết tố cáo khi có yêu cầu; bồi thường "
             "thiệt hại do hành vi cố ý tố cáo sai sự thật của mình gây ra."),
        Para(f"Họ tên, địa chỉ, bút tích và thông tin cá nhân khác của người tố cáo được {org} "
             f"giữ bí mật theo quy định của Luật Tố cáo năm 2018."),
    ]
    return _base(case, type_code="TB", type_name="Thông báo",
                 summary="Về việc thụ lý tố cáo", addressees=[f"Ông/Bà {NAME_TOKEN}"],
                 body=body, recipients=("Như trên",))


@template("letter_denouncer_notice", "Thông báo thụ lý tố cáo", "Notice of acceptance to the "
          "denouncer", "TB", families={"letter"}, states=AFTER_ACCEPT, to_reporter=True,
          tokens=True,
          condition=lambda case: case.kind == "denunciation" and not case.is_anonymous)
def denouncer_notice_template(case, actor) -> Document:
    return denouncer_notice(case)


# The notices to any other sender whose identity is sealed (one who asked for confidentiality,
# or a letter not yet classified), by the same mechanism: the builders above write the tokens
# where they would write the sender, and the issued PDF is sealed.
SEALED_STAND_IN = Reporter(name=NAME_TOKEN, address=ADDRESS_TOKEN)


def _sealed_sender(case) -> bool:
    """A named sender whose identity is sealed, on a letter that is not a denunciation (its
    denouncer has the notice above)."""
    return not case.is_anonymous and is_sealed(case) and case.kind != "denunciation"


def _sealed(slug: str, type_code: str | None, title_vi: str, title_en: str) -> None:
    spec = DOCUMENTS[slug]

    def build_sealed(case, actor) -> Document:
        doc = build(slug, case, SEALED_STAND_IN)
        doc.type_code, doc.unit_short = type_code, case.org.short_name
        return doc

    template(f"letter_sealed_{slug}", title_vi, title_en, type_code, families={"letter"},
             states=spec.states or None, to_reporter=True, tokens=True,
             condition=lambda case: spec.applies(case) and _sealed_sender(case))(build_sealed)


_sealed("acceptance", "TB", "Thông báo thụ lý đơn (người gửi được giữ bí mật)",
        "Notice of acceptance (confidential sender)")
_sealed("guidance", None, "Văn bản hướng dẫn người gửi đơn (người gửi được giữ bí mật)",
        "Guidance to the sender (confidential sender)")
_sealed("refusal", "TB", "Thông báo không thụ lý đơn (người gửi được giữ bí mật)",
        "Notice of non-acceptance (confidential sender)")


# --- the reminder to the body a letter was forwarded to (Công văn đôn đốc) ------------------
# Drafted from the case when the body has not answered; like the forwarding slip of a
# denunciation it takes no Reporter at all, so no sender can reach it.

from app.documents import queries as document_queries  # noqa: E402
from workflows.letter import FORWARD_PENDING  # noqa: E402


def forward_reminder(case) -> Document:
    """Công văn đôn đốc: the body the letter went to is asked to answer within the reply
    period of the rule table; past it, the union takes the letter to that body's superior."""
    org, body_name = case.org.name, case.letter.competent_body or "cơ quan có thẩm quyền"
    slip = document_queries.latest_issued([case.id], "letter_forward")
    reference = (f"Phiếu chuyển đơn số {slip.number:02d}/PC-{slip.org.short_name} ngày "
                 f"{format_day(slip.issued_on)}" if slip and slip.number else
                 f"Ngày {format_day(case.letter.forwarded_on or case.received_on)}")
    days = deadline_queries.rule("forward.reply").days
    body = [
        Para(f"{reference}, {org} đã chuyển đến {body_name} {_letter_words(case)} về việc: "
             f"{case.title} (mã số {case.code}) để xem xét, giải quyết theo thẩm quyền và "
             f"thông báo kết quả cho {org} biết."),
        Para(f"Đến nay, {org} chưa nhận được văn bản trả lời của {body_name}."),
        Para(f"Đề nghị {body_name} khẩn trương xem xét, giải quyết và thông báo kết quả bằng "
             f"văn bản cho {org} trong thời hạn {days} ngày kể từ ngày nhận được văn bản này. "
             f"Quá thời hạn trên, {org} sẽ kiến nghị cơ quan cấp trên của {body_name} xem xét, "
             "chỉ đạo giải quyết theo quy định."),
        Para("Trân trọng./."),
    ]
    return _base(case, type_code=None, type_name=None,
                 summary=f"V/v đôn đốc giải quyết {_letter_words(case)} đã chuyển",
                 addressees=[body_name], body=body, recipients=("Như trên", "Lưu hồ sơ"))


@template("letter_forward_reminder", "Công văn đôn đốc giải quyết đơn đã chuyển",
          "Reminder about a forwarded letter", None, families={"letter"},
          states=("forwarded", "forward_overdue"),
          condition=lambda case: case.letter is not None and case.letter.forwarded_on
          is not None and case.state in FORWARD_PENDING)
def forward_reminder_template(case, actor) -> Document:
    return forward_reminder(case)
