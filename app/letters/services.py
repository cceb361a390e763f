"""Writers of letters: log one, classify it, link a duplicate, open a second complaint.

Each validates plain values, flushes, and leaves the commit to the view. State changes go
through app.cases.services.transition_case. A change of what the letter's deadlines depend on
(its kind, complaint round, complexity or remote area) is followed by
app.deadlines.services.recompute, in the same transaction.
"""
from __future__ import annotations

import re
from datetime import date

from flask_babel import gettext as _

from app.auth import permissions
from app.cases.services import attach_files, open_case, record_event, transition_case
from app.core import uploads
from app.core.calendar import local_today
from app.core.dates import format_day
from app.core.errors import Conflict, Forbidden, Invalid
from app.core.text import fold_name, nfc
from app.deadlines import services as deadlines
from app.extensions import db
from app.identity.services import Reporter, note_kind, reveal, was_ever_sealed
from app.letters import rules
from app.letters.models import COMPLEXITY_LEVELS, FORWARD_RESULTS
from app.letters.rules import details_of, primary_of
from workflows.vocab import LETTER, LETTER_KINDS

#: Attachments that came with the letter (anything revealing the sender is sealed instead).
OWNER_KIND = "letter"
#: States of a first complaint from which a second complaint may be lodged.
SECOND_COMPLAINT_FROM = ("resolved", "closed")


def _names_sender(reporter: Reporter, *texts: str) -> bool:
    """The sender's name (folded, as whole words) appears in one of the texts."""
    haystack = f" {fold_name(' '.join(texts))} "
    for name in (reporter.name, reporter.representative, *reporter.signers):
        folded = fold_name(name)
        if len(folded.split()) >= 2 and re.search(rf"(?<!\w){re.escape(folded)}(?!\w)",
                                                  haystack):
            return True
    return False


def receive_letter(actor, org, *, title: str, summary: str, channel: str, intake_form: str,
                   received_on: date | None = None, is_anonymous: bool = False,
                   reporter: Reporter | None = None, signer_count: int | None = None,
                   subject: dict | None = None, files=(), sender_files=(),
                   kind: str | None = None, parent_id: int | None = None,
                   confidential: bool = False):
    """Log a letter received by `actor`: the case, its details, its documents.

    The sender (and scans in their hand) are sealed apart from the case by open_case; the
    title, content and subject must not name them, since those are searchable. A sender who
    asks for confidentiality (`confidential`) is sealed for good, whatever the letter's kind.
    """
    title, summary = nfc(title or ""), nfc(summary or "")
    reporter = reporter or Reporter()
    if not summary:
        raise Invalid(_("The content of the letter is required: summarise what the sender "
                        "asks or reports."), field="summary")
    if is_anonymous and not reporter.is_empty():
        raise Invalid(_("An anonymous letter has no sender: clear the sender's details or "
                        "untick “anonymous”."), field="is_anonymous")
    if not is_anonymous and not nfc(reporter.name):
        raise Invalid(_("Give the sender's name (the representative's, when several sign), "
                        "or tick “anonymous”."), field="sender_name")
    subject = {k: nfc(v) for k, v in (subject or {}).items()}
    if not is_anonymous and _names_sender(reporter, title, summary,
                                          *(v or "" for v in subject.values())):
        raise Invalid(_("The title, content or subject names the sender. The sender's identity "
                        "is kept apart from the case: write them without it."), field="summary")
    signers = 1 + len(reporter.signers) if reporter.signers else 1
    if signer_count is not None and signer_count < signers:
        raise Invalid(_("The number of signers is smaller than the names given."),
                      field="signer_count")
    uploads.check_files(list(files))  # refuse a bad file before anything is saved
    case = open_case(
        actor, org, LETTER, channel=channel, intake_form=intake_form, title=title,
        summary=summary, is_anonymous=is_anonymous, kind=kind, parent_id=parent_id,
        reporter=None if is_anonymous else reporter,
        reporter_files=() if is_anonymous else sender_files,
        reporter_confidential=confidential and not is_anonymous,
        **({"received_on": received_on} if received_on else {}), **subject)
    letter = details_of(case)
    letter.received_by_id, letter.signer_count = actor.id, signer_count or signers
    names = attach_files(case, actor, OWNER_KIND, None, files)
    if names:
        record_event(case, actor, "letter_documents", data={"files": names})
    db.session.flush()
    return case


