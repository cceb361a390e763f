"""The only writers of cases: open one, and move one along its workflow (`transition_case`)."""
from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime

import sqlalchemy as sa
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from app.auth import permissions
from app.cases import audit
from app.cases.models import Attachment, Case, CaseEvent, in_subtree, subject_key_of
from app.cases.plugins import installed
from app.core import uploads
from app.core.calendar import local_today
from app.core.errors import Conflict, DomainError, Forbidden, Invalid, NotFound
from app.core.i18n import label_text
from app.core.text import fold, nfc
from app.extensions import db
from app.orgs.services import subtree_moved
from workflows.engine import MachineError, available_triggers, fire
from workflows.registry import WORKFLOWS, get_workflow
from workflows.vocab import (
    APPROVER,
    CHANNELS,
    FAMILY_PREFIX,
    HANDLER,
    INTAKE,
    INTAKE_FORMS,
    KINDS_BY_FAMILY,
    ROLES,
    SUBJECT_CATEGORIES,
    SUBJECT_KINDS,
)

#: How a case attribute named by a workflow's `requires` is called on screen.
FIELD_LABELS = {
    "title": _l("Title"),
    "subject_name": _l("Subject's name"),
    "kind": _l("Type"),
}

#: Fields a caller may set when opening a case.
OPEN_FIELDS = (
    "kind", "channel", "intake_form", "title", "subject_matter", "summary", "subject_kind",
    "subject_name",
    "subject_category", "subject_position", "subject_unit", "subject_party_committee",
    "is_anonymous", "received_on", "parent_id", "assignee_id",
)


def _new_event(case: Case, actor, action: str, *, from_state=None, to_state=None,
               comment: str = "", data: dict | None = None,
               at: datetime | None = None) -> CaseEvent:
    """A timeline line chained to the case's previous one (app.cases.audit), not yet saved.

    `data` is stored as its JSON round trip, so the hash covers exactly what is read back."""
    entry = CaseEvent(
        case_id=case.id, actor_id=actor.id if actor is not None else None,
        action=action, from_state=from_state, to_state=to_state, comment=comment or "",
        data=json.loads(json.dumps(data or {})), created_at=audit.utc(at or datetime.now(UTC)),
    )
    audit.append(db.session, entry)
    return entry


def record_event(case: Case, actor, action: str, **values) -> CaseEvent:
    """Append one line to the case's timeline (see `_new_event` for the values)."""
    if case.id is None:
        db.session.flush()
    entry = _new_event(case, actor, action, **values)
    entry.case = case
    db.session.add(entry)
    for hook in installed().event_hooks.get(action, ()):
        hook(case, entry)
    return entry


def record_events(entries: list[dict]) -> list[CaseEvent]:
    """`record_event(**entry)` for many saved cases at once (the nightly deadline sweep): their
    audit heads locked in one statement, the lines inserted in one. The returned events are
    not in the session."""
    audit.lock_heads(db.session, [entry["case"].id for entry in entries])
    events = [_new_event(**entry) for entry in entries]
    if events:
        db.session.execute(sa.insert(CaseEvent), [
            {column: getattr(event, column) for column in _EVENT_COLUMNS} for event in events])
    return events


_EVENT_COLUMNS = ("case_id", "actor_id", "created_at", "action", "from_state", "to_state",
                  "comment", "data", "seq", "prev_hash", "hash")


def _refresh_search_text(case: Case) -> None:
    """The folded columns: search_text for the search, subject_key for the duplicate check."""
    case.subject_key = subject_key_of(case.subject_name)
    case.search_text = fold(" ".join(filter(None, (
        case.code, case.title, case.summary, case.subject_name, case.subject_unit,
        case.subject_position, case.subject_matter,
    ))))


#: Words a title often starts with that a document's own wording already says ("Đoàn giám
#: sát …", "phản biện xã hội đối với dự thảo …"): left out of the subject matter.
MATTER_PREFIXES = ("giám sát ", "phản biện xã hội đối với ", "phản biện xã hội ",
                   "phản biện ", "dự thảo ")
#: The longest title and subject matter (the columns' length).
WORDING_MAX = 300


def default_subject_matter(title: str | None) -> str:
    """The subject matter a title implies: "Giám sát việc trả lương" -> "việc trả lương",
    "Phản biện dự thảo Luật Việc làm" -> "Luật Việc làm"."""
    text = " ".join(nfc(title or "").split())
    stripped = True
    while stripped:
        stripped = False
        for prefix in MATTER_PREFIXES:
            if text.lower().startswith(prefix) and len(text) > len(prefix):
                text, stripped = text[len(prefix):].lstrip(), True
    return text


