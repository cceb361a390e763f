"""Writers of the workplace feature: employers and their yearly records, and a dialogue case's
content, meeting, minutes, publication and follow-up. Each refuses bad input with a message
before it writes anything; each flushes, the request commits once."""
from __future__ import annotations

import re
from datetime import date

import sqlalchemy as sa
from flask_babel import gettext as _

from app.auth import permissions
from app.cases.models import Case
from app.cases.records import RecordRules
from app.cases.services import open_case, record_event, transition_case
from app.core.calendar import local_today
from app.core.dates import format_day
from app.core.errors import Conflict, Forbidden, Invalid, NotFound
from app.core.text import nfc
from app.extensions import db
from app.orgs.models import Organisation
from app.workplace import rules
from app.workplace.models import (
    REGULATION_KINDS,
    DemocracyRegulation,
    DialogueItem,
    DialogueParticipant,
    DialogueRecord,
    Employer,
    EmployerHeadcount,
    InspectionBoard,
    InspectionReport,
    WorkersConference,
)
from workflows.vocab import (
    APPROVER,
    DIALOGUE,
    DIALOGUE_EVENTS,
    DIALOGUE_KINDS,
    DIALOGUE_SIDES,
    EMPLOYER_KINDS,
    HANDLER,
    INTAKE,
    ITEM_SOURCES,
    SUPERVISION,
)

#: Who writes a dialogue's records (roles in the case's unit or above); when: the workflow.
RECORDS = RecordRules(writers={
    "dialogue_agenda": frozenset({HANDLER, INTAKE}),
    "dialogue_minutes": frozenset({HANDLER}),
    "dialogue_follow_up": frozenset({HANDLER, INTAKE}),
})
can_edit = RECORDS.can_edit
#: Who keeps a unit's employers and their yearly records.
EMPLOYER_ROLES = frozenset({HANDLER, INTAKE, APPROVER})
_TAX_CODE = re.compile(r"^\d{10}(-\d{3})?$")


# -- employers ----------------------------------------------------------------------------------


def can_manage(user, org: Organisation) -> bool:
    return bool(permissions.roles_in(user, org) & EMPLOYER_ROLES)


def check_employer(actor, employer: Employer | None, write: bool = False) -> Employer:
    """404 outside the actor's scope, 403 when they may only read."""
    if employer is None or not permissions.can_view_org(actor, employer.org):
        raise NotFound(_("Employer not found."))
    if write and not can_manage(actor, employer.org):
        raise Forbidden(_("Your role does not allow this in this unit."))
    return employer


def _day(value: date | None, field: str, *, today: date, not_before: date | None = None,
         before_message: str | None = None, future_ok: bool = False) -> date:
    if value is None:
        raise Invalid(_("Enter a date."), field=field)
    if not future_ok and value > today:
        raise Invalid(_("The date cannot be later than today (%(day)s).",
                        day=format_day(today)), field=field)
    if not_before is not None and value < not_before:
        raise Invalid(before_message or _("The date cannot be before %(day)s.",
                                          day=format_day(not_before)), field=field)
    return value


def _employer_values(values: dict) -> dict:
    values = {k: nfc(v) if isinstance(v, str) else v for k, v in values.items()}
    if not values.get("name"):
        raise Invalid(_("Enter the employer's name."), field="name")
    tax_code = (values.get("tax_code") or "").replace(" ", "") or None
    if tax_code is not None and not _TAX_CODE.match(tax_code):
        raise Invalid(_("A tax code has 10 digits, or 10 digits, a dash and 3 digits for a "
                        "branch."), field="tax_code")
    values["tax_code"] = tax_code
    if values.get("kind") not in EMPLOYER_KINDS:
        raise Invalid(_("Choose the kind of employer."), field="kind")
    return values


