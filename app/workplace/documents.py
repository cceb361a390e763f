"""The workplace documents (in the Nghị định 30 layout): the invitation to a dialogue with its
content, the minutes signed by both sides, the notice of its result to the workers, and the
yearly summary of dialogue and democracy at an employer. Registered with app.documents when
the feature is installed (app.workplace.register).

The dialogue's documents are issued by the case's union unit and numbered in its register like
the others; the yearly summary is a document of the unit on no case (unit_template), its
figures frozen in the draft (draft_summary), as the periodic report is.

They cite Bộ luật Lao động 2019 Điều 63–64 and Nghị định 145/2020/NĐ-CP in their text: a
dialogue has no kind of work in app.documents' table of legal bases."""
from __future__ import annotations

from datetime import date

import sqlalchemy as sa
from flask_babel import gettext as _

from app.core.calendar import local_today
from app.core.errors import Invalid
from app.core.pdf.layout import Document, Heading, Para, Signature, Table
from app.core.text import lines
from app.documents import queries as document_queries
from app.documents import services as document_services
from app.documents.services import (
    dmy,
    governing_body,
    letterhead,
    org_header,
    standing_committee,
    superior_recipient,
    template,
    unit_template,
)
from app.extensions import db
from app.workplace import queries, rules
from app.workplace.models import DialogueItem, Employer
from workflows.vocab import (
    DIALOGUE,
    DIALOGUE_EVENTS,
    DIALOGUE_SIDES,
    EMPLOYER_KINDS,
    ITEM_SOURCES,
)

LABOUR_CODE = "Bộ luật Lao động năm 2019"
DECREE_145 = "Nghị định số 145/2020/NĐ-CP ngày 14/12/2020 của Chính phủ"
#: The article of the Labour Code each kind of dialogue rests on.
KIND_BASES = {
    "periodic": f"Điều 63 khoản 2 điểm a {LABOUR_CODE}",
    "on_request": f"Điều 63 khoản 2 điểm b {LABOUR_CODE}",
    "on_event": f"Điều 63 khoản 2 điểm c {LABOUR_CODE}",
}
#: The signature titles of the minutes, broken where the employer's would wrap in its half of
#: the page, so that both sides' lines stand level.
WORKERS_SIDE = "ĐẠI DIỆN BÊN\nNGƯỜI LAO ĐỘNG"
EMPLOYER_SIDE = "ĐẠI DIỆN BÊN\nNGƯỜI SỬ DỤNG LAO ĐỘNG"
CLOSING = ("Biên bản được lập thành 02 bản có giá trị như nhau, mỗi bên giữ 01 bản; đã được đọc "
           "lại cho những người tham dự cùng nghe, nhất trí thông qua và ký tên./.")


def _lower_first(text: str) -> str:
    return text[:1].lower() + text[1:]


def _upper_first(text: str) -> str:
    return text[:1].upper() + text[1:]


def _side(side: str | None) -> str:
    """"bên người lao động (tổ chức đại diện người lao động)", "bên người sử dụng lao động"."""
    return _lower_first(DIALOGUE_SIDES[side].vi) if side in DIALOGUE_SIDES else "…"


def _event(record) -> str:
    """The event of Điều 63(2)(c) as its label reads, e.g. "thang lương, bảng lương, định mức
    lao động (Điều 93)"."""
    return _lower_first(DIALOGUE_EVENTS[record.event].vi) if record.event in DIALOGUE_EVENTS \
        else "…"


def _record(case):
    record = queries.record_of(case)
    if record is None:
        raise Invalid(_("This dialogue has no employer; open it from the employer's page."))
    return record


def _matter(case, record) -> str:
    """"đối thoại định kỳ năm 2026 tại Công ty …", "đối thoại theo yêu cầu của bên người lao
    động tại …", "đối thoại về nội quy lao động tại …"."""
    employer = record.employer.name
    if case.kind == "on_request":
        side = _side(record.requested_by).split(" (")[0]
        return f"đối thoại theo yêu cầu của {side} tại {employer}"
    if case.kind == "on_event":
        event = _event(record).split(" (")[0]
        return f"đối thoại về {event} tại {employer}"
    year = (record.held_on or record.scheduled_on).year
    return f"đối thoại định kỳ năm {year} tại {employer}"


