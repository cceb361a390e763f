"""The decisions of a denunciation or a complaint the union resolves itself, in the Nghị định 30
layout: each is the document a workflow step rests on (workflows/letter.py ``documents``).

- Quyết định thụ lý tố cáo (step "accept"; Luật Tố cáo 2018 Điều 29: the decision states the
  day, its basis, the content accepted and the resolution deadline);
- Quyết định gia hạn giải quyết tố cáo (step "extend"; Điều 30: a written decision per
  extension);
- Kết luận nội dung tố cáo (step "record_result"; Điều 35);
- Quyết định giải quyết khiếu nại lần đầu / lần hai (step "record_result"; Luật Khiếu nại 2011
  Điều 31 and Điều 40).

None of the denunciation's documents can reach the denouncer's identity: their builders are
registered ``to_subject`` (app.documents checks that they never reveal it). A complaint's decision
names the complainant unless their identity is sealed (then "người khiếu nại").

Figures come from the case's deadline record (app.deadlines) once it exists, else from the rule
table with the admin's overrides: never a number written here.
"""
from __future__ import annotations

from datetime import date

from app.core.pdf.layout import Document, Heading, Para
from app.deadlines import services as deadlines
from app.documents import queries as documents_queries
from app.documents.services import (
    dmy,
    enacting_authority,
    legal_bases,
    letterhead,
    number_label,
    standing_committee,
    superior_recipient,
    template,
)
from app.identity.services import is_sealed, reveal
from app.letters.documents import AFTER_ACCEPT, resolution
from workflows.vocab import LETTER

ACCEPT_DECISION = "tc_accept_decision"
EXTENSION = "tc_extension"
CONCLUSION = "tc_conclusion"
COMPLAINT_FIRST = "kn_decision_first"
COMPLAINT_SECOND = "kn_decision_second"


# -- when each applies --------------------------------------------------------------------

def _denunciation(case) -> bool:
    return case.kind == "denunciation"


def _resolved_here(case) -> bool:
    """Accepted by the case's own unit (not forwarded): its result is the unit's decision."""
    return case.state in AFTER_ACCEPT


def _complaint_round(case, wanted: int) -> bool:
    letter = getattr(case, "letter", None)
    return (case.kind == "complaint" and _resolved_here(case)
            and (letter.complaint_round if letter else 1) == wanted)


# -- shared pieces ------------------------------------------------------------------------

def _denounced(case) -> str:
    return ", ".join(filter(None, (case.subject_name, case.subject_position,
                                   case.subject_unit))) or "người bị tố cáo"


def _rule(code: str):
    return deadlines.rule_table()[code]


def _deadline_sentence(case, code: str) -> str:
    """"30 ngày kể từ ngày thụ lý (hạn cuối: 30/01/2027)" from the record, or the rule's days."""
    row = resolution(case, open_only=False)
    if row is not None:
        total = row.days + sum(e["days"] for e in row.extensions)
        return (f"{total} ngày kể từ ngày thụ lý {dmy(row.start_on)} "
                f"(hạn cuối: ngày {dmy(row.due_on)})")
    return f"{_rule(code).days} ngày kể từ ngày ký Quyết định này"


def _decision_ref(case, code: str, words: str) -> str:
    """"Quyết định số 05/QĐ-LĐLĐ ngày 02/11/2026 về việc thụ lý tố cáo" once issued."""
    doc = documents_queries.latest_issued([case.id], code)
    if doc is None:
        return f"Quyết định {words}"
    return f"Quyết định số {number_label(doc)} ngày {dmy(doc.issued_on)} {words}"


def _received(case) -> str:
    return f"đơn tố cáo nhận ngày {dmy(case.received_on)} (mã số hồ sơ {case.code})"


def _recipients(case, *first: str) -> list[str]:
    return [*first, *superior_recipient(case)]


# -- denunciation ---------------------------------------------------------------------------

@template(ACCEPT_DECISION, "Quyết định thụ lý tố cáo", "Decision accepting a denunciation",
          "QĐ", {LETTER}, ("classified", *AFTER_ACCEPT), to_subject=True,
          condition=_denunciation)
