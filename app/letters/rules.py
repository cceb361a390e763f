"""Letter guards and effects (on the feature's plugin) and the small reads they use.

Luật Khiếu nại 2011, Luật Tố cáo 2018 (Điều 25: anonymous letters), domain.md §4.3.
"""
from __future__ import annotations

import hashlib
from difflib import SequenceMatcher

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.orm import joinedload

from app.auth import permissions
from app.auth.permissions import scope_condition
from app.cases.models import SUBJECT_KEY_LENGTH, Case, CaseEvent, subject_key_of
from app.core.text import fold
from app.extensions import db
from app.letters import feature
from app.letters.models import ForwardReply, LetterDetails
from workflows.vocab import LETTER

#: Two letters about the same subject whose folded texts are at least this similar are
#: offered as duplicates.
SIMILARITY = 0.8
#: Possible duplicates offered on a letter's page, at most (the latest received).
CANDIDATE_LIMIT = 20
#: Letters about the same subject whose text is compared, at most (the latest received).
SCAN_LIMIT = 100


def can_classify(user, case) -> bool:
    """`user` may write the letter's classification now: the state takes it (workflow data)
    and their role may classify. The panel's button and `services.classify_letter` ask this."""
    return case.takes("classification") and permissions.can_fire(
        user, case, case.workflow.action("classify"))


def classifies_first(case) -> bool:
    """Saving the classification fires "classify" (a received letter); otherwise it corrects
    the classification in place."""
    return case.state in case.workflow.action("classify").sources


def details_of(case) -> LetterDetails:
    """The letter's details row, created on first use (letters logged by the generic form)."""
    if case.letter is None:
        case.letter = LetterDetails(case_id=case.id)
        db.session.add(case.letter)
    return case.letter


def primary_of(case) -> Case:
    """The letter this one is handled with: itself, or the earlier letter it duplicates."""
    seen = {case.id}
    while case.letter is not None and case.letter.duplicate_of is not None:
        case = case.letter.duplicate_of
        if case.id in seen:  # never loop, whatever the data says
            break
        seen.add(case.id)
    return case


def duplicates_of(case) -> list[Case]:
    return list(db.session.scalars(
        sa.select(Case).join(LetterDetails, LetterDetails.case_id == Case.id)
        .where(LetterDetails.duplicate_of_id == case.id).order_by(Case.received_on, Case.id)))


def group_of(case) -> list[Case]:
    """The primary letter and every letter linked to it as a duplicate."""
    primary = primary_of(case)
    return [primary, *duplicates_of(primary)]


def result_of(case) -> str | None:
    """The result recorded on a letter (the comment of its last "record_result"), if any."""
    return db.session.scalar(
        sa.select(CaseEvent.comment)
        .where(CaseEvent.case_id == case.id, CaseEvent.action == "record_result")
        .order_by(CaseEvent.id.desc()).limit(1))


def was_forwarded(case) -> bool:
    return case.letter is not None and case.letter.forwarded_on is not None


def similar_text(a: Case, b: Case) -> bool:
    return _similar_to(a)(b)


#: Decisions of `similar_text` already taken, keyed by a digest of both letters' texts: the
#: decision depends on nothing else, so a letter page viewed again compares no text (a
#: letter's candidates are its subject's latest letters: the same pairs, view after view).
_DECIDED: dict[bytes, bool] = {}
#: Decisions kept at most (about 150 bytes each, the last 200 letter pages' worth); the
#: store starts afresh when full.
DECIDED_LIMIT = 20_000


def _digest(case: Case) -> bytes:
    return hashlib.blake2b(f"{case.title} {case.summary}".encode(),
                           digest_size=16).digest()


