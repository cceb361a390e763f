"""Deadlines on the Vietnamese working-day calendar: rules, calendar, per-case deadlines.

The kernel knows nothing of deadlines: this feature starts a case's opening deadline when the
case is opened and starts or stops one when a step of the workflow says so (`starts_deadline`,
`stops_deadline` in workflows/), through the kernel's hooks."""
from flask_babel import lazy_gettext as _l

from app.auth.permissions import administers_everything, administers_somewhere, can_admin
from app.cases.plugins import Feature, NavItem


def is_deadline_admin(user) -> bool:
    """An admin of some unit: the calendar's local days off of their subtree are theirs."""
    return administers_somewhere(user)


def is_national_admin(user) -> bool:
    """An admin of the top unit (the root of the organisation tree): the national rule table
    and the national calendar are theirs alone."""
    return administers_everything(user)


def can_manage_days_of(user, org) -> bool:
    """Days of `org` (None: the national calendar) may be entered and removed by `user`: an
    admin of the top unit for national days, an admin of the unit or above it for its local
    days off."""
    if org is None:
        return is_national_admin(user)
    return can_admin(user, org)


feature = Feature("deadlines")
feature.nav.append(NavItem("deadlines.index", _l("Deadlines and calendar"), order=90,
                           group="admin", visible=is_deadline_admin,
                           testid="admin-deadlines"))
feature.event_labels.update({
    "deadline_warning": _l("Deadline approaching"),
    "deadline_expired": _l("Deadline expired"),
    "deadline_recomputed": _l("Deadline recomputed"),
})


@feature.on_open
def opening_deadline(case, actor, intake) -> dict:
    from app.deadlines import services

    return services.start(case, services.OPENING_RULE.get(case.family), case.received_on,
                          trigger="open")


@feature.on_transition
def follow_the_step(case, action, today, trigger) -> dict | None:
    from app.deadlines import services

    if action.stops_deadline:
        services.stop(case, today, trigger)
        return None
    data = {}
    if action.starts_deadline:
        data = services.start(case, action.starts_deadline, today, trigger=trigger)
    for code in action.also_starts:
        beside = services.start(case, code, today, trigger=trigger, alongside=True)
        if beside:
            data.setdefault("also_due", []).append(
                {"rule": beside["rule"], "due_on": beside["due_on"]})
    return data or None


@feature.on_event("document_issued")
def documents_meet_deadlines(case, event) -> None:
    """Issuing the notices a deadline waits for (DeadlineRule.met_by) meets it, on the day
    they are dated."""
    from datetime import date

    from app.deadlines import services

    services.meet_by_documents(case, date.fromisoformat(event.data["issued_on"]))


@feature.home_section("deadline_warnings", "deadlines/_warnings.html", order=10,
                      tiles="deadlines/_tiles.html")
def my_warnings(user):
    """My cases whose deadline is near or past."""
    from app.cases.queries import count_cap
    from app.deadlines import queries

    return queries.warnings_for(user, cap=count_cap())


def register(app) -> None:
    from app.deadlines import cli, routes, rules  # noqa: F401  (the extension guard and effects)

    feature.install(app, blueprints=[routes.bp])
    cli.register(app)