def _unique_tax_code(tax_code: str | None, employer_id: int | None = None) -> None:
    if tax_code is None:
        return
    other = db.session.scalar(sa.select(Employer).where(Employer.tax_code == tax_code))
    if other is not None and other.id != employer_id:
        raise Invalid(_("Another employer already has the tax code %(code)s.", code=tax_code),
                      field="tax_code")


def register_employer(actor, org: Organisation, *, name: str, kind: str, tax_code: str = "",
                      address: str = "", sector: str = "", representative: str = "",
                      covered_since: date | None = None, workers: int | None = None,
                      today: date | None = None) -> Employer:
    """An employer covered by the grassroots union `org`, with its current workforce."""
    today = today or local_today()
    if org is None or not permissions.can_view_org(actor, org):
        raise NotFound(_("Unit not found."))
    if not can_manage(actor, org):
        raise Forbidden(_("Your role does not allow this in this unit."))
    if org.level < 2 or not org.is_active:
        # A grassroots union, or the union above it where the workplace has none yet.
        raise Invalid(_("An employer is covered by an active union unit below the national "
                        "confederation."), field="org_id")
    values = _employer_values(dict(name=name, kind=kind, tax_code=tax_code, address=address,
                                   sector=sector, representative=representative))
    _unique_tax_code(values["tax_code"])
    covered_since = _day(covered_since or today, "covered_since", today=today)
    if workers is None or workers < 0:
        raise Invalid(_("Enter the number of workers."), field="workers")
    employer = Employer(org=org, covered_since=covered_since, **values)
    db.session.add(employer)
    db.session.flush()
    db.session.add(EmployerHeadcount(employer_id=employer.id, as_of=covered_since,
                                     workers=workers, recorded_by_id=actor.id))
    db.session.flush()
    return employer


def update_employer(employer: Employer, actor, **values) -> Employer:
    check_employer(actor, employer, write=True)
    values = _employer_values(values)
    _unique_tax_code(values["tax_code"], employer.id)
    for key, value in values.items():
        setattr(employer, key, value)
    db.session.flush()
    return employer


def record_headcount(employer: Employer, actor, *, as_of: date, workers: int | None,
                     today: date | None = None) -> EmployerHeadcount:
    """The number of workers on a day; a second figure for the same day replaces the first."""
    check_employer(actor, employer, write=True)
    as_of = _day(as_of, "as_of", today=today or local_today())
    if workers is None or workers < 0:
        raise Invalid(_("Enter the number of workers."), field="workers")
    row = db.session.scalar(sa.select(EmployerHeadcount).where(
        EmployerHeadcount.employer_id == employer.id, EmployerHeadcount.as_of == as_of))
    if row is None:
        row = EmployerHeadcount(employer_id=employer.id, as_of=as_of)
        db.session.add(row)
    row.workers, row.recorded_by_id = workers, actor.id
    db.session.flush()
    db.session.expire(employer, ["headcounts"])
    return row


def record_conference(employer: Employer, actor, *, held_on: date, participants: int | None,
                      resolutions: str, today: date | None = None) -> WorkersConference:
    check_employer(actor, employer, write=True)
    held_on = _day(held_on, "held_on", today=today or local_today(),
                   not_before=employer.covered_since)
    if not participants or participants < 1:
        raise Invalid(_("Enter the number of participants."), field="participants")
    workers = employer.workers_on(held_on)
    if workers is not None and participants > workers:
        raise Invalid(_("More participants (%(count)d) than workers (%(workers)d).",
                        count=participants, workers=workers), field="participants")
    resolutions = nfc(resolutions or "")
    if not resolutions:
        raise Invalid(_("Enter the conference's resolutions."), field="resolutions")
    row = WorkersConference(employer_id=employer.id, held_on=held_on, participants=participants,
                            resolutions=resolutions, recorded_by_id=actor.id)
    db.session.add(row)
    db.session.flush()
    return row