def _similar_to(a: Case):
    """similar_text(a, ·) as one function: `a`'s text is folded once (and only when a pair
    was never decided), and the cheap upper bounds of the ratio turn most strangers away
    before the full comparison."""
    mine = _digest(a)
    matcher = None
    left = ""

    def decide(b: Case) -> bool:
        nonlocal matcher, left
        if matcher is None:
            left = fold(f"{a.title} {a.summary}")
            matcher = SequenceMatcher(None, left, "")
        right = fold(f"{b.title} {b.summary}")
        if not (left and right):
            return False
        matcher.set_seq2(right)
        return (matcher.real_quick_ratio() >= SIMILARITY and matcher.quick_ratio() >= SIMILARITY
                and matcher.ratio() >= SIMILARITY)

    def similar(b: Case) -> bool:
        key = mine + _digest(b)
        found = _DECIDED.get(key)
        if found is None:
            found = decide(b)
            if len(_DECIDED) >= DECIDED_LIMIT:
                _DECIDED.clear()
            _DECIDED[key] = found
        return found

    return similar


def primary_ids(cases) -> dict[int, int]:
    """For each letter, the id of the letter it is handled with (as `primary_of`), reading the
    links one level of a chain at a time: no statement per letter, and none at all when the
    letters' details are loaded and none is a duplicate of a duplicate."""
    link = {c.id: c.letter.duplicate_of_id if c.letter is not None else None for c in cases}
    wanted = {i for i in link.values() if i is not None and i not in link}
    while wanted:
        found = dict(db.session.execute(
            sa.select(LetterDetails.case_id, LetterDetails.duplicate_of_id)
            .where(LetterDetails.case_id.in_(wanted))).all())
        link.update({i: found.get(i) for i in wanted})
        wanted = {i for i in found.values() if i is not None and i not in link}

    def follow(i: int) -> int:
        seen = {i}
        while link.get(i) is not None:
            i = link[i]
            if i in seen:  # never loop, whatever the data says
                break
            seen.add(i)
        return i

    return {c.id: follow(c.id) for c in cases}


def duplicate_candidates(case, user, *, earlier_only: bool = True,
                         limit: int | None = CANDIDATE_LIMIT) -> list[tuple[Case, str]]:
    """Letters in the user's scope that may be the same letter as `case`: (letter, reason),
    by default only those received before it (a duplicate is linked to the earlier letter),
    at most `limit`, the latest first chosen and shown by date of receipt.

    Reasons are "same_sender" (keyed digest, nothing decrypted; only when the user may see the
    identity of both letters) and "same_content" (same subject, folded, and similar text
    ignoring diacritics). A user refused an identity gets exactly what a different sender would
    give: the content matches, never a hint of who sent what.

    Both come from indexed lookups (the sender's digest; the folded subject, subject_key),
    each letter's details read with it: a fixed number of statements however many match.
    """
    from app.identity.services import same_sender_for

    criteria = [Case.family == LETTER, Case.id != case.id, scope_condition(user, Case.org_id)]
    if earlier_only:
        criteria.append(sa.or_(Case.received_on < case.received_on, sa.and_(
            Case.received_on == case.received_on, Case.id < case.id)))
    found: dict[int, tuple[Case, str]] = {}
    subject = fold(case.subject_name)
    if subject:
        similar = _similar_to(case)
        # ix_case_file_subject_key: the same subject's letters, latest first, read off the
        # index and stopped at the limit (the phrase search read every letter naming the
        # subject's common words: 0.3-2 s at a million cases).
        # Only the compared columns are read; the letters that match are loaded after, in
        # one statement (run even when none matched: the count stays fixed).
        key = subject_key_of(case.subject_name)
        rows = db.session.execute(
            sa.select(Case.id, Case.title, Case.summary, Case.subject_name)
            .where(*criteria, Case.subject_key == key)
            .order_by(Case.received_on.desc(), Case.id.desc()).limit(SCAN_LIMIT))
        # A key cut to the column's length leaves the whole names to decide.
        cut = len(key) == SUBJECT_KEY_LENGTH
        alike = [row.id for row in rows
                 if (not cut or fold(row.subject_name) == subject) and similar(row)]
        for other in db.session.scalars(sa.select(Case).where(Case.id.in_(alike))
                                        .options(joinedload(Case.letter))):
            found[other.id] = (other, "same_content")
    for other in same_sender_for(case, user, *criteria, options=[joinedload(Case.letter)]):
        found[other.id] = (other, "same_sender")
    primaries = primary_ids([case, *(c for c, _reason in found.values())])
    pairs = sorted((pair for pair in found.values()
                    if primaries[pair[0].id] != primaries[case.id]),
                   key=lambda pair: (pair[0].received_on, pair[0].id))
    return pairs if limit is None else pairs[-limit:]


