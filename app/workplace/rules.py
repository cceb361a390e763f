"""The legal figures of workplace dialogue and democracy as data, and the guards of the dialogue
workflow (workflows/dialogue.py).

Day counts live in the deadline rule table (app.core.deadline_rules: dialogue.periodic,
dialogue.agenda, dialogue.publish, democracy.conference), so admins can correct them; the
figures here are counts of people and workers, each with its basis and verification tag."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa
from flask_babel import gettext as _

from app.core.dates import format_day
from app.extensions import db
from app.workplace import feature
from app.workplace.models import DialogueItem, DialogueParticipant, DialogueRecord
from workflows.vocab import DIALOGUE

DECREE_145 = "Nghị định 145/2020/NĐ-CP (Chính phủ, 14/12/2020)"


@dataclass(frozen=True)
class Minimum:
    """At least `people` on the workers' side when the employer has fewer than `below` workers
    (None: no upper bound)."""
    below: int | None
    people: int


#: Participants of the workers' side by workforce (Điều 38 khoản 2 điểm a: "ít nhất 03 người"
#: under 50, "từ 04 đến 08" from 50, "từ 09 đến 13" from 150, "từ 14 đến 18" from 300, "từ 19
#: đến 23" from 500, "ít nhất 24" from 1,000: the lower bound of each bracket), and of the
#: employer's side (khoản 1: "ít nhất 03 người, trong đó có người đại diện theo pháp luật").
WORKERS_SIDE_MINIMUMS: tuple[Minimum, ...] = (
    Minimum(50, 3), Minimum(150, 4), Minimum(300, 9), Minimum(500, 14), Minimum(1000, 19),
    Minimum(None, 24),
)
EMPLOYER_SIDE_MINIMUM = 3
PARTICIPANTS_BASIS = f"{DECREE_145}, Điều 38"
PARTICIPANTS_STATUS = "V"

#: Employers with fewer workers are not asked for regulations on democracy at the workplace.
#: The issue cites Hướng dẫn 41/HD-TLĐ (2021); it has been replaced by Hướng dẫn 11/HD-TLĐ
#: (14/3/2024), which a secondary source says only encourages such employers. Not verified:
#: shown as the unit's own rule (REGULATION_STATUS "P").
REGULATION_THRESHOLD = 10
REGULATION_BASIS = "Hướng dẫn 41/HD-TLĐ (Tổng Liên đoàn Lao động Việt Nam, 11/11/2021)"
REGULATION_STATUS = "P"

#: The item every dialogue must discuss (Bộ luật Lao động 2019 Điều 64 khoản 1 điểm c).
MANDATORY_ITEM = "Điều kiện làm việc"

#: Kinds of employer that have a People's Inspection Board (Ban thanh tra nhân dân): state
#: agencies, public service units and state-owned enterprises, not private ones (Luật Thực
#: hiện dân chủ ở cơ sở 2022; Điều 67 for state-owned enterprises).
BOARD_KINDS = frozenset({"public_unit", "agency", "state_enterprise"})


def workers_side_minimum(workers: int | None) -> int:
    """The fewest people the workers' side may field for a workforce of `workers`."""
    if workers is None:
        return WORKERS_SIDE_MINIMUMS[0].people
    for row in WORKERS_SIDE_MINIMUMS:
        if row.below is None or workers < row.below:
            return row.people
    return WORKERS_SIDE_MINIMUMS[-1].people


def needs_regulations(workers: int | None) -> bool:
    return workers is not None and workers >= REGULATION_THRESHOLD


def record_of(case) -> DialogueRecord | None:
    """The dialogue case's record (employer, kind, dates); None for any other case."""
    if case.family != DIALOGUE:
        return None
    return db.session.get(DialogueRecord, case.id)


def items_of(case) -> list[DialogueItem]:
    return list(db.session.scalars(sa.select(DialogueItem).where(
        DialogueItem.case_id == case.id).order_by(DialogueItem.position, DialogueItem.id)))


def participants_of(case) -> list[DialogueParticipant]:
    return list(db.session.scalars(sa.select(DialogueParticipant).where(
        DialogueParticipant.case_id == case.id).order_by(DialogueParticipant.side,
                                                         DialogueParticipant.id)))


