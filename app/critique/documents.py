"""The văn bản phản biện xã hội: a công văn to the drafting body (Nghị định 30/2020 layout).

Pure builders: plain data in, a layout Document or PDF bytes out; nothing is written.
Before approval the document is a draft (watermarked, no number or date).
"""
from __future__ import annotations

from app.critique.rules import consultations_of, critique_of, meetings_of, points_of
from app.documents.layout import Document, Para, Signature, build_pdf

MEETING_NAMES = {"conference": "hội nghị phản biện xã hội", "dialogue": "đối thoại trực tiếp"}


def _opening(case, drafting_body: str, invitees: int, meetings) -> str:
    sources = []
    if invitees:
        sources.append(f"ý kiến góp ý của {invitees} cơ quan, đơn vị, chuyên gia")
    for m in meetings:
        sources.append(f"kết quả {MEETING_NAMES[m.kind]} ngày {m.held_on:%d/%m/%Y}")
    basis = f" Trên cơ sở {', '.join(sources)}," if sources else " Sau khi nghiên cứu,"
    return (f"Ngày {case.received_on:%d/%m/%Y}, {case.org.name} nhận được dự thảo "
            f"{case.title} do {drafting_body} gửi lấy ý kiến phản biện xã hội."
            f"{basis} {case.org.name} có ý kiến phản biện như sau:")


def critique_document(case) -> Document:
    """The critique of `case` as a layout Document; a draft until the committee approved it."""
    critique = critique_of(case)
    drafting_body = critique.drafting_body if critique else case.subject_name
    org = case.org
    issued = critique is not None and critique.number is not None
    meetings = [m for m in meetings_of(case) if m.minutes]
    invitees = sum(1 for c in consultations_of(case) for i in c.invitees if i.responded_at)
    body: list = [Para(_opening(case, drafting_body, invitees, meetings))]
    for i, point in enumerate(points_of(case), start=1):
        lead = f"{i}. Về {point.article.reference}" if point.article else f"{i}."
        if point.article and point.article.heading:
            lead += f" ({point.article.heading})"
        body.append(Para(point.text, lead=lead + (":" if point.article else "")))
    submission = critique.submission_on if critique else None
    body.append(Para(f"Đề nghị {drafting_body} nghiên cứu, tiếp thu, giải trình các ý kiến trên "
                     f"và thông báo kết quả cho {org.name} trước khi trình dự thảo"
                     + (f" (dự kiến ngày {submission:%d/%m/%Y})." if submission else ".")))
    approver = critique.approved_by.full_name if issued and critique.approved_by else ""
    return Document(
        superior_body=org.parent.name if org.parent else "",
        issuing_unit=org.name,
        number=critique.number if issued else None,
        year=critique.issued_on.year if issued else case.received_on.year,
        type_code=None,
        unit_short=org.short_name,
        place=org.place_name,
        date=critique.issued_on if issued else None,
        type_name=None,
        summary=f"phản biện xã hội đối với dự thảo {case.title}",
        addressees=[drafting_body],
        body=body,
        signature=Signature(authority="TM. BAN THƯỜNG VỤ", signer_title="CHỦ TỊCH",
                            signer_name=approver),
        recipients=["Như trên", *([org.parent.name] if org.parent else [])],
        filing="VT",
        draft=not issued,
    )


def critique_pdf(case) -> bytes:
    return build_pdf(critique_document(case))
