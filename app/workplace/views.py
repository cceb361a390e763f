"""What the workplace feature shows on kernel pages: the home block and the case-page panels."""
from __future__ import annotations

from flask_login import current_user

from app.auth import permissions
from app.cases.services import may_fire
from app.core.calendar import local_today
from app.workplace import feature, queries, services
from app.workplace.forms import FollowItemForm, ItemActionForm, ItemForm, PlainForm
from workflows.vocab import DIALOGUE, LETTER, SUPERVISION


def home_block(user) -> dict | None:
    """Grassroots officers: employers whose periodic dialogue of the year is not held yet.
    Upper levels: the share of employers of each of their units that held it."""
    today = local_today()
    upper = {a.org.id: a.org for a in user.roles if a.org.level < 4}
    data = {"year": today.year, "due": queries.due_dialogues(user, today), "shares": []}
    for org in sorted(upper.values(), key=lambda o: o.path):
        share = queries.dialogue_share(org, today.year, until=today)
        if share["employers"]:
            data["shares"].append((org, share))
    if not data["due"] and not data["shares"]:
        return None
    return data


@feature.panel("workplace_dialogue", "workplace/_dialogue_panel.html", families={DIALOGUE},
               order=5)
def dialogue_panel(case) -> dict | None:
    record = queries.record_of(case)
    if record is None:
        return None
    items = queries.items_of(case)
    return {
        "record": record,
        "entries": items,
        "participants": queries.participants_of(case),
        "workers": record.employer.workers_on(record.held_on or local_today()),
        "can_agenda": services.can_edit(current_user, case, "dialogue_agenda"),
        "can_minutes": services.can_edit(current_user, case, "dialogue_minutes"),
        "can_follow": services.can_edit(current_user, case, "dialogue_follow_up"),
        "can_hold": may_fire(current_user, case, "hold"),
        "can_publish": may_fire(current_user, case, "publish"),
        "can_supervise": permissions.can_create_in(current_user, case.org),
        "item_form": ItemForm(formdata=None),
        "action_form": ItemActionForm(formdata=None),
        "follow_form": FollowItemForm(formdata=None),
        "plain_form": PlainForm(formdata=None),
        "today": local_today(),
    }


@feature.panel("workplace_dialogues_about", "workplace/_about_panel.html",
               families={SUPERVISION, LETTER}, slot="body", order=40)
def dialogues_about(case) -> dict | None:
    """The dialogues held about a supervision (at any step: channel 5) or a letter."""
    dialogues = queries.dialogues_about(case)
    can_open = case.is_open and permissions.can_create_in(current_user, case.org)
    if not dialogues and not can_open:
        return None
    return {"dialogues": dialogues, "can_open": can_open}
