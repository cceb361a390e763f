"""Writers of supervision records: plan, delegation, sessions, report versions, programme.

Each checks the case's state and the actor's role, flushes, and leaves the commit to the view.
State changes still go through app.cases.services.transition_case.
"""
from __future__ import annotations

from datetime import date

from flask_babel import gettext as _

from app.auth import permissions
from app.cases.records import RecordRules
from app.cases.services import attach_files, open_case, record_event
from app.core import uploads
from app.core.calendar import local_today
from app.core.dates import format_day
from app.core.errors import Conflict, Forbidden, Invalid
from app.core.text import lines, nfc
from app.deadlines import services as deadlines
from app.extensions import db
from app.supervision import rules
from app.supervision.models import (
    DELEGATION_ROLES,
    DelegationMember,
    DialogueSession,
    ProgrammeItem,
    SupervisionPlan,
    SupervisionReport,
    WorkingSession,
)
from app.supervision.rules import earliest_fieldwork, latest_report, plan_of
from workflows.vocab import (
    APPROVER,
    CHANNELS,
    DIALOGUE_KINDS,
    HANDLER,
    INTAKE,
    LETTER,
    LETTER_CHANNEL,
    SUPERVISION,
)


def _require_supervision(case) -> None:
    if case.family != SUPERVISION:
        raise Invalid(_("This is not a supervision case."))


#: Who writes each supervision record (roles in the case's unit or above; a named member of
#: the case's delegation too for sessions and the report) and, from the workflow, when. The
#: pages refuse others before reading the form.
RECORDS = RecordRules(
    writers={
        "plan": frozenset({HANDLER}),
        "delegation": frozenset({HANDLER, APPROVER}),
        "session": frozenset({HANDLER}),
        "dialogue": frozenset({HANDLER, INTAKE}),
        "report": frozenset({HANDLER}),
    },
    also={"session": rules.is_delegation_member, "report": rules.is_delegation_member},
)
can_write, can_edit = RECORDS.can_write, RECORDS.can_edit
#: Who adds lines to the annual programme (in the line's unit or above).
PROGRAMME_ROLES = frozenset({HANDLER, APPROVER})


def can_add_to_programme(actor, org=None) -> bool:
    """A handler or approver of `org` or a unit above it; without `org` (the page, before its
    form names the unit), of any unit."""
    held = permissions.roles_in(actor, org) if org is not None else {a.role for a in actor.roles}
    return bool(held & PROGRAMME_ROLES)


def save_plan(case, actor, *, purpose: str, content: str, form: str, place: str,
              starts_on: date | None, ends_on: date | None,
              subject_preparation: str) -> SupervisionPlan:
    """Create or edit the plan while it is not yet approved."""
    _require_supervision(case)
    RECORDS.require(actor, case, "plan", _("The plan can no longer be changed: it was approved."))
    if not nfc(purpose) or not nfc(content):
        raise Invalid(_("The purpose and the content of the supervision are required."))
    if starts_on and ends_on and ends_on < starts_on:
        raise Invalid(_("The end date is before the start date."), field="ends_on")
    if starts_on and starts_on < case.received_on:
        raise Invalid(_("Fieldwork cannot start before the case was received."),
                      field="starts_on")
    plan = plan_of(case) or SupervisionPlan(case_id=case.id)
    plan.purpose, plan.content, plan.form = nfc(purpose), nfc(content), nfc(form or "")
    plan.place, plan.subject_preparation = nfc(place or ""), nfc(subject_preparation or "")
    plan.starts_on, plan.ends_on, plan.updated_by_id = starts_on, ends_on, actor.id
    db.session.add(plan)
    record_event(case, actor, "plan_saved", data={
        "starts_on": starts_on.isoformat() if starts_on else None,
        "ends_on": ends_on.isoformat() if ends_on else None})
    db.session.flush()
    deadlines.recompute(case, actor)  # a running draft report counts from the end date
    return plan


