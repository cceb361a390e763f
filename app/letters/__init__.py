"""Letters (đơn thư): intake, classification, decisions, duplicates, second complaints."""
from flask_babel import lazy_gettext as _l

from app.auth.permissions import creates_somewhere
from app.cases.plugins import Feature, NavItem

feature = Feature("letters")
feature.event_labels.update({
    "letter_documents": _l("Documents of the letter attached"),
    "letter_reclassified": _l("Classification corrected"),
    "second_complaint_opened": _l("Second complaint opened"),
})


feature.nav += [
    NavItem("letters.new", _l("Log a letter"), place="intake", visible=creates_somewhere,
            testid="log-letter"),
    NavItem("letters.new", _l("Log a letter"), order=22, group="cases", visible=creates_somewhere,
            testid="menu-log-letter"),
]


def register(app) -> None:
    from app.letters import (  # noqa: F401  (guards, effects, templates)
        decisions,
        documents,
        routes,
        rules,
    )

    feature.install(app, blueprints=[routes.bp])