def record_regulation(employer: Employer, actor, *, kind: str, issued_on: date, reference: str,
                      note: str = "", today: date | None = None) -> DemocracyRegulation:
    check_employer(actor, employer, write=True)
    if kind not in REGULATION_KINDS:
        raise Invalid(_("Choose whether the regulations were issued or updated."), field="kind")
    issued_on = _day(issued_on, "issued_on", today=today or local_today())
    reference = nfc(reference or "")
    if not reference:
        raise Invalid(_("Enter the number of the employer's decision."), field="reference")
    row = DemocracyRegulation(employer_id=employer.id, kind=kind, issued_on=issued_on,
                              reference=reference, note=nfc(note or ""),
                              recorded_by_id=actor.id)
    db.session.add(row)
    db.session.flush()
    return row


def record_board(employer: Employer, actor, *, elected_on: date, members: str,
                 today: date | None = None) -> InspectionBoard:
    check_employer(actor, employer, write=True)
    if employer.kind not in rules.BOARD_KINDS:
        raise Invalid(_("A People's Inspection Board is elected in state agencies, public "
                        "service units and state-owned enterprises, not at this kind of "
                        "employer."))
    elected_on = _day(elected_on, "elected_on", today=today or local_today())
    members = nfc(members or "")
    if not members.strip():
        raise Invalid(_("List the board's members, one per line."), field="members")
    row = InspectionBoard(employer_id=employer.id, elected_on=elected_on, members=members,
                          recorded_by_id=actor.id)
    db.session.add(row)
    db.session.flush()
    return row


def record_board_report(board: InspectionBoard, actor, *, reported_on: date, content: str,
                        today: date | None = None) -> InspectionReport:
    check_employer(actor, db.session.get(Employer, board.employer_id), write=True)
    reported_on = _day(reported_on, "reported_on", today=today or local_today(),
                       not_before=board.elected_on)
    content = nfc(content or "")
    if not content:
        raise Invalid(_("Enter what the board reported."), field="content")
    row = InspectionReport(board_id=board.id, reported_on=reported_on, content=content,
                           recorded_by_id=actor.id)
    db.session.add(row)
    db.session.flush()
    return row


# -- a dialogue case ----------------------------------------------------------------------------


DIALOGUE_TITLES = {
    "periodic": "Đối thoại định kỳ năm {year} tại {employer}",
    "on_request": "Đối thoại theo yêu cầu tại {employer}",
    "on_event": "Đối thoại về {event} tại {employer}",
}


def open_dialogue(actor, employer: Employer, *, kind: str, scheduled_on: date | None,
                  place: str = "", requested_by: str | None = None,
                  requested_on: date | None = None, event: str | None = None,
                  parent: Case | None = None, summary: str = "",
                  today: date | None = None) -> Case:
    """Schedule a dialogue at `employer`: a dialogue case in the union that covers it, with
    the mandatory item already on its content. `parent`: the case it concerns (a supervision
    in any step, a letter), shown on both pages."""
    today = today or local_today()
    if employer is None or not permissions.can_view_org(actor, employer.org):
        raise Invalid(_("Choose an employer covered by a unit of yours."), field="employer_id")
    if not permissions.can_create_in(actor, employer.org):
        raise Forbidden(_("Your role does not allow this in this unit."))
    if kind not in DIALOGUE_KINDS:
        raise Invalid(_("Choose the kind of dialogue."), field="kind")
    if kind == "on_request":
        if requested_by not in DIALOGUE_SIDES:
            raise Invalid(_("Say which side asked for the dialogue."), field="requested_by")
        requested_on = _day(requested_on, "requested_on", today=today)
    else:
        requested_by = requested_on = None
    if kind == "on_event":
        if event not in DIALOGUE_EVENTS:
            raise Invalid(_("Choose the event that calls for the dialogue."), field="event")
    else:
        event = None
    if scheduled_on is None:
        raise Invalid(_("Enter the day of the dialogue."), field="scheduled_on")
    if requested_on is not None and scheduled_on < requested_on:
        raise Invalid(_("The dialogue cannot be before the request (%(day)s).",
                        day=format_day(requested_on)), field="scheduled_on")
    if parent is not None and not permissions.can_view_case(actor, parent):
        raise NotFound(_("Case not found."))
    event_label = DIALOGUE_EVENTS[event].vi.split(" (")[0].lower() if event else ""
    title = DIALOGUE_TITLES[kind].format(year=scheduled_on.year, employer=employer.name,
                                         event=event_label)
    case = open_case(
        actor, employer.org, DIALOGUE, kind=kind, channel="dialogue", intake_form="documents",
        title=title[:300], summary=nfc(summary or ""), subject_kind="organisation",
        subject_name=employer.name, received_on=requested_on or today,
        parent_id=parent.id if parent is not None else None)
    db.session.add(DialogueRecord(case_id=case.id, employer_id=employer.id,
                                  requested_by=requested_by, requested_on=requested_on,
                                  event=event, scheduled_on=scheduled_on,
                                  place=nfc(place or "")))
    db.session.add(DialogueItem(case_id=case.id, position=0, source="mandatory",
                                text=rules.MANDATORY_ITEM))
    if parent is not None:
        record_event(parent, actor, "dialogue_opened", data={"case": case.code})
    db.session.flush()
    return case


