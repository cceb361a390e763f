"""The workplace documents (Nghị định 30 layout): invitation to a dialogue, its minutes signed by
both sides, the notice of its result, and the yearly summary per employer. (Being written.)"""
from __future__ import annotations

from app.core.pdf.layout import Document, Para
from app.documents.services import letterhead, standing_committee, template
from workflows.vocab import DIALOGUE


def _stub(case, type_code, text):
    return Document(**letterhead(case, type_code), summary=text, body=[Para(text)],
                    signature=standing_committee(case), recipients=["Như trên"], filing="VT")


@template("wp_invitation", "Giấy mời đối thoại", "Invitation to a dialogue", "GM", {DIALOGUE},
          to_subject=True)
def build_invitation(case, actor) -> Document:
    return _stub(case, "GM", f"Đối thoại tại {case.subject_name}")


@template("wp_minutes", "Biên bản đối thoại", "Minutes of the dialogue", "BB", {DIALOGUE},
          {"held", "minuted", "following_up", "closed"}, to_subject=True)
def build_minutes(case, actor) -> Document:
    return _stub(case, "BB", f"Đối thoại tại {case.subject_name}")


@template("wp_result_notice", "Thông báo kết quả đối thoại", "Notice of the dialogue's result",
          "TB", {DIALOGUE}, {"minuted", "following_up", "closed"})
def build_result_notice(case, actor) -> Document:
    return _stub(case, "TB", f"Kết quả đối thoại tại {case.subject_name}")