def _kind_sentence(case, record) -> str:
    """Why the dialogue is held, with the article it rests on."""
    if case.kind == "on_request":
        asked = f" ngày {dmy(record.requested_on)}" if record.requested_on else ""
        return (f"Đối thoại theo yêu cầu của {_side(record.requested_by)}, yêu cầu{asked} "
                f"({KIND_BASES['on_request']}).")
    if case.kind == "on_event":
        return (f"Đối thoại khi có vụ việc: {_event(record)} "
                f"({KIND_BASES['on_event']}).")
    return f"Đối thoại định kỳ tại nơi làm việc ({KIND_BASES['periodic']})."


def _representative(employer: Employer) -> str:
    if employer.representative:
        return (f"Ông/Bà {employer.representative}, người đại diện theo pháp luật của "
                f"{employer.name}")
    return f"Người đại diện theo pháp luật của {employer.name}"


def _source(item: DialogueItem) -> str:
    return ITEM_SOURCES[item.source].vi if item.source in ITEM_SOURCES else ""


#: Where an item comes from, as the minutes say it after the item.
SOURCE_PHRASES = {"mandatory": f"nội dung bắt buộc theo Điều 64 {LABOUR_CODE}",
                  "workers": "kiến nghị của người lao động",
                  "employer": "nội dung của người sử dụng lao động"}


def _sentence(text: str) -> str:
    """`text` ending with a full stop (a note typed without one)."""
    text = text.strip()
    return text if text.endswith((".", "!", "?", "…")) else f"{text}."


def _items_table(items) -> Table:
    rows = [["STT", "Nội dung đối thoại", "Nguồn nội dung"]]
    rows += [[str(i), item.text, _source(item)] for i, item in enumerate(items, start=1)]
    return Table(rows, col_widths=[1, 7, 5], col_align=["center", "left", "left"])


@template("wp_invitation", "Giấy mời đối thoại", "Invitation to a dialogue", "GM", {DIALOGUE},
          {"scheduled", "agenda_sent"}, to_subject=True)
def build_invitation(case, actor) -> Document:
    """The union unit invites the employer to the dialogue and sends its content ahead."""
    record = _record(case)
    employer = record.employer
    items = queries.items_of(case)
    body = [
        Para(f"Thực hiện quy định tại Điều 63, Điều 64 {LABOUR_CODE} và {DECREE_145} quy định "
             "chi tiết và hướng dẫn thi hành một số điều của Bộ luật Lao động về điều kiện lao "
             f"động và quan hệ lao động, {case.org.name} trân trọng kính mời: "
             f"{_representative(employer)} và những người tham gia đối thoại của bên người sử "
             f"dụng lao động dự {_matter(case, record)}."),
        Para(f"1. Hình thức: {_kind_sentence(case, record)}"),
        Para(f"2. Thời gian: … giờ …, ngày {dmy(record.scheduled_on)}."),
        Para(f"3. Địa điểm: {record.place or '…'}."),
        Para("4. Nội dung đối thoại:"),
        _items_table(items),
        Para(f"Đề nghị {employer.name} nghiên cứu, chuẩn bị ý kiến đối với các nội dung trên, "
             "bố trí thành phần tham gia đối thoại của bên người sử dụng lao động (ít nhất 03 "
             "người, trong đó có người đại diện theo pháp luật) và phản hồi về "
             f"{case.org.name} trước ngày đối thoại."),
        Para("Rất mong được đón tiếp./."),
    ]
    return Document(
        **letterhead(case, "GM"), summary=f"Về việc tổ chức {_matter(case, record)}",
        body=body, signature=standing_committee(case),
        recipients=["Như trên", *superior_recipient(case)], filing="VT")


def _people_table(people) -> Table | Para:
    if not people:
        return Para("- Không có.")
    rows = [["STT", "Họ và tên", "Chức vụ"]]
    rows += [[str(i), p.name, p.position or ""] for i, p in enumerate(people, start=1)]
    return Table(rows, col_widths=[1, 6, 7], col_align=["center", "left", "left"])


