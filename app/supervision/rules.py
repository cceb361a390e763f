"""Supervision guards and effects (on the feature's plugin) and the small reads they use."""
from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import sqlalchemy as sa
from flask_babel import gettext as _

from app.cases.guards import event_actors
from app.core.calendar import local_today
from app.core.dates import LOCAL_TZ, format_day
from app.deadlines import queries as deadline_queries
from app.extensions import db
from app.supervision import feature
from app.supervision.models import DelegationMember, SupervisionPlan, SupervisionReport
from workflows.vocab import DELEGATE, SUPERVISION


def plan_of(case) -> SupervisionPlan | None:
    return db.session.scalar(sa.select(SupervisionPlan).where(SupervisionPlan.case_id == case.id))


def delegation_of(case) -> list[DelegationMember]:
    order = sa.case({r: i for i, r in enumerate(("leader", "deputy", "member", "secretary"))},
                    value=DelegationMember.role)
    return list(db.session.scalars(
        sa.select(DelegationMember).where(DelegationMember.case_id == case.id)
        .order_by(order, DelegationMember.id)))


def is_delegation_member(case, user) -> bool:
    return db.session.scalar(
        sa.select(sa.func.count()).select_from(DelegationMember)
        .where(DelegationMember.case_id == case.id, DelegationMember.user_id == user.id)) > 0


@feature.role_members(DELEGATE)
def delegation_members(case) -> sa.Select:
    """The users the case's delegation names (those is_delegation_member lets act), as a
    subquery for the case page's one statement of who acts next."""
    return sa.select(DelegationMember.user_id).where(DelegationMember.case_id == case.id,
                                                     DelegationMember.user_id.is_not(None))


def reports_of(case) -> list[SupervisionReport]:
    return list(db.session.scalars(
        sa.select(SupervisionReport).where(SupervisionReport.case_id == case.id)
        .order_by(SupervisionReport.version.desc())))


def latest_report(case) -> SupervisionReport | None:
    reports = reports_of(case)
    return reports[0] if reports else None


def event_day(case, trigger: str) -> date | None:
    """The day the last `trigger` event happened (e.g. when the subject was notified)."""
    from app.cases.models import CaseEvent

    at = db.session.scalar(
        sa.select(CaseEvent.created_at)
        .where(CaseEvent.case_id == case.id, CaseEvent.action == trigger)
        .order_by(CaseEvent.id.desc()).limit(1))
    if at is None:
        return None
    if at.tzinfo is None:  # SQLite hands back naive UTC
        at = at.replace(tzinfo=UTC)
    return at.astimezone(LOCAL_TZ).date()


def notice_days() -> int:
    """The notice period, as the rule table has it (with the admins' changes)."""
    return deadline_queries.rule("supervision.notice").days


def fieldwork_end(case) -> date | None:
    """The fieldwork's last day in the plan: the draft report's deadline counts from it."""
    plan = plan_of(case)
    return plan.ends_on if plan is not None else None


def earliest_fieldwork(case) -> date | None:
    notified = event_day(case, "notify_subject")
    return notified + timedelta(days=notice_days()) if notified else None


def fieldwork_awaited(case) -> date | None:
    """The first day fieldwork may start, while the case waits for it (a state "start
    fieldwork" leaves, as the workflow says); None before the notice and once it started."""
    if case.state not in case.workflow.action("start_fieldwork").sources:
        return None
    return earliest_fieldwork(case)


@feature.guard("plan_complete")
def plan_complete(case, actor, context):
    plan = plan_of(case)
    if plan is None or not (plan.purpose and plan.content and plan.starts_on and plan.ends_on):
        return _("Fill in the plan (purpose, content, start and end dates) first.")
    return None


@feature.guard("delegation_has_leader")
def delegation_has_leader(case, actor, context):
    leaders = [m for m in delegation_of(case) if m.role == "leader"]
    if len(leaders) != 1:
        return _("The delegation needs exactly one leader (trưởng đoàn).")
    return None


@feature.guard("fieldwork_date_set")
def fieldwork_date_set(case, actor, context):
    plan = plan_of(case)
    if plan is None or plan.starts_on is None:
        return _("The plan has no fieldwork date.")
    return None


@feature.guard("notice_period_elapsed")
def notice_period_elapsed(case, actor, context):
    earliest = earliest_fieldwork(case)
    today = context["today"]
    if earliest is None:
        return _("The subject has not been notified yet.")
    if today < earliest:
        return _("The subject must be notified at least %(days)d days before fieldwork: "
                 "notified on %(notified)s, so fieldwork may start on %(earliest)s at the earliest.",
                 days=notice_days(),
                 notified=format_day(earliest - timedelta(days=notice_days())),
                 earliest=format_day(earliest))
    return None


@feature.guard("report_ready")
def report_ready(case, actor, context):
    report = latest_report(case)
    if report is None or report.is_frozen or not report.findings or not report.conclusion:
        return _("Write the draft report (findings and conclusion) before submitting it.")
    return None


@feature.draft_authors(SUPERVISION, "approve_plan")
def plan_authors(case) -> set[int]:
    """Whoever saved the plan in any round (save_plan writes plan_saved) or submitted it."""
    return event_actors(case, ("plan_saved", "draft_plan"))


@feature.draft_authors(SUPERVISION, "approve_conclusion")
def report_authors(case) -> set[int]:
    """Whoever saved any version of the report (save_report writes report_saved) or submitted it."""
    return event_actors(case, ("report_saved", "submit_report"))


@feature.effect(SUPERVISION, "approve_conclusion")
def freeze_report(case, actor, context):
    report = latest_report(case)
    report.approved_by_id = actor.id
    report.approved_at = datetime.now(UTC)
    return {"report_version": report.version}


@feature.effect(SUPERVISION, "issue_conclusion")
def open_recommendations(case, actor, context):
    """Each recommendation of the approved report becomes a case followed on its own."""
    from app.cases.services import open_case

    report = latest_report(case)
    codes = []
    for item in (report.recommendations if report else []):
        rec = open_case(
            actor, case.org, "recommendation", channel=case.channel, intake_form="documents",
            title=item["text"][:300], summary=item["text"], subject_kind="organisation",
            subject_name=item.get("addressee", ""), subject_unit=item.get("superior", ""),
            parent_id=case.id, received_on=min(context["today"], local_today()),
        )
        codes.append(rec.code)
    return {"recommendations": codes}


@feature.effect(SUPERVISION, "close")
def send_ethics_result(case, actor, context):
    """Ethics supervision (124-QĐ/TW, 44/HD-TLĐ): the result goes to the managing Party committee."""
    if case.kind != "ethics":
        return {}
    return {
        "result_sent_to": case.subject_party_committee or "",
        "propose_discipline": bool(context.get("propose_discipline")),
    }


@feature.guard("dialogue_recorded")
def dialogue_recorded(case, actor, context):
    from app.supervision.models import DialogueSession

    if not db.session.scalar(sa.select(sa.func.count()).select_from(DialogueSession)
                             .where(DialogueSession.case_id == case.id)):
        return _("Record the dialogue (participants, agenda, outcome) first.")
    return None