def _record(case: Case) -> DialogueRecord:
    record = rules.record_of(case)
    if record is None:
        raise NotFound(_("Case not found."))
    return record


def reschedule(case: Case, actor, *, scheduled_on: date | None, place: str) -> DialogueRecord:
    record = _record(case)
    RECORDS.require(actor, case, "dialogue_agenda",
                    _("The dialogue has been held; its day cannot change any more."))
    if scheduled_on is None:
        raise Invalid(_("Enter the day of the dialogue."), field="scheduled_on")
    if record.requested_on is not None and scheduled_on < record.requested_on:
        raise Invalid(_("The dialogue cannot be before the request (%(day)s).",
                        day=format_day(record.requested_on)), field="scheduled_on")
    if record.agenda_sent_on is not None:
        _agenda_in_time(case, record.agenda_sent_on, scheduled_on)
    old = record.scheduled_on
    record.scheduled_on, record.place = scheduled_on, nfc(place or "")
    record_event(case, actor, "dialogue_rescheduled", data={
        "from": old.isoformat(), "to": scheduled_on.isoformat()})
    db.session.flush()
    return record


def add_item(case: Case, actor, *, source: str, text: str) -> DialogueItem:
    """An item of the content: gathered before the dialogue, or raised at it."""
    _record(case)
    # Before the dialogue its content is gathered; at the dialogue, items raised there join it.
    record = "dialogue_minutes" if case.takes("dialogue_minutes") else "dialogue_agenda"
    RECORDS.require(actor, case, record, _("The content can no longer change at this step."))
    if source not in ITEM_SOURCES or source == "mandatory":
        raise Invalid(_("Say whose item this is."), field="source")
    text = nfc(text or "")
    if not text:
        raise Invalid(_("Enter the item."), field="text")
    position = (db.session.scalar(sa.select(sa.func.max(DialogueItem.position)).where(
        DialogueItem.case_id == case.id)) or 0) + 1
    item = DialogueItem(case_id=case.id, position=position, source=source, text=text)
    db.session.add(item)
    record_event(case, actor, "dialogue_item_added", data={"source": source})
    db.session.flush()
    return item


def _item(case: Case, item_id: int | None) -> DialogueItem:
    item = db.session.get(DialogueItem, item_id) if item_id else None
    if item is None or item.case_id != case.id:
        raise NotFound(_("Item not found."))
    return item


def remove_item(case: Case, actor, item_id: int) -> None:
    _record(case)
    RECORDS.require(actor, case, "dialogue_agenda",
                    _("The content can no longer change at this step."))
    item = _item(case, item_id)
    if item.source == "mandatory":
        raise Conflict(_("“%(item)s” is a mandatory item of every dialogue.",
                         item=rules.MANDATORY_ITEM))
    db.session.delete(item)
    db.session.flush()


