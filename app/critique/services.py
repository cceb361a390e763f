"""Writers of social critique records: the draft and its articles, meetings, written
consultations with their comments and reminders, the consolidated points and the drafting
body's responses.

Each checks the case's state and the actor's role, flushes, and leaves the commit to the view.
State changes still go through app.cases.services.transition_case.
"""
from __future__ import annotations

import re
from datetime import UTC, date, datetime

import sqlalchemy as sa
from flask_babel import gettext as _

from app.auth import permissions
from app.cases.records import RecordRules
from app.cases.services import attach_files, open_case, record_event
from app.core import uploads
from app.core.calendar import local_today
from app.core.errors import Conflict, Invalid, NotFound
from app.core.text import nfc
from app.critique.models import (
    MEETING_KINDS,
    POSITIONS,
    RESPONSES,
    ArticleComment,
    Consultation,
    ConsultationInvitee,
    Critique,
    CritiqueMeeting,
    CritiquePoint,
    DraftArticle,
)
from app.critique.rules import articles_of, notice, points_of
from app.extensions import db
from app.orgs.models import Organisation
from workflows.registry import get_workflow
from workflows.vocab import APPROVER, CRITIQUE, CRITIQUE_KINDS, HANDLER, INTAKE

#: Roles whose holders answer a consultation for their own unit.
OFFICER_ROLES = frozenset({HANDLER, APPROVER, INTAKE})
#: States in which invitees may still send comments (late ones are marked, not refused).
COMMENTING_STATES = get_workflow(CRITIQUE).states_taking("comments")
_ARTICLE_LINE = re.compile(r"^\s*Điều\s+(\d+[a-zđ]?)\s*[.:]\s*(.*)$", re.IGNORECASE)
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def _require_critique(case) -> None:
    if case.family != CRITIQUE:
        raise Invalid(_("This is not a social critique case."))


#: Who writes each record of a critique (roles in the case's unit or above) and, from the
#: workflow, when. The pages refuse others before reading the form.
RECORDS = RecordRules(writers={
    "articles": frozenset({HANDLER, INTAKE}),
    "meeting": frozenset({HANDLER}),
    "consultation": frozenset({HANDLER}),
    "reminder": frozenset({HANDLER}),
    "points": frozenset({HANDLER}),
    "response": frozenset({HANDLER, INTAKE}),
    # Comments typed in for an invitee outside the system (invitees answer on their own page).
    "comments": frozenset({HANDLER}),
})
can_write, can_edit = RECORDS.can_write, RECORDS.can_edit


def split_articles(text: str) -> list[dict]:
    """Rows {number, heading, text} from a pasted draft, one per line starting "Điều N."."""
    rows: list[dict] = []
    for line in nfc(text or "").splitlines():
        match = _ARTICLE_LINE.match(line)
        if match:
            rows.append({"number": match.group(1), "heading": match.group(2).strip(), "text": ""})
        elif rows and line.strip():
            rows[-1]["text"] = "\n".join(filter(None, (rows[-1]["text"], line.strip())))
    return rows


def _clean_articles(rows) -> list[dict]:
    cleaned = []
    for row in rows:
        number = nfc(row.get("number") or "").removeprefix("Điều ").strip()
        heading, text = nfc(row.get("heading") or ""), nfc(row.get("text") or "")
        if not number and not heading and not text:
            continue
        if not number:
            raise Invalid(_("Every article needs its number."), field="articles")
        if len(number) > 20 or len(heading) > 300:
            raise Invalid(_("An article number has at most 20 characters and a heading at most "
                            "300."), field="articles")
        cleaned.append({"number": number, "heading": heading, "text": text})
    numbers = [r["number"].lower() for r in cleaned]
    if len(numbers) != len(set(numbers)):
        raise Invalid(_("Two articles have the same number."), field="articles")
    return cleaned


def register_draft(actor, org, *, title: str, drafting_body: str, kind: str,
                   received_on: date | None, submission_on: date | None, summary: str = "",
                   articles: list[dict] | None = None, files=()) -> Critique:
    """Log a draft received for critique: a critique case, its draft and articles, the text."""
    title, drafting_body = nfc(title or ""), nfc(drafting_body or "")
    received_on = received_on or local_today()
    if not drafting_body:
        raise Invalid(_("Name the drafting body."), field="drafting_body")
    if kind not in CRITIQUE_KINDS:
        raise Invalid(_("Choose the kind of draft."), field="kind")
    if submission_on is None:
        raise Invalid(_("Give the date the draft will be submitted."), field="submission_on")
    if submission_on < received_on:
        raise Invalid(_("The draft cannot be submitted before it was received."),
                      field="submission_on")
    rows = _clean_articles(articles or [])
    uploads.check_files(files)  # refuse a bad file before anything is added
    case = open_case(actor, org, CRITIQUE, kind=kind, channel="report", intake_form="forwarded",
                     title=title, summary=nfc(summary or ""), subject_kind="organisation",
                     subject_name=drafting_body, received_on=received_on)
    critique = Critique(case_id=case.id, drafting_body=drafting_body, submission_on=submission_on)
    db.session.add(critique)
    _store_articles(case, rows)
    db.session.flush()
    names = attach_files(case, actor, "critique_draft", critique.id, files)
    n = notice(received_on, submission_on)
    record_event(case, actor, "draft_registered", data={
        "drafting_body": drafting_body, "submission_on": submission_on.isoformat(),
        "notice_days": n.days, "short_notice": n.is_short, "articles": len(rows),
        "attachments": names})
    db.session.flush()
    return critique