def _validate_open(family: str, values: dict) -> None:
    if family not in WORKFLOWS:
        raise Invalid(_("Unknown case family."), field="family")
    kind = values.get("kind")
    if kind and kind not in KINDS_BY_FAMILY[family]:
        raise Invalid(_("This type does not belong to the chosen case family."), field="kind")
    if values.get("channel") not in CHANNELS:
        raise Invalid(_("Choose the channel the case came through."), field="channel")
    if values.get("intake_form") not in INTAKE_FORMS:
        raise Invalid(_("Choose how the case was received."), field="intake_form")
    if not values.get("title"):
        raise Invalid(_("The title is required."), field="title")
    if values.get("subject_kind", "organisation") not in SUBJECT_KINDS:
        raise Invalid(_("Unknown kind of subject."), field="subject_kind")
    category = values.get("subject_category")
    if category and category not in SUBJECT_CATEGORIES:
        raise Invalid(_("Unknown subject category."), field="subject_category")
    received = values.get("received_on")
    if received and received > local_today():
        raise Invalid(_("The date received cannot be in the future."), field="received_on")


def open_case(actor, org, family: str, *, reporter=None, reporter_files=(),
              reporter_name: str = "", reporter_contact: str = "",
              reporter_confidential: bool = False, **values) -> Case:
    """Log a new case in `org`; it starts in the family's initial state.

    The reporter (an app.identity.services.Reporter, or the name/contact shortcuts) and their
    files go to the opening hooks with the case: app.identity keeps them apart from the case,
    sealed for good when `reporter_confidential` (the sender asked) or the case is a
    denunciation, and names the officer who logs it its first handler. The other hooks (the
    opening deadline) add their data to the "open" event."""
    hooks = installed()
    if "identity" not in hooks.features:
        # Fail closed: a sender's identity is never dropped or stored on the case.
        raise RuntimeError("app.identity is not installed: nobody would seal the sender")
    unknown = set(values) - set(OPEN_FIELDS)
    if unknown:
        raise TypeError(f"unexpected fields: {sorted(unknown)}")
    values = {k: nfc(v) for k, v in values.items()}
    if not values.get("subject_category"):
        values["subject_category"] = None
    _validate_open(family, values)
    if not values.get("subject_matter"):
        values["subject_matter"] = default_subject_matter(values["title"])
    if not permissions.can_create_in(actor, org):
        raise Forbidden(_("You may not log cases in this unit."))
    if values.get("parent_id"):
        parent = db.session.get(Case, values["parent_id"])
        if parent is None or not permissions.can_view_case(actor, parent):
            raise Invalid(_("The linked case does not exist."), field="parent_id")
    values.setdefault("received_on", local_today())
    workflow = get_workflow(family)
    case = Case(family=family, org=org, state=workflow.initial, created_by_id=actor.id,
                **values)
    db.session.add(case)
    db.session.flush()
    case.code = f"{FAMILY_PREFIX[family]}-{case.received_on.year}-{case.id:06d}"
    intake = Intake(reporter=reporter, name=reporter_name, contact=reporter_contact,
                    files=tuple(reporter_files), confidential=reporter_confidential)
    data = {"org": org.short_name, "channel": case.channel}
    for hook in hooks.open_hooks:
        data.update(hook(case, actor, intake) or {})
    _refresh_search_text(case)
    record_event(case, actor, "open", to_state=case.state, data=data,
                 at=_moment(values.get("received_on")))
    db.session.flush()
    return case


@dataclass(frozen=True)
class Intake:
    """Who sent a case being opened, handed to the opening hooks (never stored on the case)."""
    reporter: object = None
    name: str = ""
    contact: str = ""
    files: tuple = ()
    confidential: bool = False


#: Who may edit a case's wording (title, subject matter): those who log and handle cases and
#: approve their documents, in the case's unit or above.
WORDING_EDITORS = frozenset({INTAKE, HANDLER, APPROVER})


def can_edit_wording(user, case: Case) -> bool:
    """The user may change the case's title and subject matter now (the case is open)."""
    return case.is_open and bool(permissions.roles_in(user, case.org) & WORDING_EDITORS)