def set_delegation(case, actor, members: list[dict]) -> list[DelegationMember]:
    """Name the delegation: rows of {user_id?, name, position, role}; exactly one leader."""
    _require_supervision(case)
    RECORDS.require(actor, case, "delegation",
                    _("The delegation is named after the plan is approved and before the "
                      "decision is issued."))
    rows = [m for m in members if nfc(m.get("name") or "") or m.get("user_id")]
    if not rows:
        raise Invalid(_("Name at least the delegation's leader."))
    for m in rows:
        if m.get("role") not in DELEGATION_ROLES:
            raise Invalid(_("Choose a role for every member."))
    if sum(1 for m in rows if m["role"] == "leader") != 1:
        raise Invalid(_("The delegation needs exactly one leader (trưởng đoàn)."))
    user_ids = [m["user_id"] for m in rows if m.get("user_id")]
    if len(user_ids) != len(set(user_ids)):
        raise Invalid(_("The same person is named twice."))
    from app.auth.models import User

    for existing in db.session.scalars(
            db.select(DelegationMember).where(DelegationMember.case_id == case.id)):
        db.session.delete(existing)
    db.session.flush()
    saved = []
    for m in rows:
        user = db.session.get(User, m["user_id"]) if m.get("user_id") else None
        if m.get("user_id") and (user is None or not permissions.can_view_case(user, case)):
            raise Invalid(_("A member must belong to the case's unit or a unit above it."))
        member = DelegationMember(
            case_id=case.id, user_id=user.id if user else None,
            name=nfc(m.get("name") or "") or (user.full_name if user else ""),
            position=nfc(m.get("position") or ""), role=m["role"])
        db.session.add(member)
        saved.append(member)
    record_event(case, actor, "delegation_named",
                 data={"members": [f"{m.name} ({m.role})" for m in saved]})
    db.session.flush()
    return saved


def record_working_session(case, actor, *, held_on: date, place: str, participants: str,
                           minutes: str, documents_received: str, files=(),
                           today: date | None = None) -> WorkingSession:
    _require_supervision(case)
    RECORDS.require(actor, case, "session", _("Working sessions are recorded during fieldwork."))
    today = today or local_today()
    if held_on is None:
        raise Invalid(_("The date of the session is required."), field="held_on")
    if held_on > today:
        raise Invalid(_("The session date cannot be in the future."), field="held_on")
    earliest = earliest_fieldwork(case)
    if earliest and held_on < earliest:
        raise Invalid(_("The session date is before fieldwork could start (%(d)s).",
                        d=format_day(earliest)), field="held_on")
    if not nfc(minutes):
        raise Invalid(_("The minutes of the session are required."), field="minutes")
    uploads.check_files(files)  # refuse a bad file before the session is added
    session = WorkingSession(case_id=case.id, held_on=held_on, place=nfc(place or ""),
                             participants=nfc(participants or ""), minutes=nfc(minutes),
                             documents_received=nfc(documents_received or ""),
                             recorded_by_id=actor.id)
    db.session.add(session)
    db.session.flush()
    names = attach_files(case, actor, "working_session", session.id, files)
    record_event(case, actor, "working_session", data={
        "held_on": held_on.isoformat(), "attachments": names})
    db.session.flush()
    return session


def record_dialogue(case, actor, *, kind: str, held_on: date, union_side: str,
                    other_side: str, agenda: str, agreed: str, not_agreed: str,
                    today: date | None = None) -> DialogueSession:
    """Record a dialogue with the supervised party (or a workplace dialogue case)."""
    if case.family not in (SUPERVISION, "dialogue"):
        raise Invalid(_("Dialogues are recorded on supervision and dialogue cases."))
    RECORDS.require(actor, case, "dialogue", _("A dialogue cannot be recorded at this stage."))
    today = today or local_today()
    if kind not in DIALOGUE_KINDS:
        raise Invalid(_("Choose the kind of dialogue."), field="kind")
    if held_on is None or held_on > today:
        raise Invalid(_("The dialogue date is missing or in the future."), field="held_on")
    ours, theirs = lines(union_side), lines(other_side)
    workplace = case.family == "dialogue" or case.subject_kind == "organisation"
    if workplace and (len(ours) < 3 or len(theirs) < 3):
        raise Invalid(_("A workplace dialogue needs at least 3 participants on each side "
                        "(one per line)."), field="union_side")
    if not ours or not theirs:
        raise Invalid(_("Name the participants of both sides."), field="union_side")
    if not nfc(agenda):
        raise Invalid(_("The agenda is required."), field="agenda")
    dialogue = DialogueSession(case_id=case.id, kind=kind, held_on=held_on,
                               union_side="\n".join(ours), other_side="\n".join(theirs),
                               agenda=nfc(agenda), agreed=nfc(agreed or ""),
                               not_agreed=nfc(not_agreed or ""), recorded_by_id=actor.id)
    db.session.add(dialogue)
    record_event(case, actor, "dialogue_recorded", data={"held_on": held_on.isoformat(),
                                                         "kind": kind})
    db.session.flush()
    return dialogue


