"""Social critique (phản biện xã hội) of draft policies: Luật Công đoàn 2024 Điều 17."""
from flask_babel import lazy_gettext as _l

from app.cases.plugins import Feature, NavItem

feature = Feature("critique")
feature.event_labels.update({
    "draft_registered": _l("Draft registered for social critique"),
    "articles_saved": _l("Articles of the draft saved"),
    "critique_meeting": _l("Critique conference or dialogue recorded"),
    "consultation_sent": _l("Draft sent for comments"),
    "consultation_comments": _l("Comments received"),
    "consultation_reminder": _l("Reminder sent to units that have not answered"),
    "points_saved": _l("Points of the critique saved"),
    "critique_response": _l("Drafting body's response recorded"),
})
feature.nav.append(NavItem("critique.requests", _l("Social critique"), order=70,
                           group="critique"))


@feature.home_section("critique_requests", "critique/_requests_block.html", order=20,
                      tiles="critique/_tiles.html")
def pending_requests(user):
    """Consultations the user's units were asked to comment on and have not answered: the
    first ten, and an eleventh to tell that there are more."""
    from app.critique import queries

    return queries.requests_for(user, pending_only=True, limit=11)


def register(app) -> None:
    from app.critique import documents, routes, rules  # noqa: F401  (guards, templates)

    feature.install(app, blueprints=[routes.bp])