def build_accept_decision(case, actor) -> Document:
    notify = _rule("denunciation.notify")
    body = [
        Heading("QUYẾT ĐỊNH:", center=True),
        Para(f"Thụ lý tố cáo đối với {_denounced(case)}, theo {_received(case)}.",
             lead="Điều 1."),
        Para(f"Nội dung tố cáo được thụ lý: {case.summary or case.title}", lead="Điều 2."),
        Para(f"Thời hạn giải quyết tố cáo là {_deadline_sentence(case, 'denunciation.resolve')}"
             "; được gia hạn theo Điều 30 Luật Tố cáo năm 2018 khi vụ việc phức tạp hoặc "
             "đặc biệt phức tạp.", lead="Điều 3."),
        Para(f"Trong thời hạn {notify.days:02d} ngày làm việc kể từ ngày ký Quyết định này, "
             "thông báo cho người tố cáo về việc thụ lý tố cáo và các quyền, nghĩa vụ của "
             "người tố cáo; thông báo cho người bị tố cáo về nội dung tố cáo (Điều 29 Luật "
             "Tố cáo năm 2018). Thông tin về người tố cáo được giữ bí mật.", lead="Điều 4."),
        Para(f"Quyết định có hiệu lực kể từ ngày ký. Văn phòng, các ban có liên quan của "
             f"{case.org.name} chịu trách nhiệm thi hành Quyết định này./.", lead="Điều 5."),
    ]
    return Document(
        **letterhead(case, "QĐ"), summary="Về việc thụ lý tố cáo",
        enacting_authority=enacting_authority(case),
        bases=[*legal_bases(case),
               f"Xét {_received(case)} và kết quả xử lý ban đầu thông tin tố cáo"],
        body=body, signature=standing_committee(case),
        recipients=_recipients(case, "Như Điều 5", "Người bị tố cáo"), filing="VT, hồ sơ")


def _extension_figures(case) -> tuple[int, int, date | None, date | None]:
    """(which extension, its days, the due date before it, after it) of the running deadline."""
    row = deadlines.extendable(case)
    if row is None:
        return 1, _rule("denunciation.resolve").extension_days, None, None
    days = row.rule_obj.extension_days
    return len(row.extensions) + 1, days, row.due_on, deadlines.due_if_extended(row, days)


@template(EXTENSION, "Quyết định gia hạn giải quyết tố cáo",
          "Decision extending the resolution of a denunciation", "QĐ", {LETTER},
          ("verifying",), to_subject=True, condition=_denunciation)
def build_extension(case, actor) -> Document:
    n, days, before, after = _extension_figures(case)
    letter = getattr(case, "letter", None)
    level = deadlines.COMPLEXITY_VI.get(letter.complexity if letter else "normal", "")
    until = f", đến hết ngày {dmy(after)}" if after else ""
    body = [
        Heading("QUYẾT ĐỊNH:", center=True),
        Para(f"Gia hạn giải quyết tố cáo đối với {_denounced(case)} (mã số hồ sơ {case.code}), "
             f"lần thứ {n}, thêm {days} ngày{until}. Lý do: vụ việc {level}, cần thêm thời "
             "gian xác minh.", lead="Điều 1."),
        Para("Thời hạn giải quyết trước khi gia hạn: "
             + (f"đến hết ngày {dmy(before)}." if before else "theo quyết định thụ lý."),
             lead="Điều 2."),
        Para("Thông báo việc gia hạn cho người tố cáo và người bị tố cáo (Điều 30 Luật Tố cáo "
             "năm 2018). Quyết định có hiệu lực kể từ ngày ký./.", lead="Điều 3."),
    ]
    return Document(
        **letterhead(case, "QĐ"), summary="Về việc gia hạn giải quyết tố cáo",
        enacting_authority=enacting_authority(case),
        bases=[*legal_bases(case),
               f"Căn cứ {_decision_ref(case, ACCEPT_DECISION, 'về việc thụ lý tố cáo')}"],
        body=body, signature=standing_committee(case),
        recipients=_recipients(case, "Như Điều 3", "Người bị tố cáo"), filing="VT, hồ sơ")


@template(CONCLUSION, "Kết luận nội dung tố cáo", "Conclusion on a denunciation", "KL",
          {LETTER}, ("verifying", "paused", "resolved", "closed"), to_subject=True,
          condition=lambda case: _denunciation(case) and _resolved_here(case))