def _outcome_paras(item: DialogueItem) -> list[Para]:
    if item.outcome == "agreed":
        out = [Para("- Kết quả: Hai bên đã thống nhất.")]
        if item.outcome_note:
            out.append(Para(f"- Nội dung thống nhất: {_sentence(item.outcome_note)}"))
        if item.due_on:
            out.append(Para(f"- Thời hạn thực hiện: trước ngày {dmy(item.due_on)}."))
        return out
    out = [Para("- Kết quả: Hai bên chưa thống nhất.")]
    if item.outcome_note:
        out.append(Para(f"- Ý kiến của các bên: {_sentence(item.outcome_note)}"))
    return out


def _signers(people, side: str, title: str) -> list[Signature]:
    return [Signature(signer_title=f"{title}\n{p.position}" if p.position else title,
                      signer_name=p.name)
            for p in people if p.side == side and p.signs]


def _both_sides(workers: list[Signature], employer: list[Signature]) -> list[Signature]:
    """The workers' signatories on the left, the employer's on the right, row by row (an empty
    place where one side has fewer)."""
    blank = Signature(signer_title="", signer_name="")
    out: list[Signature] = []
    for i in range(max(len(workers), len(employer))):
        out += [workers[i] if i < len(workers) else blank,
                employer[i] if i < len(employer) else blank]
    return out


@template("wp_minutes", "Biên bản đối thoại", "Minutes of the dialogue", "BB", {DIALOGUE},
          {"held", "minuted", "following_up", "closed"}, to_subject=True)
def build_minutes(case, actor) -> Document:
    """What each item came to, signed by those who sign for each side."""
    record = _record(case)
    problem = rules.minutes_problem(case)
    if problem:
        raise Invalid(problem)
    employer = record.employer
    items = queries.items_of(case)
    people = queries.participants_of(case)
    workers_side = [p for p in people if p.side == "workers"]
    employer_side = [p for p in people if p.side == "employer"]
    agreed = [i for i in items if i.outcome == "agreed"]
    place = record.place or f"trụ sở {employer.name}"
    body: list = [
        Para(f"Hôm nay, ngày {dmy(record.held_on)}, tại {place}, {case.org.name} (tổ chức "
             f"đại diện người lao động) và {employer.name} (người sử dụng lao động) tổ chức "
             f"{_matter(case, record)}, theo quy định tại Điều 63, Điều 64 {LABOUR_CODE} và "
             f"{DECREE_145}."),
        Para(f"Hình thức: {_kind_sentence(case, record)}"),
        Heading("I. THÀNH PHẦN THAM DỰ"),
        Para(f"1. Đại diện bên người lao động ({len(workers_side)} người):"),
        _people_table(workers_side),
        Para(f"2. Đại diện bên người sử dụng lao động ({len(employer_side)} người):"),
        _people_table(employer_side),
    ]
    if record.workers is not None:
        body.append(Para(f"Số người lao động tại nơi làm việc: {record.workers} người."))
    body.append(Heading("II. NỘI DUNG VÀ KẾT QUẢ ĐỐI THOẠI"))
    for i, item in enumerate(items, start=1):
        source = SOURCE_PHRASES.get(item.source)
        body.append(Para(f"{i}. {item.text}" + (f" ({source})." if source else ".")))
        body += _outcome_paras(item)
    body += [
        Heading("III. KẾT LUẬN"),
        Para(f"Hai bên đã thống nhất {len(agreed)}/{len(items)} nội dung; "
             f"{len(items) - len(agreed)} nội dung chưa thống nhất. Người sử dụng lao động và "
             f"{case.org.name} tổ chức thực hiện các nội dung đã thống nhất và phổ biến kết quả "
             "đối thoại tới người lao động; các nội dung chưa thống nhất được tiếp tục trao "
             "đổi, giải quyết theo quy định của pháp luật."),
        Para(CLOSING),
    ]
    return Document(
        **letterhead(case, "BB"), summary=_upper_first(_matter(case, record)),
        body=body, signature=None,
        cosigners=_both_sides(_signers(people, "workers", WORKERS_SIDE),
                              _signers(people, "employer", EMPLOYER_SIDE)))


