"""Read side of the registers (sổ theo dõi đơn thư, sổ theo dõi kiến nghị): one row per case of a
unit and its subtree (as it stood at the end of the period) received in a period, streamed.
Senders appear only as "Ẩn danh" or
"Bảo mật": their identity stays in the sealed store, which is never read here.

Also the statistics other features read (app.api): a unit's figures for a period
(`figures`, from app.reports.stats), the period asked for (`parse_period`) and the figures as
JSON (`to_json`)."""
from __future__ import annotations

from collections.abc import Iterator

import sqlalchemy as sa

from app.cases.models import Case, CaseEvent
from app.cases.queries import subtree_condition
from app.core.dates import format_day
from app.followup.queries import last_reply_received_on, reply_count
from app.letters.queries import details_columns, outerjoin_details
from app.reports.stats import figures, parse_period, to_json  # noqa: F401  (the read side)
from app.reports.exports import streamed
from app.reports.stats import DECISIONS, Period
from app.reports.tables import DECISION_LABELS
from workflows.registry import WORKFLOWS
from workflows.vocab import LETTER, LETTER_KINDS, RECOMMENDATION

ANONYMOUS = "Ẩn danh"
SEALED = "Bảo mật"

LETTER_HEADER = ["STT", "Mã đơn", "Ngày nhận", "Người gửi", "Loại đơn", "Nội dung tóm tắt",
                 "Hướng xử lý", "Hạn xử lý", "Kết quả"]
RECOMMENDATION_HEADER = ["STT", "Mã kiến nghị", "Nơi nhận kiến nghị", "Nội dung kiến nghị",
                         "Ngày gửi", "Hạn trả lời", "Trả lời", "Tình trạng"]


def _last_event(column, *where):
    """The newest value of `column` among the case's events matching `where`."""
    return (sa.select(column).where(CaseEvent.case_id == Case.id, *where)
            .order_by(CaseEvent.created_at.desc(), CaseEvent.id.desc())
            .limit(1).correlate(Case).scalar_subquery())


def _in_period(org, period: Period, family: str):
    return (subtree_condition(org, on=period.end), Case.family == family,
            Case.received_on.between(period.start, period.end))


def sender(is_anonymous: bool, signers: int | None) -> str:
    if is_anonymous:
        return ANONYMOUS
    return SEALED if not signers or signers < 2 else f"{SEALED} ({signers} người đứng tên)"


def letter_register(org, period: Period) -> Iterator[list]:
    details = details_columns()
    stmt = (
        outerjoin_details(
            sa.select(Case.code, Case.received_on, Case.is_anonymous, details.signer_count,
                      Case.kind, Case.title, Case.summary,
                      _last_event(CaseEvent.action, CaseEvent.action.in_(DECISIONS)),
                      details.competent_body, Case.due_on,
                      _last_event(CaseEvent.comment, CaseEvent.action == "record_result"),
                      Case.state),
            Case.id)
        .where(*_in_period(org, period, LETTER))
        .order_by(Case.received_on, Case.id)
    )
    workflow = WORKFLOWS[LETTER]
    for i, (code, received, anonymous, signers, kind, title, summary, decision, body, due,
            result, state) in enumerate(streamed(stmt), 1):
        handling = DECISION_LABELS[decision].vi if decision else ""
        if decision == "forward" and body:
            handling = f"{handling}: {body}"
        yield [i, code, received, sender(anonymous, signers),
               LETTER_KINDS[kind].vi if kind in LETTER_KINDS else "",
               summary or title, handling, due, result or workflow.state(state).label.vi]


def recommendation_register(org, period: Period) -> Iterator[list]:
    parent = sa.orm.aliased(Case)
    stmt = (
        sa.select(Case.code, Case.subject_name, Case.subject_unit, Case.title, Case.summary,
                  parent.code, Case.received_on, Case.due_on, reply_count(Case.id),
                  last_reply_received_on(Case.id), Case.state)
        .outerjoin(parent, parent.id == Case.parent_id)
        .where(*_in_period(org, period, RECOMMENDATION))
        .order_by(Case.received_on, Case.id)
    )
    workflow = WORKFLOWS[RECOMMENDATION]
    for i, (code, addressee, unit, title, text, parent_code, sent, due, n, last, state) in \
            enumerate(streamed(stmt), 1):
        to = ", ".join(filter(None, (addressee, unit)))
        what = text or title
        if parent_code:
            what = f"{what} (giám sát {parent_code})"
        answered = f"{n} (gần nhất {format_day(last)})" if n else "Chưa trả lời"
        yield [i, code, to, what, sent, due, answered, workflow.state(state).label.vi]
