"""Every family's workflow, keyed by family."""
from workflows import critique, dialogue, letter, recommendation, supervision
from workflows.base import Workflow

WORKFLOWS: dict[str, Workflow] = {
    wf.family: wf
    for wf in (
        supervision.WORKFLOW,
        recommendation.WORKFLOW,
        letter.WORKFLOW,
        dialogue.WORKFLOW,
        critique.WORKFLOW,
    )
}

#: Every state name used by any family (for the database CHECK constraint).
ALL_STATES: tuple[str, ...] = tuple(
    sorted({name for wf in WORKFLOWS.values() for name in wf.state_names})
)


def get_workflow(family: str) -> Workflow:
    return WORKFLOWS[family]
