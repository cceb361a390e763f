"""The periodic report as a document of the unit (no case): drafted from the figures as they
stand, approved and issued like any other, numbered in the unit's outgoing register
(NĐ 30/2020 Điều 15). Its figures are frozen in the draft, so what the approver read is what
is issued, and the issued PDF is kept as it was issued."""
from __future__ import annotations

from app.core.pdf.layout import Document
from app.documents.services import unit_template
from app.reports import stats, tables
from app.reports.render import REPORT_TITLE, periodic_document

TEMPLATE = "periodic_report"


def _period(doc) -> stats.Period:
    return stats.Period(doc.period_start, doc.period_end,
                        doc.content.get("period_kind") or "custom")


@unit_template(TEMPLATE, "Báo cáo định kỳ", "Periodic report", "BC")
def draw(doc) -> Document:
    """The report laid out from the figures frozen in the draft `doc`."""
    figures = stats.from_json(doc.org, _period(doc), doc.content["figures"], None)
    return periodic_document(figures, tables.sections(figures, "vi"))


def summary_of(period: stats.Period) -> str:
    return REPORT_TITLE.format(period=period.label_vi)


def content_of(figures: stats.Stats) -> dict:
    """What a draft keeps: the figures, and the lines of the layout the register reads."""
    report = periodic_document(figures, [])
    sig = report.signature
    return {"figures": stats.to_json(figures), "period_kind": figures.period.kind,
            "type_name": report.type_name, "addressees": list(report.addressees),
            "recipients": list(report.recipients),
            "signature": {"authority": sig.authority, "capacity": sig.capacity,
                          "signer_title": sig.signer_title}}
