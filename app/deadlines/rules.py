"""Deadline guard and effects of the letter workflow (on the feature's plugin)."""
from __future__ import annotations

from flask_babel import gettext as _

from app.deadlines import feature, services
from workflows.vocab import LETTER


@feature.guard("extension_allowed")
def extension_allowed(case, actor, context):
    refusal = services.extension_refusal(case)
    if refusal:
        return refusal
    decision = context.get("extension")
    if not decision:
        return _("An extension needs its written decision: fill in the decision's number and "
                 "date in the Deadlines panel.")
    problem = services.decision_problem(case, decision, context["today"])
    return problem.message if problem else None


@feature.effect(LETTER, "extend")
def apply_extension(case, actor, context):
    return services.extend(case, actor, context["extension"], context["today"])


@feature.effect(LETTER, "pause")
def pause_deadlines(case, actor, context):
    return services.pause(case, context["today"])


@feature.effect(LETTER, "resume")
def resume_deadlines(case, actor, context):
    return services.resume(case, context["today"])