def _store_articles(case, rows) -> None:
    for i, row in enumerate(rows, start=1):
        db.session.add(DraftArticle(case_id=case.id, position=i, **row))


def set_articles(case, actor, rows: list[dict]) -> list[DraftArticle]:
    """Replace the draft's articles; only before comments are asked for (they refer to them)."""
    _require_critique(case)
    RECORDS.require(actor, case, "articles",
                    _("The articles can no longer be changed: comments refer to them."))
    cleaned = _clean_articles(rows)
    if not cleaned:
        raise Invalid(_("Enter at least one article."), field="articles")
    for old in articles_of(case):
        db.session.delete(old)
    db.session.flush()
    _store_articles(case, cleaned)
    record_event(case, actor, "articles_saved", data={"articles": len(cleaned)})
    db.session.flush()
    return articles_of(case)


def record_meeting(case, actor, *, kind: str, held_on: date | None, place: str,
                   participants: str, minutes: str,
                   meeting: CritiqueMeeting | None = None) -> CritiqueMeeting:
    """Invite to a critique conference or a dialogue with the drafters; add the minutes later."""
    _require_critique(case)
    RECORDS.require(actor, case, "meeting",
                    _("Conferences and dialogues are recorded while comments are gathered."))
    if kind not in MEETING_KINDS:
        raise Invalid(_("Unknown kind of meeting."))
    if held_on is None:
        raise Invalid(_("The date is required."), field="held_on")
    if not nfc(participants or ""):
        raise Invalid(_("Name the participants."), field="participants")
    if nfc(minutes or "") and held_on > local_today():
        raise Invalid(_("Minutes can be recorded once the meeting has been held."),
                      field="minutes")
    if meeting is None:
        meeting = CritiqueMeeting(case_id=case.id, kind=kind)
        db.session.add(meeting)
    meeting.held_on, meeting.place = held_on, nfc(place or "")
    meeting.participants, meeting.minutes = nfc(participants), nfc(minutes or "")
    meeting.recorded_by_id = actor.id
    record_event(case, actor, "critique_meeting", data={
        "kind": kind, "held_on": held_on.isoformat(), "minutes": bool(meeting.minutes)})
    db.session.flush()
    return meeting


def invitable_units(case) -> list[Organisation]:
    """Active units below the case's unit, top-down."""
    return list(db.session.scalars(
        sa.select(Organisation)
        .where(Organisation.path.startswith(case.org.path, autoescape=True),
               Organisation.id != case.org_id, Organisation.dissolved_on.is_(None))
        .order_by(Organisation.path)))


def send_consultation(case, actor, *, deadline: date | None, org_ids, experts, message: str = "",
                      today: date | None = None) -> Consultation:
    """Send the draft to lower units and named experts for comments by `deadline`."""
    _require_critique(case)
    RECORDS.require(actor, case, "consultation", _("Open the consultation stage first."))
    today = today or local_today()
    if deadline is None or deadline < today:
        raise Invalid(_("The deadline for comments must be today or later."), field="deadline")
    allowed = {u.id: u for u in invitable_units(case)}
    units = []
    for org_id in dict.fromkeys(org_ids or ()):
        if org_id not in allowed:
            raise Invalid(_("Only units below yours can be invited."), field="org_ids")
        units.append(allowed[org_id])
    people = []
    for e in experts or ():
        name, org, email = (nfc(e.get(k) or "") for k in ("name", "organisation", "email"))
        if not (name or org or email):
            continue
        if not name or not _EMAIL.match(email):
            raise Invalid(_("Every expert needs a name and a valid e-mail address."),
                          field="experts")
        people.append({"expert_name": name, "expert_org": org, "expert_email": email})
    if not units and not people:
        raise Invalid(_("Invite at least one unit or expert."), field="org_ids")
    consultation = Consultation(case_id=case.id, deadline=deadline, message=nfc(message or ""),
                                sent_by_id=actor.id)
    db.session.add(consultation)
    db.session.flush()
    for unit in units:
        db.session.add(ConsultationInvitee(consultation_id=consultation.id, org_id=unit.id))
    for person in people:
        db.session.add(ConsultationInvitee(consultation_id=consultation.id, **person))
    record_event(case, actor, "consultation_sent", data={
        "deadline": deadline.isoformat(), "units": [u.name for u in units],
        "experts": [p["expert_name"] for p in people]})
    db.session.flush()
    return consultation