def edit_wording(case: Case, actor, *, title: str, subject_matter: str,
                 expected_version: int | None = None) -> dict:
    """Change the case's title and subject matter; each change goes on the timeline
    ("wording_edited", old -> new). An empty subject matter takes the title's. Returns the
    changes ({} when nothing changed: no event)."""
    if not permissions.can_view_case(actor, case):
        raise NotFound(_("Case not found."))
    if not case.is_open:
        raise Conflict(_("A closed case can no longer be edited."))
    if not can_edit_wording(actor, case):
        raise Forbidden(_("Your role does not allow this in this unit."))
    if expected_version is not None and expected_version != case.version:
        raise Conflict(_("Someone else updated this case after you opened it. "
                         "Reload the page and check its current state."))
    title = " ".join(nfc(title or "").split())
    subject_matter = " ".join(nfc(subject_matter or "").split())
    if not title:
        raise Invalid(_("The title is required."), field="title")
    for field, value in (("title", title), ("subject_matter", subject_matter)):
        if len(value) > WORDING_MAX:
            raise Invalid(_("At most %(n)d characters.", n=WORDING_MAX), field=field)
    subject_matter = subject_matter or default_subject_matter(title)
    changes = {field: [getattr(case, field), value]
               for field, value in (("title", title), ("subject_matter", subject_matter))
               if getattr(case, field) != value}
    if not changes:
        return {}
    for field, (_old, new) in changes.items():
        setattr(case, field, new)
    _refresh_search_text(case)
    record_event(case, actor, "wording_edited", data=changes)
    db.session.flush()
    return changes


def allowed_actions(user, case: Case) -> list:
    """Actions the user may fire now: the catalogue's triggers from this state, by role."""
    workflow = case.workflow
    return [
        workflow.action(trigger)
        for trigger in available_triggers(case.family, case.state)
        if permissions.can_fire(user, case, workflow.action(trigger))
    ]


def may_fire(user, case: Case, trigger: str) -> bool:
    """`trigger` is open from the case's state and the user's role allows it: one action's
    answer of allowed_actions, without asking for every other."""
    return (trigger in available_triggers(case.family, case.state)
            and permissions.can_fire(user, case, case.workflow.action(trigger)))


def transition_case(case: Case, trigger: str, actor, *, comment: str = "",
                    expected_version: int | None = None, context: dict | None = None,
                    today: date | None = None) -> Case:
    """Fire `trigger` on `case` for `actor`: the only code that changes a case's state.

    Checks scope (404), version and state (409), role (403), comment, required fields and
    guards (422); then moves the state, starts or stops deadlines, appends the event and
    flushes. The caller commits. A refusal raises before anything is changed.
    """
    context = _step_context(trigger, context, today)
    today = today or local_today()
    comment = nfc(comment or "")
    if not permissions.can_view_case(actor, case):
        raise NotFound(_("Case not found."))
    workflow = case.workflow
    if not workflow.has_action(trigger):
        raise NotFound(_("Unknown action."))
    action = workflow.action(trigger)
    if expected_version is not None and expected_version != case.version:
        raise Conflict(_("Someone else updated this case after you opened it. "
                         "Reload the page and check its current state."))
    if trigger not in available_triggers(case.family, case.state):
        raise Conflict(_("“%(action)s” is not possible while the case is “%(state)s”.",
                         action=label_text(action.label),
                         state=label_text(case.state_label)))
    if not permissions.can_fire(actor, case, action):
        raise Forbidden(_("Your role does not allow “%(action)s” in this unit.",
                          action=label_text(action.label)))
    if action.comment_required and not comment:
        raise Invalid(_("Please give a reason or comment for “%(action)s”.",
                        action=label_text(action.label)), field="comment")
    for problem in unmet(case, action, actor, context):
        raise problem
    plugins = installed()
    before = case.state
    try:
        after = fire(case.family, before, trigger)
    except MachineError as exc:  # the catalogue agreed a moment ago; keep the refusal clean
        raise Conflict(_("This action is not possible now.")) from exc
    data = dict(context.get("data") or {})
    case.state = after
    for hook in plugins.transition_hooks:
        data.update(hook(case, action, today, trigger) or {})
    if workflow.state(after).is_terminal:
        case.closed_at = datetime.now(UTC)
    for run_effect in plugins.effects.get((case.family, trigger), ()):
        data.update(run_effect(case, actor, context) or {})
    record_event(case, actor, trigger, from_state=before, to_state=after, comment=comment,
                 data=data, at=_moment(context.get("today_given")))
    db.session.flush()
    return case


