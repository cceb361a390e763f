"""The văn bản phản biện xã hội, registered as the template "critique_document".

It is a công văn (type None: "Số: 06/LĐLĐ" and a "V/v phản biện xã hội đối với dự thảo …" line).
None of the named types of NĐ 30/2020 Điều 7 (quyết định, kế hoạch, báo cáo, tờ trình…) fits:
the critique is the opinion the union's standing committee sends to the drafting body, a letter
addressed to it ("Kính gửi"), which is what a công văn is.

Approval issues it (rules.issue_the_critique → app.documents.services.issue_now): numbered in the
unit's register with every other outgoing document, its PDF frozen. Before that the builder
gives the draft (watermarked, no number or date).
"""
from __future__ import annotations

from app.core.dates import format_day
from app.core.pdf.layout import Document, Para, build_pdf
from app.critique.rules import (
    TEMPLATE,
    consultations_of,
    critique_of,
    meetings_of,
    points_of,
)
from app.documents import queries as document_queries
from app.documents.services import (
    legal_bases,
    letterhead,
    matter,
    pdf_of,
    standing_committee,
    template,
)
from workflows.vocab import CRITIQUE

MEETING_NAMES = {"conference": "hội nghị phản biện xã hội", "dialogue": "đối thoại trực tiếp"}


def _opening(case, drafting_body: str, invitees: int, meetings) -> str:
    sources = []
    if invitees:
        sources.append(f"ý kiến góp ý của {invitees} cơ quan, đơn vị, chuyên gia")
    for m in meetings:
        sources.append(f"kết quả {MEETING_NAMES[m.kind]} ngày {format_day(m.held_on)}")
    basis = f" Trên cơ sở {', '.join(sources)}," if sources else " Sau khi nghiên cứu,"
    return (f"Ngày {format_day(case.received_on)}, {case.org.name} nhận được dự thảo "
            f"{matter(case)} do {drafting_body} gửi lấy ý kiến phản biện xã hội."
            f"{basis} {case.org.name} có ý kiến phản biện như sau:")


def issued_critique(case):
    """The critique document issued on `case`, if the committee approved it."""
    return document_queries.latest_issued([case.id], TEMPLATE)


@template(TEMPLATE, "Văn bản phản biện xã hội", "Social critique document", None,
          families={CRITIQUE}, states={"issued"},
          condition=lambda case: issued_critique(case) is None)
def critique_document(case, actor=None) -> Document:
    """The draft of the critique of `case` (the issued one is the frozen CaseDocument).

    The template applies once the case is "issued" and only until its document is: approval
    issues it, so the documents panel never offers a second, differently numbered critique.
    """
    critique = critique_of(case)
    drafting_body = critique.drafting_body if critique else case.subject_name
    org = case.org
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
                     + (f" (dự kiến ngày {format_day(submission)})." if submission else ".")))
    return Document(
        **letterhead(case, None),
        summary=f"phản biện xã hội đối với dự thảo {matter(case)}",
        addressees=[drafting_body],
        bases=legal_bases(case),
        body=body,
        signature=standing_committee(case),
        recipients=["Như trên", *([org.parent.name] if org.parent else [])],
        filing="VT",
    )


def critique_pdf(case) -> bytes:
    """The issued PDF exactly as frozen, or the draft rendered now."""
    issued = issued_critique(case)
    return pdf_of(issued) if issued else build_pdf(critique_document(case))