def officer_org_ids(user) -> set[int]:
    """Units where the user answers consultations: where they hold an officer role themselves."""
    return {a.org_id for a in user.roles if a.role in OFFICER_ROLES}


def can_answer(user, invitee: ConsultationInvitee) -> bool:
    """The invited unit's own officers, or the inviting unit's handler (on an expert's or a
    unit's behalf, for comments received on paper)."""
    if invitee.org_id is not None and invitee.org_id in officer_org_ids(user):
        return True
    return HANDLER in permissions.roles_in(user, invitee.consultation.case.org)


def submit_comments(invitee: ConsultationInvitee, actor, entries: list[dict],
                    today: date | None = None) -> list[ArticleComment]:
    """Save the invitee's comments, one per article; after the deadline they are marked late."""
    if not can_answer(actor, invitee):
        raise NotFound(_("Consultation not found."))
    case = invitee.consultation.case
    if not case.takes("comments"):
        raise Conflict(_("Comments are no longer taken: the critique has been submitted for "
                         "approval."))
    today = today or local_today()
    late = today > invitee.consultation.deadline
    articles = {a.id: a for a in articles_of(case)}
    existing = {c.article_id: c for c in invitee.comments}
    saved = []
    for entry in entries:
        position = entry.get("position") or ""
        if not position:
            continue
        article = articles.get(entry.get("article_id"))
        if article is None or position not in POSITIONS:
            raise Invalid(_("The form is incomplete; reload the page."))
        text = nfc(entry.get("text") or "")
        if position == "amend" and not text:
            raise Invalid(_("Write the change you propose to %(article)s.",
                            article=article.reference), field="comments")
        comment = existing.get(article.id) or ArticleComment(invitee=invitee, article_id=article.id)
        comment.position, comment.text, comment.is_late = position, text, late
        comment.author_id, comment.updated_at = actor.id, datetime.now(UTC)
        db.session.add(comment)
        saved.append(comment)
    if not saved:
        raise Invalid(_("Give your opinion on at least one article."), field="comments")
    invitee.responded_at = invitee.responded_at or datetime.now(UTC)
    invitee.is_late = invitee.is_late or late
    record_event(case, actor, "consultation_comments", data={
        "invitee": invitee.name, "comments": len(saved), "late": late})
    db.session.flush()
    return saved


def send_reminder(consultation: Consultation, actor) -> list[ConsultationInvitee]:
    """Remind every invitee that has not answered yet; the invitees see it on their request."""
    case = consultation.case
    RECORDS.require(actor, case, "reminder", _("Comments are no longer taken."))
    missing = [i for i in consultation.invitees if i.responded_at is None]
    if not missing:
        raise Invalid(_("Every invitee has answered; nobody to remind."))
    now = datetime.now(UTC)
    for invitee in missing:
        invitee.reminder_count += 1
        invitee.reminded_at = now
    record_event(case, actor, "consultation_reminder", data={
        "invitees": [i.name for i in missing],
        "deadline": consultation.deadline.isoformat()})
    db.session.flush()
    return missing


def save_points(case, actor, points: list[dict]) -> list[CritiquePoint]:
    """Write the consolidated critique: the points the union raises, each optionally on an
    article; replaces the previous draft of the points."""
    _require_critique(case)
    RECORDS.require(actor, case, "points",
                    _("The points are written while consolidating (or after a return)."))
    articles = {a.id for a in articles_of(case)}
    rows = []
    for p in points:
        text = nfc(p.get("text") or "")
        if not text:
            continue
        article_id = p.get("article_id") or None
        if article_id is not None and article_id not in articles:
            raise Invalid(_("The form is incomplete; reload the page."))
        rows.append((article_id, text))
    if not rows:
        raise Invalid(_("Write at least one point of the critique."), field="points")
    for old in points_of(case):
        db.session.delete(old)
    db.session.flush()
    for i, (article_id, text) in enumerate(rows, start=1):
        db.session.add(CritiquePoint(case_id=case.id, position=i, article_id=article_id,
                                     text=text, author_id=actor.id))
    record_event(case, actor, "points_saved", data={"points": len(rows)})
    db.session.flush()
    return points_of(case)


def record_response(point: CritiquePoint, case, actor, *, response: str, text: str,
                    responded_on: date | None) -> CritiquePoint:
    """The drafting body's answer to one point: taken in, explained, or not taken in."""
    RECORDS.require(actor, case, "response",
                    _("Responses are recorded once the critique has been issued."))
    if response not in RESPONSES:
        raise Invalid(_("Choose how the drafting body answered."), field="response")
    text = nfc(text or "")
    if response != "taken_in" and not text:
        raise Invalid(_("Give the drafting body's explanation."), field="text")
    if responded_on is None or responded_on > local_today():
        raise Invalid(_("The date of the response is missing or in the future."),
                      field="responded_on")
    point.response, point.response_text = response, text
    point.responded_on, point.response_by_id = responded_on, actor.id
    record_event(case, actor, "critique_response", data={
        "point": point.position, "response": response})
    db.session.flush()
    return point