def _minutes_reference(case) -> str:
    """"Biên bản đối thoại số 05/BB-CĐCS ngày 12/03/2026" once issued, else "Biên bản đối
    thoại"."""
    doc = document_queries.latest_issued([case.id], "wp_minutes")
    if doc is None:
        return "Biên bản đối thoại"
    return (f"Biên bản đối thoại số {document_services.number_label(doc)} ngày "
            f"{dmy(doc.issued_on)}")


@template("wp_result_notice", "Thông báo kết quả đối thoại", "Notice of the dialogue's result",
          "TB", {DIALOGUE}, {"minuted", "following_up", "closed"})
def build_result_notice(case, actor) -> Document:
    """The union tells the workers what was agreed (who does what, by when) and what was not."""
    record = _record(case)
    employer = record.employer
    items = queries.items_of(case)
    agreed = [i for i in items if i.outcome == "agreed"]
    not_agreed = [i for i in items if i.outcome == "not_agreed"]
    body: list = [
        Para(f"Ngày {dmy(record.held_on)}, tại {record.place or 'trụ sở ' + employer.name}, "
             f"{case.org.name} và {employer.name} đã tổ chức {_matter(case, record)}. "
             f"{_minutes_reference(case)} đã được đại diện hai bên ký. {case.org.name} thông "
             "báo tới người lao động kết quả đối thoại như sau:"),
        Heading("I. CÁC NỘI DUNG ĐÃ THỐNG NHẤT"),
    ]
    if agreed:
        rows = [["STT", "Nội dung", "Nội dung thống nhất, người thực hiện", "Thời hạn"]]
        rows += [[str(i), item.text, item.outcome_note or "", dmy(item.due_on)
                  if item.due_on else ""] for i, item in enumerate(agreed, start=1)]
        body.append(Table(rows, col_widths=[1, 5, 7, 3],
                          col_align=["center", "left", "left", "center"]))
    else:
        body.append(Para("Không có nội dung đã thống nhất."))
    body.append(Heading("II. CÁC NỘI DUNG CHƯA THỐNG NHẤT"))
    if not_agreed:
        body += [Para(_sentence(f"{i}. {item.text}" + (f": {item.outcome_note}"
                                                        if item.outcome_note else "")))
                 for i, item in enumerate(not_agreed, start=1)]
        body.append(Para(f"Đối với các nội dung chưa thống nhất, {case.org.name} tiếp tục đề "
                         f"nghị {employer.name} trao đổi, giải quyết và giám sát việc thực "
                         "hiện theo quy định của pháp luật."))
    else:
        body.append(Para("Không có nội dung chưa thống nhất."))
    body += [
        Heading("III. TỔ CHỨC THỰC HIỆN"),
        Para(f"{case.org.name} theo dõi, giám sát việc thực hiện các nội dung đã thống nhất và "
             "thông báo kết quả tới người lao động. Ý kiến, kiến nghị của người lao động về "
             f"kết quả đối thoại xin gửi về {case.org.name}./."),
    ]
    return Document(
        **letterhead(case, "TB"), summary=f"Kết quả {_matter(case, record)}",
        addressees=[f"Người lao động tại {employer.name}"], body=body,
        signature=standing_committee(case),
        recipients=["Người lao động (niêm yết tại nơi làm việc)",
                    f"{employer.name} (để phối hợp thực hiện)", *superior_recipient(case)],
        filing="VT")


# --------------------------------------------------------------------------- yearly summary
SUMMARY = "wp_summary"
SUMMARY_TITLE = "Tổng hợp đối thoại và thực hiện dân chủ năm {year} tại {employer}"
KIND_NAMES = {"periodic": "Định kỳ", "on_request": "Theo yêu cầu", "on_event": "Khi có vụ việc"}
#: States of a dialogue that was never held.
NOT_HELD = ("scheduled", "agenda_sent", "cancelled")


