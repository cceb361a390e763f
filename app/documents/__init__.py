"""Formal documents (NĐ 30/2020): templates, drafts, issuing and the registers.

Other features add their templates through app.documents.services (the registry's API) in a
module their own ``register(app)`` imports."""
from flask_babel import lazy_gettext as _l

from app.cases.plugins import Feature, NavItem

feature = Feature("documents")
feature.event_labels.update({
    "document_drafted": _l("Document drafted"),
    "document_issued": _l("Document issued"),
    "document_edited": _l("Document draft edited"),
    "document_approved": _l("Document approved for issuing"),
    "document_approval_voided": _l("Document approval voided by an edit"),
})
feature.nav.append(NavItem("documents.register", _l("Document register"), order=60,
                           group="documents"))


def _is_national_admin(user) -> bool:
    from app.documents.bases import is_national_admin

    return is_national_admin(user)


feature.nav.append(NavItem("legal_bases.index", _l("Legal bases of documents"), order=92,
                           group="admin", visible=_is_national_admin,
                           testid="admin-legal-bases"))


def register(app) -> None:
    from app.documents import bases_routes, routes, steps  # noqa: F401  (steps: hints)

    feature.install(app, blueprints=[routes.bp, bases_routes.bp])
