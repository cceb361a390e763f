"""Workflow steps whose legal effect is a document (``Action.documents`` in workflows/).

A step that names templates fires only once each of them that applies to the case has been
issued one more time than the step has fired before: forming a delegation needs its issued
decision, a second extension its second decision. The case page says under the step's button
which document it needs, and offers to draft it prefilled from the case; the refusal names the
document; the step's timeline line records the numbers of the documents it rests on.
"""
from __future__ import annotations

from flask_babel import gettext as _
from flask_login import current_user

from app.core.i18n import label_text
from app.documents import feature
from app.documents.services import can_draft, needs, number_label
from workflows.base import DOCUMENTS_GUARD
from workflows.registry import WORKFLOWS


def _titles(missing) -> str:
    return "; ".join(f"“{label_text(n.template.title)}”" for n in missing)


@feature.guard(DOCUMENTS_GUARD)
def documents_issued(case, actor, context):
    action = case.workflow.action(context["trigger"])
    # read once: the step's effect records what the step rests on from the same answer
    found = context["documents_needed"] = needs(case, action)
    missing = [n for n in found if not n.satisfied]
    if not missing:
        return None
    return _("“%(action)s” needs the issued document %(documents)s: draft it from this step, "
             "have it approved and issued with a number, then try again.",
             action=label_text(action.label), documents=_titles(missing))


def _record_documents(case, actor, context):
    """The numbers of the documents the step rests on, on its timeline line (its guard, which
    every such step has, read them)."""
    rested = [n.document for n in context["documents_needed"] if n.document is not None]
    if not rested:
        return {}
    return {"documents": [{"id": d.id, "template": d.template, "number": number_label(d)}
                          for d in rested]}


for _workflow in WORKFLOWS.values():
    for _action in _workflow.actions:
        if _action.documents:
            feature.effect(_workflow.family, _action.trigger)(_record_documents)


@feature.step_hint("documents/_step_needs.html")
def step_needs(case, action):
    """Under the step's button: each document it needs, issued or not, with a button to draft
    it when none is in progress and the user may draft."""
    found = needs(case, action)
    if not found:
        return None
    return {"needs": found, "can_draft": can_draft(current_user, case),
            "number": number_label, "title": lambda n: label_text(n.template.title)}