@feature.guard("letter_acceptable")
def letter_acceptable(case, actor, context):
    letter = case.letter
    if letter is None or letter.is_valid is None or letter.within_competence is None:
        return _("Record the classification (valid for processing, within competence) "
                 "before accepting the letter.")
    if case.is_anonymous and not (letter.names_violator and letter.has_evidence):
        return _("An anonymous letter is accepted only when its content names the violator "
                 "and concrete evidence is attached (Luật Tố cáo 2018, Điều 25).")
    if not letter.is_valid:
        return _("The letter was classified as not valid for processing.")
    if not letter.within_competence:
        return _("The letter is not within the union's competence: forward it or guide "
                 "the sender instead.")
    return None


@feature.guard("competent_body_named")
def competent_body_named(case, actor, context):
    if case.letter is None or not case.letter.competent_body:
        return _("Name the competent body in the classification before forwarding.")
    return None


@feature.guard("denunciation_forwarded_once")
def denunciation_forwarded_once(case, actor, context):
    """A denunciation goes to the competent body once, whichever copy of it was received.

    Copies linked as duplicates always count; unlinked copies count by content, and by sender
    only for an actor entitled to see both senders (otherwise the refusal itself would confirm
    a guessed denouncer). Sender matching folds away invisible and full-width characters."""
    if case.kind != "denunciation":
        return None
    others = [c for c in group_of(case) if c.id != case.id]
    others += [c for c, _reason in duplicate_candidates(case, actor, earlier_only=False,
                                                        limit=None)
               if c.kind == "denunciation"]
    for other in others:
        if was_forwarded(other):
            return _("Letter %(code)s with the same content was already forwarded; a "
                     "denunciation is forwarded only once. Mark this letter as its "
                     "duplicate.", code=other.code)
    return None


@feature.guard("duplicate_chosen")
def duplicate_chosen(case, actor, context):
    primary = context.get("duplicate_of")
    if primary is None:
        return _("Choose the earlier letter it duplicates in the letter panel.")
    if primary.id == case.id or primary.family != LETTER or \
            primary_of(primary).id == case.id:
        return _("A letter cannot be a duplicate of itself.")
    return None


@feature.effect(LETTER, "classify")
def save_classification(case, actor, context):
    values = context.get("classification")
    if not values:
        return {"kind": case.kind}
    letter = details_of(case)
    for key, value in values.items():
        setattr(letter, key, value)
    return {"kind": case.kind, "valid": letter.is_valid,
            "within_competence": letter.within_competence, "complexity": letter.complexity,
            "remote_area": letter.remote_area}


@feature.effect(LETTER, "forward")
def record_forwarding(case, actor, context):
    letter = details_of(case)
    letter.forwarded_on = context["today"]
    return {"competent_body": letter.competent_body}


@feature.effect(LETTER, "record_reply")
def save_forward_reply(case, actor, context):
    """The reply as the service validated it (app.letters.services.record_forward_reply); a
    bare step (the comment alone) records none."""
    values = context.get("forward_reply")
    if not values:
        return {}
    reply = ForwardReply(case_id=case.id, recorded_by_id=getattr(actor, "id", None), **values)
    db.session.add(reply)
    db.session.flush()
    return {"reply_id": reply.id, "received_on": values["received_on"].isoformat(),
            "result": values["result"], "document_number": values["document_number"],
            "document_date": (values["document_date"].isoformat()
                              if values["document_date"] else None)}


@feature.effect(LETTER, "escalate")
def record_escalation(case, actor, context):
    superior = context.get("superior") or ""
    if superior:
        details_of(case).escalated_to = superior
    return {"superior": superior}


@feature.effect(LETTER, "merge_duplicate")
def link_duplicate(case, actor, context):
    primary = primary_of(context["duplicate_of"])
    details_of(case).duplicate_of_id = primary.id
    return {"duplicate_of": primary.code}