def agenda_problem(case) -> str | None:
    record = record_of(case)
    if record is None:
        return _("This dialogue has no employer; open it from the employer's page.")
    items = items_of(case)
    if not any(i.source == "mandatory" for i in items):
        return _("The content must include the mandatory item “%(item)s” (Bộ luật Lao động "
                 "2019, Điều 64).", item=MANDATORY_ITEM)
    if not any(i.source == "workers" for i in items):
        return _("Gather at least one proposal of the workers before sending the content.")
    return None


def agenda_timing_problem(case, sent_on: date, scheduled_on: date) -> str | None:
    """The content sent on `sent_on` reaches the other side too late for a dialogue on
    `scheduled_on` (rule dialogue.agenda, counted on the unit's calendar)."""
    from app.core.deadline_rules import shown_basis
    from app.deadlines import queries as deadline_queries
    from app.deadlines import services as deadlines

    rule = deadline_queries.rule("dialogue.agenda")
    calendar = deadlines.work_calendar(case.org)
    earliest = (calendar.add_working_days(sent_on, rule.days) if rule.unit == "working"
                else calendar.add_calendar_days(sent_on, rule.days))
    if scheduled_on >= earliest:
        return None
    return _("The content must reach the other side at least %(days)d %(unit)s before the "
             "dialogue (%(basis)s): sent on %(sent)s, the dialogue can be held on %(earliest)s "
             "at the earliest. Move the dialogue's day first.",
             days=rule.days, unit=_("working days") if rule.unit == "working" else _("days"),
             basis=shown_basis(rule), sent=format_day(sent_on), earliest=format_day(earliest))


@feature.guard("dialogue_agenda_ready")
def dialogue_agenda_ready(case, actor, context):
    record = record_of(case)
    return agenda_problem(case) or agenda_timing_problem(case, context["today"],
                                                         record.scheduled_on)


@feature.effect("dialogue", "send_agenda")
def agenda_sent(case, actor, context):
    record_of(case).agenda_sent_on = context["today"]


def participants_problem(case, workers: int | None) -> str | None:
    people = participants_of(case)
    on_workers = sum(1 for p in people if p.side == "workers")
    on_employer = sum(1 for p in people if p.side == "employer")
    need = workers_side_minimum(workers)
    if on_workers < need:
        return _("The workers' side needs at least %(need)d participants for %(workers)s "
                 "workers (%(basis)s); %(have)d entered.", need=need,
                 workers=workers if workers is not None else "?", basis=PARTICIPANTS_BASIS,
                 have=on_workers)
    if on_employer < EMPLOYER_SIDE_MINIMUM:
        return _("The employer's side needs at least %(need)d participants (%(basis)s); "
                 "%(have)d entered.", need=EMPLOYER_SIDE_MINIMUM, basis=PARTICIPANTS_BASIS,
                 have=on_employer)
    return None


@feature.guard("dialogue_participants_enough")
def dialogue_participants_enough(case, actor, context):
    record = record_of(case)
    return participants_problem(case, record.workers if record else None)


def minutes_problem(case) -> str | None:
    items = items_of(case)
    if not items:
        return _("The minutes have no items.")
    undecided = [i for i in items if i.outcome is None]
    if undecided:
        return _("Record whether each item was agreed or not (%(count)d left).",
                 count=len(undecided))
    people = participants_of(case)
    for side, message in (
            ("workers", _("The minutes need a signatory for the workers' side.")),
            ("employer", _("The minutes need a signatory for the employer's side."))):
        if not any(p.signs and p.side == side for p in people):
            return message
    return None


@feature.guard("dialogue_minutes_complete")
def dialogue_minutes_complete(case, actor, context):
    return minutes_problem(case)


@feature.guard("dialogue_items_settled")
def dialogue_items_settled(case, actor, context):
    open_items = [i for i in items_of(case) if i.outcome == "agreed" and i.status is None]
    if open_items:
        first = min(open_items, key=lambda i: (i.due_on is None, i.due_on, i.id))
        return _("%(count)d agreed items are still being followed up (the first due %(day)s).",
                 count=len(open_items),
                 day=format_day(first.due_on) if first.due_on else "—")
    return None


def held_on(case) -> date | None:
    """The day the dialogue ended (start event "dialogue_held" of rule dialogue.publish)."""
    record = record_of(case)
    return record.held_on if record is not None else None