def _year_dialogues(employer: Employer, year: int) -> list[dict]:
    """The dialogues held in `year`, and those scheduled in it not yet held (not cancelled),
    with their items' outcomes and follow-up, oldest first."""
    rows = [(case, rec) for case, rec in queries.dialogues_of_employer(employer)
            if (rec.held_on or rec.scheduled_on).year == year
            and not (rec.held_on is None and case.state == "cancelled")]
    items: dict[int, list[DialogueItem]] = {}
    if rows:
        for item in db.session.scalars(sa.select(DialogueItem).where(
                DialogueItem.case_id.in_([case.id for case, _rec in rows]))
                .order_by(DialogueItem.position, DialogueItem.id)):
            items.setdefault(item.case_id, []).append(item)
    out = []
    for case, rec in sorted(rows, key=lambda r: (r[1].held_on or r[1].scheduled_on, r[0].id)):
        mine = items.get(case.id, [])
        agreed = [i for i in mine if i.outcome == "agreed"]
        out.append({
            "code": case.code, "kind": case.kind, "held_on": rec.held_on.isoformat()
            if rec.held_on else None, "scheduled_on": rec.scheduled_on.isoformat(),
            "event": rec.event, "requested_by": rec.requested_by,
            "items": len(mine), "agreed": len(agreed),
            "not_agreed": sum(1 for i in mine if i.outcome == "not_agreed"),
            "done": sum(1 for i in agreed if i.status == "done"),
            "not_done": sum(1 for i in agreed if i.status == "not_done"),
            "not_agreed_items": [i.text for i in mine if i.outcome == "not_agreed"],
            "not_done_items": [i.text for i in agreed if i.status == "not_done"],
        })
    return out


def summary_content(employer: Employer, year: int, today: date | None = None) -> dict:
    """What the yearly summary of `employer` says of `year`, frozen in the draft (JSON)."""
    today = today or local_today()
    end = min(date(year, 12, 31), today)
    conferences = [c for c in queries.conferences_of(employer) if c.held_on.year == year]
    regulations = queries.regulations_of(employer)
    in_year = [r for r in regulations if r.issued_on.year == year]
    in_force = next((r for r in regulations if r.issued_on <= end), None)
    board = next((b for b in queries.boards_of(employer) if b.elected_on <= end), None)
    workers = employer.workers_on(end)
    org = employer.org
    return {
        "year": year,
        "employer": {"name": employer.name, "kind": employer.kind,
                     "tax_code": employer.tax_code or "", "address": employer.address,
                     "representative": employer.representative, "workers": workers},
        "dialogues": _year_dialogues(employer, year),
        "conferences": [{"held_on": c.held_on.isoformat(), "participants": c.participants,
                         "resolutions": c.resolutions}
                        for c in sorted(conferences, key=lambda c: c.held_on)],
        "regulations": [{"kind": r.kind, "issued_on": r.issued_on.isoformat(),
                         "reference": r.reference, "note": r.note}
                        for r in sorted(in_year, key=lambda r: r.issued_on)],
        "regulation_in_force": {"issued_on": in_force.issued_on.isoformat(),
                                "reference": in_force.reference} if in_force else None,
        "regulations_required": rules.needs_regulations(workers),
        "board_applies": employer.kind in rules.BOARD_KINDS,
        "board": {"elected_on": board.elected_on.isoformat(), "members": board.members,
                  "reports": [{"reported_on": r.reported_on.isoformat(), "content": r.content}
                              for r in sorted(board.reports, key=lambda r: r.reported_on)
                              if r.reported_on.year == year]} if board else None,
        "type_name": "Báo cáo",
        "addressees": [org.parent.name] if org.parent else [],
        "recipients": ["Như trên", employer.name],
        "filing": "VT",
        "signature": {"authority": f"TM. {governing_body(org).upper()}", "capacity": "",
                      "signer_title": "CHỦ TỊCH"},
    }


def _dialogue_kind(d: dict) -> str:
    name = KIND_NAMES.get(d["kind"], "")
    if d["kind"] == "on_event" and d.get("event") in DIALOGUE_EVENTS:
        name += f": {_lower_first(DIALOGUE_EVENTS[d['event']].vi.split(' (')[0])}"
    if d["kind"] == "on_request" and d.get("requested_by") in DIALOGUE_SIDES:
        name += f" của {_side(d['requested_by']).split(' (')[0]}"
    return name