def classify_letter(case, actor, *, kind: str, is_valid: bool, invalid_reason: str = "",
                    names_violator: bool = False, has_evidence: bool = False,
                    within_competence: bool, competent_body: str = "",
                    complexity: str = "normal", remote_area: bool = False, comment: str = "",
                    expected_version: int | None = None):
    """Classify a received letter (fires "classify"), or correct the classification of a
    classified one before any decision is taken on it. The screening deadline follows the new
    kind and modifiers."""
    invalid_reason, competent_body = nfc(invalid_reason or ""), nfc(competent_body or "")
    if kind not in LETTER_KINDS:
        raise Invalid(_("Choose the kind of letter."), field="kind")
    if complexity not in COMPLEXITY_LEVELS:
        raise Invalid(_("Choose the complexity."), field="complexity")
    if case.is_anonymous and is_valid and not (names_violator and has_evidence):
        raise Invalid(_("An anonymous letter is valid for processing only when its content "
                        "names the violator and concrete evidence is attached "
                        "(Luật Tố cáo 2018, Điều 25)."), field="is_valid")
    if not is_valid and not invalid_reason:
        raise Invalid(_("Give the reason the letter is not valid for processing."),
                      field="invalid_reason")
    if not within_competence and not competent_body:
        raise Invalid(_("Name the competent body the letter belongs to."),
                      field="competent_body")
    values = {
        "is_valid": is_valid, "invalid_reason": "" if is_valid else invalid_reason,
        "names_violator": names_violator, "has_evidence": has_evidence,
        "within_competence": within_competence,
        "competent_body": "" if within_competence else competent_body,
        "complexity": complexity, "remote_area": remote_area,
    }
    if rules.classifies_first(case):
        case.kind = kind
        transition_case(case, "classify", actor, comment=comment,
                        expected_version=expected_version, context={"classification": values})
        deadlines.recompute(case, actor)
        note_kind(case, actor)
        db.session.flush()
        return case
    if not case.takes("classification"):
        raise Conflict(_("The classification can no longer be changed: a decision was "
                         "taken on the letter."))
    if not rules.can_classify(actor, case):
        raise Forbidden(_("Your role does not allow this in this unit."))
    if expected_version is not None and expected_version != case.version:
        raise Conflict(_("Someone else updated this case after you opened it. "
                         "Reload the page and check its current state."))
    case.kind = kind
    letter = details_of(case)
    for key, value in values.items():
        setattr(letter, key, value)
    record_event(case, actor, "letter_reclassified", comment=nfc(comment or ""),
                 data={"kind": kind, "valid": is_valid, "within_competence": within_competence,
                       "complexity": complexity, "remote_area": remote_area})
    deadlines.recompute(case, actor)
    note_kind(case, actor)  # a seal, once set, outlives the kind; only the leader lifts it
    db.session.flush()
    return case


def mark_duplicate(case, actor, primary, *, comment: str = "",
                   expected_version: int | None = None):
    """Link `case` to the earlier letter `primary` and close it as merged (one handling)."""
    if primary is None or not permissions.can_view_case(actor, primary):
        raise Invalid(_("The letter it duplicates does not exist."))
    return transition_case(case, "merge_duplicate", actor, comment=comment,
                           expected_version=expected_version,
                           context={"duplicate_of": primary_of(primary)})


def accept_letter(case, actor, *, accepted_on: date, comment: str,
                  expected_version: int | None = None, today: date | None = None):
    """Thụ lý: fire "accept" on the day the officer entered (ngày thụ lý), not later than today
    and not before the letter was received; the resolution deadline counts from that day and
    the timeline event is dated with it."""
    today = today or local_today()
    if accepted_on > today:
        raise Invalid(_("The acceptance date cannot be later than today (%(day)s).",
                        day=format_day(today)), field="accepted_on")
    if accepted_on < case.received_on:
        raise Invalid(_("The acceptance date cannot be before the day the letter was received "
                        "(%(day)s).", day=format_day(case.received_on)), field="accepted_on")
    return transition_case(case, "accept", actor, comment=comment,
                           expected_version=expected_version, today=accepted_on)