def build_conclusion(case, actor) -> Document:
    accepted = _decision_ref(case, ACCEPT_DECISION, "về việc thụ lý tố cáo")
    body = [
        Para(f"Thực hiện {accepted}, {case.org.name} đã tiến hành xác minh nội dung tố cáo đối "
             f"với {_denounced(case)}. Thời hạn giải quyết: "
             f"{_deadline_sentence(case, 'denunciation.resolve')}."),
        Para("Căn cứ nội dung tố cáo, giải trình của người bị tố cáo, kết quả xác minh và các "
             "tài liệu, chứng cứ có liên quan, kết luận như sau:"),
        Heading("1. Nội dung tố cáo"), Para(case.summary or case.title),
        Heading("2. Kết quả xác minh nội dung tố cáo"), Para("…"),
        Heading("3. Căn cứ pháp luật để xác định có hay không có hành vi vi phạm"), Para("…"),
        Heading("4. Kết luận"), Para("Nội dung tố cáo là đúng / đúng một phần / sai: …"),
        Heading("5. Trách nhiệm và biện pháp xử lý theo thẩm quyền"), Para("…"),
        Heading("6. Kiến nghị"), Para("…"),
    ]
    return Document(
        **letterhead(case, "KL"), summary=f"Nội dung tố cáo đối với {_denounced(case)}",
        body=body, signature=standing_committee(case),
        recipients=_recipients(case, "Người bị tố cáo", "Cơ quan quản lý người bị tố cáo"),
        filing="VT, hồ sơ")


# -- complaint ------------------------------------------------------------------------------

def _complainant(case, actor) -> str:
    """"ông/bà Nguyễn Văn A" (the read is audited), or "người khiếu nại" when sealed."""
    if case.is_anonymous or is_sealed(case):
        return "người khiếu nại"
    reporter = reveal(case, actor, "document:complaint_decision")
    name = reporter.display_name if reporter else ""
    return f"ông/bà {name}" if name else "người khiếu nại"


def _complaint_decision(case, actor, second: bool) -> Document:
    who = _complainant(case, actor)
    code = "complaint.second.resolve" if second else "complaint.first.resolve"
    round_words = "lần hai" if second else "lần đầu"
    if second:
        parent = case.parent
        appeal = ("Quyết định này là quyết định giải quyết khiếu nại lần hai. Nếu không đồng ý, "
                  f"{who} có quyền khởi kiện vụ án hành chính tại Tòa án theo quy định của "
                  "pháp luật về tố tụng hành chính.")
        first = (f" đối với kết quả giải quyết lần đầu của {parent.org.name} (hồ sơ "
                 f"{parent.code})" if parent is not None else "")
    else:
        above = case.org.parent.name if case.org.parent else "cấp trên trực tiếp"
        appeal = (f"Nếu không đồng ý với Quyết định này, {who} có quyền khiếu nại lần hai đến "
                  f"{above} hoặc khởi kiện vụ án hành chính tại Tòa án theo quy định của pháp "
                  "luật.")
        first = ""
    body = [
        Para(f"Ngày {dmy(case.received_on)}, {case.org.name} nhận được đơn khiếu nại "
             f"{round_words} của {who}{first} (mã số hồ sơ {case.code}). Thời hạn giải "
             f"quyết: {_deadline_sentence(case, code)}."),
        Heading("I. NỘI DUNG KHIẾU NẠI"), Para(case.summary or case.title),
        Heading("II. KẾT QUẢ XÁC MINH"), Para("…"),
        Heading("III. KẾT LUẬN"), Para("…"),
        Heading("QUYẾT ĐỊNH:", center=True),
        Para("Công nhận / công nhận một phần / không công nhận nội dung khiếu nại: …",
             lead="Điều 1."),
        Para(appeal, lead="Điều 2."),
        Para(f"Quyết định có hiệu lực kể từ ngày ký. {who[:1].upper() + who[1:]} và các cơ "
             "quan, tổ chức, cá nhân có liên quan chịu trách nhiệm thi hành Quyết định này./.",
             lead="Điều 3."),
    ]
    return Document(
        **letterhead(case, "QĐ"), summary=f"Về việc giải quyết khiếu nại {round_words}",
        enacting_authority=enacting_authority(case),
        bases=[*legal_bases(case), f"Xét đơn khiếu nại {round_words} của {who}"],
        body=body, signature=standing_committee(case),
        recipients=_recipients(case, "Như Điều 3"), filing="VT, hồ sơ")


@template(COMPLAINT_FIRST, "Quyết định giải quyết khiếu nại lần đầu",
          "Decision on a first complaint", "QĐ", {LETTER},
          ("verifying", "paused", "resolved", "closed"), to_reporter=True,
          condition=lambda case: _complaint_round(case, 1))
def build_complaint_first(case, actor) -> Document:
    return _complaint_decision(case, actor, second=False)


@template(COMPLAINT_SECOND, "Quyết định giải quyết khiếu nại lần hai",
          "Decision on a second complaint", "QĐ", {LETTER},
          ("verifying", "paused", "resolved", "closed"), to_reporter=True,
          condition=lambda case: _complaint_round(case, 2))
def build_complaint_second(case, actor) -> Document:
    return _complaint_decision(case, actor, second=True)