def _dialogue_section(c: dict, year: int, employer: str) -> list:
    dialogues = c["dialogues"]
    held = [d for d in dialogues if d["held_on"]]
    out: list = [Heading("I. ĐỐI THOẠI TẠI NƠI LÀM VIỆC")]
    if not dialogues:
        return out + [Para(f"Trong năm {year}, {employer} chưa tổ chức đối thoại tại nơi làm "
                           "việc.")]
    rows = [["STT", "Hình thức", "Ngày đối thoại", "Đã thống nhất", "Chưa thống nhất",
             "Đã thực hiện", "Chưa thực hiện"]]
    for i, d in enumerate(dialogues, start=1):
        when = dmy(d["held_on"]) if d["held_on"] else f"Dự kiến {dmy(d['scheduled_on'])}"
        rows.append([str(i), _dialogue_kind(d), when, str(d["agreed"]), str(d["not_agreed"]),
                     str(d["done"]), str(d["not_done"])])
    rows.append(["", "Tổng cộng", f"{len(held)} cuộc",
                 *[str(sum(d[k] for d in dialogues))
                   for k in ("agreed", "not_agreed", "done", "not_done")]])
    out.append(Table(rows, col_widths=[1.3, 4.6, 3.2, 2.4, 2.4, 2.4, 2.4],
                     col_align=["center", "left", "center", "center", "center", "center",
                                "center"], font_size=11))
    periodic = [d for d in held if d["kind"] == "periodic"]
    out.append(Para(f"Trong năm {year}, {employer} đã tổ chức {len(held)} cuộc đối thoại tại "
                    f"nơi làm việc, trong đó {len(periodic)} cuộc đối thoại định kỳ"
                    + ("." if periodic else f"; chưa tổ chức đối thoại định kỳ theo "
                       f"{KIND_BASES['periodic']} (ít nhất 01 lần trong năm).")))
    pending = sum(d["agreed"] - d["done"] - d["not_done"] for d in held)
    if pending:
        out.append(Para(f"Có {pending} nội dung đã thống nhất đang được theo dõi thực hiện."))
    not_agreed = [(d, t) for d in held for t in d["not_agreed_items"]]
    if not_agreed:
        out.append(Para("Các nội dung chưa thống nhất:"))
        out += [Para(f"- {t} (đối thoại ngày {dmy(d['held_on'])}).") for d, t in not_agreed]
    not_done = [(d, t) for d in held for t in d["not_done_items"]]
    if not_done:
        out.append(Para("Các nội dung đã thống nhất nhưng chưa được thực hiện:"))
        out += [Para(f"- {t} (đối thoại ngày {dmy(d['held_on'])}).") for d, t in not_done]
    return out


def _conference_section(c: dict, year: int, employer: str) -> list:
    out: list = [Heading("II. HỘI NGHỊ NGƯỜI LAO ĐỘNG")]
    if not c["conferences"]:
        return out + [Para(f"Trong năm {year}, {employer} chưa tổ chức hội nghị người lao "
                           "động.")]
    for conf in c["conferences"]:
        out.append(Para(f"- Hội nghị người lao động tổ chức ngày {dmy(conf['held_on'])}, có "
                        f"{conf['participants']} người tham dự."))
        out += [Para(f"+ {line}") for line in lines(conf["resolutions"])]
    return out


def _regulation_section(c: dict, year: int, employer: str) -> list:
    out: list = [Heading("III. QUY CHẾ DÂN CHỦ Ở CƠ SỞ TẠI NƠI LÀM VIỆC")]
    for r in c["regulations"]:
        verb = "Ban hành" if r["kind"] == "issued" else "Sửa đổi, bổ sung"
        note = f"; {r['note']}" if r["note"] else ""
        out.append(Para(f"- {verb} ngày {dmy(r['issued_on'])} theo văn bản số "
                        f"{r['reference']}{note}."))
    if not c["regulations"]:
        force = c["regulation_in_force"]
        if force:
            out.append(Para(f"Trong năm {year} không ban hành mới hay sửa đổi; quy chế đang áp "
                            f"dụng theo văn bản số {force['reference']} ngày "
                            f"{dmy(force['issued_on'])}."))
        elif c["regulations_required"]:
            out.append(Para(f"{employer} chưa ban hành quy chế dân chủ ở cơ sở tại nơi làm "
                            "việc."))
        else:
            out.append(Para(f"{employer} chưa ban hành quy chế dân chủ ở cơ sở tại nơi làm "
                            f"việc (sử dụng dưới {rules.REGULATION_THRESHOLD} người lao "
                            "động)."))
    return out