def _step_context(trigger: str, context: dict | None = None,
                  today: date | None = None) -> dict:
    """What the guards of `trigger` read: the caller's values, the day (given or today's) and
    the trigger."""
    context = dict(context or {})
    context["today_given"] = today
    context.setdefault("today", today or local_today())
    context["trigger"] = trigger
    return context


def unmet(case: Case, action, actor, context: dict) -> Iterator[DomainError]:
    """What still stands between `action` and its firing on `case` by `actor`, in the order
    transition_case refuses it: each required field left empty, then each guard's reason (a
    guard whose feature is not installed as a Conflict). It changes nothing: transition_case
    raises the first, the case page lists them all before anyone clicks (`missing`), so the
    reason shown and the refusal are one answer."""
    for field in action.requires:
        if not getattr(case, field):
            yield Invalid(_("Fill in “%(field)s” before “%(action)s”.",
                            field=FIELD_LABELS.get(field, field),
                            action=label_text(action.label)), field=field)
    plugins = installed()
    for name in action.guards:
        check = plugins.guards.get(name)
        if check is None:  # the feature that owns this step is not installed
            yield Conflict(_("This action is not available in this installation."))
            continue
        reason = check(case, actor, context)
        if reason:
            yield Invalid(reason)


def missing(case: Case, action, actor, today: date | None = None) -> list[str]:
    """A dry run of `action`'s checks on the case as it stands (fields and guards, not the
    comment typed with it): every reason it would be refused now, nothing changed."""
    return [problem.message
            for problem in unmet(case, action, actor, _step_context(action.trigger, today=today))]


@dataclass(frozen=True)
class NextStep:
    """A step open from the case's state, as the case page presents it before any click."""
    action: object
    #: The roles that may take it, in the vocabulary's order.
    roles: tuple[str, ...]
    #: The user's role allows it here (app.auth.permissions.can_fire).
    can_fire: bool
    #: Why it would be refused now (`missing`): empty when it may be taken.
    missing: tuple[str, ...]

    @property
    def is_ready(self) -> bool:
        """The user may take it now."""
        return self.can_fire and not self.missing


def next_steps(user, case: Case, today: date | None = None) -> list[NextStep]:
    """Every step open from the case's state, whoever may take it: who may, whether `user`
    may, and what is still missing (the guards' dry run). None for a closed case."""
    workflow = case.workflow
    steps = []
    for trigger in available_triggers(case.family, case.state):
        action = workflow.action(trigger)
        steps.append(NextStep(
            action=action, roles=tuple(r for r in ROLES if r in action.roles),
            can_fire=permissions.can_fire(user, case, action),
            missing=tuple(missing(case, action, user, today))))
    return steps


def _moment(day: date | None) -> datetime:
    """Now, or noon of a given past day (seeding and replays date their events)."""
    now = datetime.now(UTC)
    if day is None or day >= local_today():
        return now
    return datetime(day.year, day.month, day.day, 5, 0, tzinfo=UTC)


@subtree_moved.connect
def _move_case_paths(org, old_prefix: str, new_prefix: str) -> None:
    """A unit moved with its subtree: its cases' copies of their unit's path follow, in the
    same transaction (one UPDATE over the subtree's range of ix_case_file_state_path_due's
    column)."""
    db.session.execute(
        sa.update(Case).where(in_subtree(old_prefix))
        .values(org_path=sa.literal(new_prefix)
                + sa.func.substr(Case.org_path, len(old_prefix) + 1),
                updated_at=Case.updated_at),  # the cases themselves did not change
        execution_options={"synchronize_session": False})
    for obj in list(db.session.identity_map.values()):
        if isinstance(obj, Case):
            db.session.expire(obj, ["org_path"])


def attach_files(case: Case, actor, owner_kind: str, owner_id: int | None, files) -> list[str]:
    """Check `files` (app.core.uploads.Upload) and store them on `case` as attachments of the
    record (`owner_kind`, `owner_id`); returns the stored names."""
    names = []
    for name, content_type, data in uploads.check_files(files):
        db.session.add(Attachment(
            case_id=case.id, owner_kind=owner_kind, owner_id=owner_id, filename=name,
            content_type=content_type, size=len(data), sha256=hashlib.sha256(data).hexdigest(),
            data=data, uploaded_by_id=actor.id,
        ))
        names.append(name)
    return names