def save_report(case, actor, *, findings: list[dict], recommendations: list[dict],
                conclusion: str) -> SupervisionReport:
    """Write the draft report; an approved version is never changed, a new one is made."""
    _require_supervision(case)
    RECORDS.require(actor, case, "report",
                    _("The report is drafted during fieldwork or after it was returned."))
    items = [
        {k: nfc(f.get(k) or "") for k in ("item", "strengths", "shortcomings", "causes")}
        for f in findings if nfc(f.get("item") or "")
    ]
    if not items:
        raise Invalid(_("Add at least one content item with its findings."))
    recs = []
    for r in recommendations:
        text = nfc(r.get("text") or "")
        if not text:
            continue
        if not nfc(r.get("addressee") or ""):
            raise Invalid(_("Every recommendation needs an addressee."))
        recs.append({"addressee": nfc(r["addressee"]), "superior": nfc(r.get("superior") or ""),
                     "text": text})
    if not nfc(conclusion):
        raise Invalid(_("The conclusion is required."), field="conclusion")
    report = latest_report(case)
    if report is None or report.is_frozen:
        report = SupervisionReport(case_id=case.id, version=(report.version + 1) if report else 1)
        db.session.add(report)
    report.findings, report.recommendations = items, recs
    report.conclusion, report.author_id = nfc(conclusion), actor.id
    db.session.flush()
    record_event(case, actor, "report_saved", data={"version": report.version,
                                                    "recommendations": len(recs)})
    db.session.flush()
    return report


def add_programme_item(actor, org, *, year: int, title: str, subject_name: str,
                       planned_quarter: int | None) -> ProgrammeItem:
    if not can_add_to_programme(actor, org):
        raise Forbidden(_("Your role does not allow this in this unit."))
    if not nfc(title):
        raise Invalid(_("The title is required."), field="title")
    if planned_quarter is not None and planned_quarter not in (1, 2, 3, 4):
        raise Invalid(_("The quarter must be 1 to 4."), field="planned_quarter")
    item = ProgrammeItem(org_id=org.id, year=year, title=nfc(title),
                         subject_name=nfc(subject_name or ""), planned_quarter=planned_quarter)
    db.session.add(item)
    db.session.flush()
    return item


def start_programme_item(item: ProgrammeItem, actor, org, channel: str | None = None):
    """Open the thematic supervision a programme line planned, filed under the channel the
    user chose (never "trường hợp đặc biệt" unless they chose it)."""
    if item.case_id is not None:
        raise Conflict(_("This supervision has already started."))
    if channel not in CHANNELS:
        raise Invalid(_("Choose the channel the case came through."), field="channel")
    case = open_case(actor, org, SUPERVISION, kind="thematic", channel=channel,
                     intake_form="documents", title=item.title,
                     subject_name=item.subject_name, subject_kind="organisation")
    item.case_id = case.id
    db.session.flush()
    return case


def supervision_from_signal(source, actor):
    """Turn a signal (a letter, a dialogue, any case) into a supervision case linked to it.

    One opened from a letter comes through channel 6 of 44/HD-TLĐ (the content and results of
    complaints and denunciations), whatever channel brought the letter in."""
    if source.family == SUPERVISION:
        raise Invalid(_("This is already a supervision case."))
    channel = LETTER_CHANNEL if source.family == LETTER else source.channel
    case = open_case(
        actor, source.org, SUPERVISION, kind="regular", channel=channel,
        intake_form="documents", title=source.title, summary=source.summary,
        subject_kind=source.subject_kind, subject_name=source.subject_name,
        subject_category=source.subject_category, subject_position=source.subject_position,
        subject_unit=source.subject_unit, subject_party_committee=source.subject_party_committee,
        parent_id=source.id,
    )
    record_event(source, actor, "supervision_opened", data={"case": case.code})
    db.session.flush()
    return case