def _board_section(c: dict, year: int, employer: str) -> list:
    board = c["board"]
    if board is None and not c["board_applies"]:
        return []
    out: list = [Heading("IV. BAN THANH TRA NHÂN DÂN")]
    if board is None:
        return out + [Para(f"{employer} chưa có Ban thanh tra nhân dân.")]
    members = lines(board["members"])
    out.append(Para(f"Ban thanh tra nhân dân được bầu ngày {dmy(board['elected_on'])}, gồm "
                    f"{len(members)} thành viên: {', '.join(members)}."))
    if board["reports"]:
        out.append(Para(f"Trong năm {year}, Ban đã báo cáo:"))
        out += [Para(f"- Ngày {dmy(r['reported_on'])}: {r['content']}")
                for r in board["reports"]]
    else:
        out.append(Para(f"Trong năm {year}, Ban chưa có báo cáo."))
    return out


@unit_template(SUMMARY, "Báo cáo tổng hợp đối thoại và thực hiện dân chủ",
               "Yearly summary of dialogue and democracy at an employer", "BC")
def draw_summary(doc) -> Document:
    """The yearly summary laid out from what the draft `doc` froze."""
    c = doc.content
    year, e = c["year"], c["employer"]
    name = e["name"]
    kind = EMPLOYER_KINDS[e["kind"]].vi if e["kind"] in EMPLOYER_KINDS else ""
    facts = [f for f in (kind, f"mã số thuế {e['tax_code']}" if e["tax_code"] else "",
                         f"địa chỉ: {e['address']}" if e["address"] else "",
                         f"số người lao động: {e['workers']}" if e["workers"] is not None
                         else "") if f]
    body: list = [
        Para(f"{doc.org.name} báo cáo kết quả tổ chức đối thoại tại nơi làm việc (Điều 63, Điều "
             f"64 {LABOUR_CODE}; {DECREE_145}) và thực hiện dân chủ ở cơ sở tại nơi làm việc "
             f"năm {year} tại {name}" + (f" ({'; '.join(facts)})" if facts else "")
             + " như sau:"),
        *_dialogue_section(c, year, name),
        *_conference_section(c, year, name),
        *_regulation_section(c, year, name),
        *_board_section(c, year, name),
        Para(f"Trên đây là báo cáo tổng hợp đối thoại và thực hiện dân chủ năm {year} tại "
             f"{name} của {doc.org.name}./."),
    ]
    sig = c.get("signature") or {}
    return Document(
        **org_header(doc.org), number=None, year=year, type_code="BC", date=None,
        type_name=c.get("type_name") or "Báo cáo", summary=doc.summary,
        addressees=list(c.get("addressees") or []), body=body,
        recipients=list(c.get("recipients") or []), filing=c.get("filing", "VT"), draft=True,
        signature=Signature(authority=sig.get("authority", ""),
                            signer_title=sig.get("signer_title", ""), signer_name=""))


def draft_summary(employer: Employer, actor, year: int, today: date | None = None):
    """A draft of the yearly summary of `employer` for `year`, issued by the union that covers
    it: its figures frozen as they are now, approved and numbered like any other document."""
    today = today or local_today()
    if year < employer.covered_since.year or year > today.year:
        raise Invalid(_("Choose a year from %(first)d to %(last)d.",
                        first=employer.covered_since.year, last=today.year), field="year")
    return document_services.draft_unit_document(
        employer.org, actor, SUMMARY,
        summary=SUMMARY_TITLE.format(year=year, employer=employer.name),
        content=summary_content(employer, year, today),
        period_start=date(year, 1, 1), period_end=date(year, 12, 31))