def _agenda_in_time(case: Case, sent_on: date, scheduled_on: date) -> None:
    problem = rules.agenda_timing_problem(case, sent_on, scheduled_on)
    if problem:
        raise Invalid(problem, field="scheduled_on")


def hold_dialogue(case: Case, actor, *, held_on: date | None, place: str,
                  participants: list[dict], expected_version: int | None = None,
                  today: date | None = None) -> Case:
    """The dialogue took place: its day and place, both sides' participants (checked against
    the minimum for the employer's workforce on that day). Fires "hold" dated that day."""
    today = today or local_today()
    record = _record(case)
    if case.state != "agenda_sent":
        raise Conflict(_("Send the content and the invitation before the dialogue."))
    earliest = max((d for d in (record.requested_on, record.agenda_sent_on) if d is not None),
                   default=None)
    held_on = _day(held_on, "held_on", today=today, not_before=earliest,
                   before_message=_("The dialogue cannot be before the request or the sending "
                                    "of its content (%(day)s).", day=format_day(earliest))
                   if earliest else None)
    people = []
    for row in participants:
        name = nfc(row.get("name") or "").strip()
        if not name:
            continue
        if row.get("side") not in DIALOGUE_SIDES:
            raise Invalid(_("Each participant is on one of the two sides."), field="participants")
        people.append(DialogueParticipant(case_id=case.id, side=row["side"], name=name,
                                          position=nfc(row.get("position") or "").strip()))
    workers = record.employer.workers_on(held_on)
    db.session.execute(sa.delete(DialogueParticipant).where(
        DialogueParticipant.case_id == case.id))
    db.session.add_all(people)
    db.session.flush()
    problem = rules.participants_problem(case, workers)
    if problem:
        short = sum(p.side == "workers" for p in people) < rules.workers_side_minimum(workers)
        raise Invalid(problem, field="workers_side" if short else "employer_side")
    record.held_on, record.workers = held_on, workers
    record.place = nfc(place or "") or record.place
    transition_case(case, "hold", actor, expected_version=expected_version, today=held_on,
                    context={"data": {"held_on": held_on.isoformat(),
                                      "employer_id": record.employer_id}})
    return case


def record_minutes(case: Case, actor, *, outcomes: dict[int, dict],
                   signatories: set[int]) -> list[DialogueItem]:
    """Each item agreed or not (with what was agreed and by when), and who signs for each side."""
    record = _record(case)
    RECORDS.require(actor, case, "dialogue_minutes",
                    _("The minutes can only be written after the dialogue and before they are "
                      "signed."))
    items = rules.items_of(case)
    for item in items:
        values = outcomes.get(item.id) or {}
        outcome = values.get("outcome") or None
        if outcome not in (None, "agreed", "not_agreed"):
            raise Invalid(_("Each item is agreed or not agreed."), field="items")
        due_on = values.get("due_on") if outcome == "agreed" else None
        if due_on is not None and record.held_on and due_on < record.held_on:
            raise Invalid(_("An agreed item cannot be due before the dialogue."), field="items")
        item.outcome, item.outcome_note = outcome, nfc(values.get("note") or "")
        item.due_on = due_on
    for person in rules.participants_of(case):
        person.signs = person.id in signatories
    record_event(case, actor, "dialogue_minutes_saved", data={
        "agreed": sum(1 for i in items if i.outcome == "agreed"),
        "not_agreed": sum(1 for i in items if i.outcome == "not_agreed")})
    db.session.flush()
    return items


