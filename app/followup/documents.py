"""The follow-up's document: the reminder to an addressee who has not carried out a
recommendation. Registered with app.documents when the feature is installed."""
from __future__ import annotations

import sqlalchemy as sa

from app.core.pdf.layout import Document, Para
from app.deadlines import queries as deadline_queries
from app.documents import queries as document_queries
from app.documents.services import (
    dmy,
    letterhead,
    standing_committee,
    superior_recipient,
    template,
)
from app.extensions import db
from app.followup.models import RecommendationReply
from workflows.vocab import RECOMMENDATION


@template("reminder", "Công văn đôn đốc thực hiện kiến nghị", "Reminder about a recommendation",
          None, {RECOMMENDATION}, {"waiting", "overdue", "reminded", "escalated"},
          to_subject=True)
def build_reminder(case, actor) -> Document:
    addressee = case.subject_name or "đơn vị được kiến nghị"
    sent = document_queries.latest_issued([case.id, case.parent_id or 0], "recommendation")
    reference = (f"Văn bản số {sent.number:02d}/{sent.org.short_name} ngày {dmy(sent.issued_on)}"
                 if sent else f"Văn bản ngày {dmy(case.received_on)}")
    reply = db.session.scalar(sa.select(RecommendationReply).where(
        RecommendationReply.case_id == case.id).order_by(RecommendationReply.received_on.desc())
        .limit(1))
    status = (f"{case.org.name} đã nhận được văn bản trả lời ngày {dmy(reply.received_on)}, "
              "tuy nhiên kiến nghị chưa được thực hiện đầy đủ" if reply else
              f"{case.org.name} chưa nhận được văn bản trả lời")
    superior = case.subject_unit or "cơ quan quản lý cấp trên"
    reply_days = deadline_queries.rule("recommendation.reply").days
    body = [
        Para(f"{reference}, {case.org.name} đã kiến nghị {addressee}: "
             f"{case.summary or case.title}"),
        Para(f"Đến nay, {status}."),
        Para(f"Đề nghị {addressee} khẩn trương thực hiện và báo cáo kết quả bằng văn bản về "
             f"{case.org.name} trong thời hạn {reply_days} ngày kể từ ngày nhận "
             f"được văn bản này. Quá thời hạn trên, {case.org.name} sẽ kiến nghị {superior} xem xét, "
             "giải quyết theo quy định."),
        Para("Trân trọng./."),
    ]
    return Document(
        **letterhead(case, None), summary="đôn đốc thực hiện kiến nghị sau giám sát",
        addressees=[addressee], body=body, signature=standing_committee(case),
        recipients=["Như trên", *superior_recipient(case)], filing="VT")
