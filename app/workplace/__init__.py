"""Workplace dialogue and grassroots democracy: the employers a grassroots union covers, their
yearly duties (periodic dialogue, workers' conference, democracy regulations, People's
Inspection Board), and the dialogue cases (Bộ luật Lao động 2019 Điều 63–64, Nghị định
145/2020; Luật Thực hiện dân chủ ở cơ sở 2022; channel 4 and 5 of 44/HD-TLĐ)."""
from flask_babel import lazy_gettext as _l

from app.cases.plugins import Feature, NavItem

feature = Feature("workplace")
feature.event_labels.update({
    "dialogue_opened": _l("Dialogue scheduled about this case"),
    "dialogue_rescheduled": _l("Dialogue rescheduled"),
    "dialogue_item_added": _l("Item added to the dialogue's content"),
    "dialogue_minutes_saved": _l("Minutes of the dialogue saved"),
    "dialogue_item_followed": _l("Agreed item followed up"),
})
feature.nav.append(NavItem("workplace.index", _l("Dialogue and democracy"), order=35,
                           group="supervision"))


@feature.home_section("workplace_dialogues", "workplace/_home.html", order=15,
                      tiles="workplace/_tiles.html")
def dialogue_duties(user):
    """A grassroots union's employers whose periodic dialogue of the year is not held yet; an
    upper level's share of employers that held it."""
    from app.workplace import views

    return views.home_block(user)


def register(app) -> None:
    from app.deadlines import services as deadlines

    # Imported for what they register: templates, guards and effects, pages, panels.
    from app.workplace import documents, routes, rules, views  # noqa: F401

    feature.install(app, blueprints=[routes.bp])
    # The minutes are made public within the rule's period from the dialogue's day.
    deadlines.read_start_day(app, "dialogue_held", rules.held_on)