def publish_minutes(case: Case, actor, *, published_on: date | None, how: str,
                    expected_version: int | None = None, today: date | None = None) -> Case:
    """The minutes were made public to the workers on that day (late if after the rule's
    period: the deadline records it)."""
    today = today or local_today()
    record = _record(case)
    published_on = _day(published_on, "published_on", today=today, not_before=record.held_on,
                        before_message=_("The minutes cannot be made public before the dialogue "
                                         "(%(day)s).", day=format_day(record.held_on))
                        if record.held_on else None)
    how = nfc(how or "")
    if not how:
        raise Invalid(_("Say how the minutes were made public to the workers."), field="how")
    transition_case(case, "publish", actor, expected_version=expected_version,
                    today=published_on, context={"data": {"how": how}})
    record.published_on, record.published_how = published_on, how
    db.session.flush()
    return case


def follow_item(case: Case, actor, item_id: int, *, status: str, status_on: date | None,
                note: str, today: date | None = None) -> DialogueItem:
    """An agreed item done or not done, on a day; the timeline keeps it (the statistics read
    it from there)."""
    today = today or local_today()
    record = _record(case)
    RECORDS.require(actor, case, "dialogue_follow_up",
                    _("Agreed items are followed up once the minutes are public."))
    item = _item(case, item_id)
    if item.outcome != "agreed":
        raise Conflict(_("Only agreed items are followed up."))
    if status not in ("done", "not_done"):
        raise Invalid(_("Say whether the item was done."), field="status")
    status_on = _day(status_on, "status_on", today=today, not_before=record.held_on)
    note = nfc(note or "")
    if status == "not_done" and not note:
        raise Invalid(_("Say why the item was not done."), field="note")
    item.status, item.status_on, item.status_note = status, status_on, note
    record_event(case, actor, "dialogue_item_followed", comment=note, data={
        "item_id": item.id, "status": status, "on": status_on.isoformat()})
    db.session.flush()
    return item


SUPERVISION_TITLE = "Giám sát việc thực hiện nội dung đối thoại chưa thống nhất tại {employer}"
DUTIES_TITLE = "Giám sát việc thực hiện dân chủ ở cơ sở tại {employer}"


def supervise_item(case: Case, actor, item_id: int) -> Case:
    """A not-agreed item becomes a supervision (channel 5: dialogue), linked to the dialogue."""
    record = _record(case)
    item = _item(case, item_id)
    if item.outcome != "not_agreed":
        raise Conflict(_("Only an item not agreed at the dialogue opens a supervision."))
    if item.opened_case_id is not None:
        raise Conflict(_("A supervision has already been opened for this item."))
    opened = open_case(
        actor, case.org, SUPERVISION, kind="regular", channel="dialogue",
        intake_form="documents", title=SUPERVISION_TITLE.format(employer=record.employer.name),
        summary=item.text + (f"\n{item.outcome_note}" if item.outcome_note else ""),
        subject_kind="organisation", subject_name=record.employer.name, parent_id=case.id)
    item.opened_case_id = opened.id
    record_event(case, actor, "supervision_opened", data={"case": opened.code})
    db.session.flush()
    return opened


def supervise_duties(actor, employer: Employer, missing: list[str]) -> Case:
    """Missing or late yearly duties are a signal (channel 4: grassroots democracy): a
    supervision with the employer as subject, the missing items as its summary."""
    check_employer(actor, employer)
    if not permissions.can_create_in(actor, employer.org):
        raise Forbidden(_("Your role does not allow this in this unit."))
    if not missing:
        raise Conflict(_("Nothing is missing or late at this employer."))
    title = DUTIES_TITLE.format(employer=employer.name)
    # A second click (or a colleague's) must not open the same supervision twice.
    already = db.session.scalar(
        sa.select(Case.code).where(Case.org_id == employer.org_id, Case.family == SUPERVISION,
                                   Case.title == title, Case.closed_at.is_(None)).limit(1))
    if already:
        raise Conflict(_("A supervision of these duties is already open: %(code)s.",
                         code=already))
    return open_case(
        actor, employer.org, SUPERVISION, kind="regular", channel="democracy",
        intake_form="documents", title=title,
        summary="\n".join(missing), subject_kind="organisation", subject_name=employer.name)
