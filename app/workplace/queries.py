"""Readers of the workplace feature: employers in a user's scope, what each owes this year
(periodic dialogue, workers' conference, democracy regulations, inspection board), and the
share of employers of a subtree that held their periodic dialogue."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from app.auth import permissions
from app.cases.models import Case
from app.core.dates import format_day
from app.deadlines import queries as deadline_queries
from app.extensions import db
from app.orgs.models import Organisation, path_range
from app.workplace import rules
from app.workplace.models import (
    DemocracyRegulation,
    DialogueRecord,
    Employer,
    InspectionBoard,
    WorkersConference,
)

#: A dialogue case's record, content items and participants, for other packages' pages.
from app.workplace.rules import items_of, participants_of, record_of  # noqa: F401

#: The states of a yearly duty, most urgent first.
DUTY_STATES = ("overdue", "due_soon", "scheduled", "due", "held")


@dataclass
class Duty:
    """One yearly duty of an employer: when it was last done, when it is next due, and where
    it stands today."""
    last_on: date | None
    due_on: date
    state: str
    #: A dialogue case scheduled for it and not yet held.
    scheduled_case: Case | None = None


@dataclass
class Duties:
    employer: Employer
    year: int
    workers: int | None
    dialogue: Duty
    dialogue_this_year: date | None
    conference: Duty
    conference_this_year: date | None
    regulations_required: bool
    regulation: DemocracyRegulation | None
    board_applies: bool
    board: InspectionBoard | None
    missing: list[str] = field(default_factory=list)


def _duty(last_on: date | None, covered_since: date, rule_code: str, today: date,
          scheduled: Case | None = None) -> Duty:
    rule = deadline_queries.rule(rule_code)
    due_on = (last_on or covered_since) + timedelta(days=rule.days)
    if last_on is not None and last_on.year == today.year and due_on > today:
        state = "held"
    elif scheduled is not None:
        state = "scheduled"
    elif due_on < today:
        state = "overdue"
    elif due_on <= today + timedelta(days=rule.warn_before_days):
        state = "due_soon"
    else:
        state = "due"
    return Duty(last_on, due_on, state, scheduled)


def employers_in(user, org: Organisation | None = None, roles=None) -> sa.Select:
    """Employers covered by the units the user sees (or by `org`'s subtree; with `roles`, only
    where the user holds one of them), by unit and name."""
    stmt = (sa.select(Employer).options(selectinload(Employer.headcounts))
            .where(permissions.scope_condition(user, Employer.org_id, roles)))
    if org is not None:
        stmt = stmt.where(Employer.org_id.in_(
            sa.select(Organisation.id).where(Organisation.path.startswith(org.path,
                                                                          autoescape=True))))
    return stmt.order_by(Employer.org_id, Employer.name, Employer.id)


def get_employer_for(user, employer_id: int) -> Employer | None:
    employer = db.session.get(Employer, employer_id)
    if employer is None or not permissions.can_view_org(user, employer.org):
        return None
    return employer


def _last_periodic(employer_ids, until: date) -> dict[int, date]:
    rows = db.session.execute(
        sa.select(DialogueRecord.employer_id, sa.func.max(DialogueRecord.held_on))
        .join(Case, Case.id == DialogueRecord.case_id)
        .where(DialogueRecord.employer_id.in_(employer_ids), Case.kind == "periodic",
               DialogueRecord.held_on <= until)
        .group_by(DialogueRecord.employer_id))
    return dict(rows.all())


def _scheduled_periodic(employer_ids) -> dict[int, Case]:
    rows = db.session.execute(
        sa.select(DialogueRecord.employer_id, Case)
        .join(Case, Case.id == DialogueRecord.case_id)
        .where(DialogueRecord.employer_id.in_(employer_ids), Case.kind == "periodic",
               DialogueRecord.held_on.is_(None), Case.state.in_(("scheduled", "agenda_sent")))
        .order_by(DialogueRecord.scheduled_on))
    found: dict[int, Case] = {}
    for employer_id, case in rows.all():
        found.setdefault(employer_id, case)
    return found


def _last_conference(employer_ids, until: date) -> dict[int, date]:
    return dict(db.session.execute(
        sa.select(WorkersConference.employer_id, sa.func.max(WorkersConference.held_on))
        .where(WorkersConference.employer_id.in_(employer_ids),
               WorkersConference.held_on <= until)
        .group_by(WorkersConference.employer_id)).all())


def _latest_regulation(employer_ids, until: date) -> dict[int, DemocracyRegulation]:
    rows = db.session.scalars(
        sa.select(DemocracyRegulation)
        .where(DemocracyRegulation.employer_id.in_(employer_ids),
               DemocracyRegulation.issued_on <= until)
        .order_by(DemocracyRegulation.issued_on, DemocracyRegulation.id))
    return {row.employer_id: row for row in rows}


def _boards(employer_ids) -> dict[int, InspectionBoard]:
    rows = db.session.scalars(sa.select(InspectionBoard).where(
        InspectionBoard.employer_id.in_(employer_ids)).order_by(InspectionBoard.elected_on))
    return {row.employer_id: row for row in rows}


def duties_of(employers: list[Employer], today: date) -> list[Duties]:
    """What each employer owes this year, read in a fixed number of statements."""
    ids = [e.id for e in employers]
    if not ids:
        return []
    dialogues, scheduled = _last_periodic(ids, today), _scheduled_periodic(ids)
    conferences, regulations = _last_conference(ids, today), _latest_regulation(ids, today)
    boards = _boards(ids)
    result = []
    for employer in employers:
        workers = employer.workers_on(today)
        dialogue = _duty(dialogues.get(employer.id), employer.covered_since,
                         "dialogue.periodic", today, scheduled.get(employer.id))
        conference = _duty(conferences.get(employer.id), employer.covered_since,
                           "democracy.conference", today)
        required = rules.needs_regulations(workers)
        duties = Duties(
            employer=employer, year=today.year, workers=workers, dialogue=dialogue,
            dialogue_this_year=_this_year(dialogues.get(employer.id), today),
            conference=conference,
            conference_this_year=_this_year(conferences.get(employer.id), today),
            regulations_required=required, regulation=regulations.get(employer.id),
            board_applies=employer.kind in rules.BOARD_KINDS, board=boards.get(employer.id))
        duties.missing = missing_items(duties)
        result.append(duties)
    return result


def _this_year(day: date | None, today: date) -> date | None:
    return day if day is not None and day.year == today.year else None


def missing_items(d: Duties) -> list[str]:
    """The duties missing or late, as the summary of the supervision they may open (Vietnamese:
    it is the case's text)."""
    lines = []
    if d.dialogue.state == "overdue":
        lines.append(f"Chưa tổ chức đối thoại định kỳ tại nơi làm việc (hạn "
                     f"{format_day(d.dialogue.due_on)}; Bộ luật Lao động 2019, Điều 63).")
    if d.conference.state == "overdue":
        lines.append(f"Chưa tổ chức hội nghị người lao động hằng năm (hạn "
                     f"{format_day(d.conference.due_on)}).")
    if d.regulations_required and d.regulation is None:
        lines.append("Chưa ban hành quy chế dân chủ ở cơ sở tại nơi làm việc.")
    if d.board_applies and d.board is None:
        lines.append("Chưa có Ban thanh tra nhân dân.")
    return lines


def due_dialogues(user, today: date, limit: int = 20) -> list[Duties]:
    """Employers of the user's grassroots units whose periodic dialogue of the year is not yet
    held (overdue first, then due soon, scheduled, due), for the home page."""
    units = [a.org_id for a in user.roles if a.org.level == 4]
    if not units:
        return []
    employers = list(db.session.scalars(
        sa.select(Employer).options(selectinload(Employer.headcounts))
        .where(Employer.org_id.in_(units)).order_by(Employer.name)))
    rows = [d for d in duties_of(employers, today) if d.dialogue.state != "held"]
    rows.sort(key=lambda d: (DUTY_STATES.index(d.dialogue.state), d.dialogue.due_on))
    return rows[:limit]


def subtree_ids(org: Organisation) -> sa.Select:
    """The ids of `org`'s units (itself included). SQLite uses no index for an escaped prefix
    LIKE and read every unit (15 ms at 20,000 units, on every national home page): there the
    paths, compared bytewise, are one range of their index."""
    if db.session.get_bind().dialect.name == "sqlite":
        return sa.select(Organisation.id).where(path_range(Organisation.path, org.path))
    return sa.select(Organisation.id).where(
        Organisation.path.startswith(org.path, autoescape=True))


def dialogue_share(org: Organisation, year: int, until: date | None = None) -> dict:
    """Employers covered in `org`'s subtree (registered by the end of `year` or `until`) and how
    many held a periodic dialogue in that year, in one statement: {"employers", "held",
    "share"}."""
    end = min(date(year, 12, 31), until) if until else date(year, 12, 31)
    held = sa.exists().where(
        DialogueRecord.employer_id == Employer.id, DialogueRecord.case_id == Case.id,
        Case.kind == "periodic", DialogueRecord.held_on.between(date(year, 1, 1), end))
    # The whole tree's employers need no condition on their unit (the national home page).
    units = sa.true() if org.parent_id is None else Employer.org_id.in_(subtree_ids(org))
    total, held_count = db.session.execute(
        sa.select(sa.func.count(), sa.func.count().filter(held)).select_from(Employer)
        .where(units, Employer.covered_since <= end)).one()
    return {"employers": total or 0, "held": held_count or 0,
            "share": (held_count or 0) / total if total else None}


def dialogues_of_employer(employer: Employer) -> list[tuple[Case, DialogueRecord]]:
    return list(db.session.execute(
        sa.select(Case, DialogueRecord).join(DialogueRecord, DialogueRecord.case_id == Case.id)
        .where(DialogueRecord.employer_id == employer.id)
        .order_by(DialogueRecord.scheduled_on.desc(), Case.id.desc())).all())


def conferences_of(employer: Employer) -> list[WorkersConference]:
    return list(db.session.scalars(sa.select(WorkersConference).where(
        WorkersConference.employer_id == employer.id).order_by(WorkersConference.held_on.desc())))


def regulations_of(employer: Employer) -> list[DemocracyRegulation]:
    return list(db.session.scalars(sa.select(DemocracyRegulation).where(
        DemocracyRegulation.employer_id == employer.id)
        .order_by(DemocracyRegulation.issued_on.desc())))


def boards_of(employer: Employer) -> list[InspectionBoard]:
    return list(db.session.scalars(sa.select(InspectionBoard).where(
        InspectionBoard.employer_id == employer.id).order_by(InspectionBoard.elected_on.desc())))


def dialogues_about(case: Case) -> list[tuple[Case, DialogueRecord]]:
    """Dialogue cases opened from `case` (a supervision, a letter)."""
    return list(db.session.execute(
        sa.select(Case, DialogueRecord).join(DialogueRecord, DialogueRecord.case_id == Case.id)
        .where(Case.parent_id == case.id).order_by(Case.id)).all())


def employer_matching(user, case: Case) -> Employer | None:
    """The employer in the case's unit subtree named like the case's subject (to prefill a
    dialogue opened from that case)."""
    if not case.subject_name:
        return None
    return db.session.scalar(
        sa.select(Employer).where(Employer.org_id.in_(subtree_ids(case.org)),
                                  Employer.name == case.subject_name,
                                  permissions.scope_condition(user, Employer.org_id))
        .limit(1))


def workplace_figures(org: Organisation, date_from: date, date_to: date,
                      today: date | None = None) -> dict:
    """Dialogue and grassroots democracy figures of `org`'s subtree over a period, for the
    dashboard and the periodic report (app.workplace.stats)."""
    from app.workplace import stats

    return stats.figures(org, date_from, date_to, today)


def workplace_counts_by_unit(date_from: date, date_to: date,
                             today: date | None = None) -> dict:
    """The same counts for each unit on its own, for the reports' snapshots."""
    from app.workplace import stats

    return stats.counts_by_unit(date_from, date_to, today)


def workplace_totals(counts) -> dict:
    """Summed counts of units (workplace_counts_by_unit) as workplace_figures gives them: every
    count (0 when absent) and the share."""
    from app.workplace import stats

    return stats.with_share(counts)