def superior_of(case):
    """Where a second complaint against `case` is lodged: the unit above the one that resolved
    the first (Luật Khiếu nại 2011, Điều 33); None at the top unit."""
    return case.org.parent


def can_open_second_complaint(user, case) -> bool:
    if not (case.family == LETTER and case.kind == "complaint"
            and case.state in SECOND_COMPLAINT_FROM):  # before reading the unit above
        return False
    superior = superior_of(case)
    return (superior is not None
            and case.letter is not None and case.letter.complaint_round == 1
            and permissions.can_create_in(user, superior)
            and not any(c.family == LETTER for c in case.children))


def open_second_complaint(first, actor, *, title: str, summary: str,
                          received_on: date | None = None, files=()):
    """Khiếu nại lần hai: a new complaint at the superior unit, linked to the settled first
    one (Case.parent), same complainant."""
    if not can_open_second_complaint(actor, first):
        raise Conflict(_("A second complaint is lodged, once, with the unit above the one "
                         "that resolved the first complaint, against a first complaint that "
                         "has a result."))
    reporter = None if first.is_anonymous else reveal(first, actor, "second_complaint")
    case = receive_letter(
        actor, superior_of(first), title=title, summary=summary, channel=first.channel,
        intake_form=first.intake_form, received_on=received_on,
        is_anonymous=first.is_anonymous or reporter is None, reporter=reporter,
        signer_count=first.letter.signer_count, files=files, kind="complaint",
        parent_id=first.id, confidential=was_ever_sealed(first),
        subject={k: getattr(first, k) for k in (
            "subject_kind", "subject_name", "subject_category", "subject_position",
            "subject_unit", "subject_party_committee")})
    details_of(case).complaint_round = 2
    deadlines.recompute(case, actor)
    record_event(first, actor, "second_complaint_opened", data={"case": case.code})
    db.session.flush()
    return case


# -- a forwarded letter followed up until the receiving body answers -------------------------


def record_forward_reply(case, actor, *, received_on: date | None, text: str, result: str,
                         document_number: str = "", document_date: date | None = None,
                         expected_version: int | None = None, today: date | None = None):
    """Record what the body the letter was forwarded to answered, and its result; fires
    "record_reply" on the day the reply was received, which meets the reply deadline. The
    record holds no sender. Refusals raise before anything is added."""
    today = today or local_today()
    text, document_number = nfc(text or "").strip(), nfc(document_number or "").strip()
    if not text:
        raise Invalid(_("Summarise what the receiving body answered."), field="text")
    if result not in FORWARD_RESULTS:
        raise Invalid(_("Choose the result of the reply."), field="result")
    if received_on is None:
        raise Invalid(_("Enter the date the reply was received."), field="received_on")
    if received_on > today:
        raise Invalid(_("The reply date cannot be in the future."), field="received_on")
    forwarded_on = case.letter.forwarded_on if case.letter is not None else None
    if forwarded_on is not None and received_on < forwarded_on:
        raise Invalid(_("The reply cannot have been received before the letter was forwarded "
                        "(%(day)s).", day=format_day(forwarded_on)), field="received_on")
    if document_date is not None and (document_date > received_on
                                      or (forwarded_on and document_date < forwarded_on)):
        raise Invalid(_("The date of the body's document must lie between the forwarding and "
                        "the day its reply was received."), field="document_date")
    if document_date is not None and not document_number:
        raise Invalid(_("Give the number of the body's document, or clear its date."),
                      field="document_number")
    return transition_case(case, "record_reply", actor, comment=text,
                           expected_version=expected_version, today=received_on, context={
                               "forward_reply": {
                                   "received_on": received_on, "text": text, "result": result,
                                   "document_number": document_number,
                                   "document_date": document_date}})


def escalate_forward(case, actor, *, superior: str, comment: str,
                     expected_version: int | None = None):
    """Kiến nghị cấp trên: the receiving body has not answered after the reminder; the letter is
    taken to that body's superior (named), and a new reply deadline runs from today."""
    superior = nfc(superior or "").strip()
    if not superior:
        raise Invalid(_("Name the superior of the receiving body."), field="superior")
    if len(superior) > 255:
        raise Invalid(_("The name is too long (at most 255 characters)."), field="superior")
    return transition_case(case, "escalate", actor, comment=comment,
                           expected_version=expected_version, context={"superior": superior})
