"""The only module that imports `transitions`.

One definition-only catalogue machine per family answers "which triggers from this state";
the write path fires a trigger on a throwaway adapter, never on an ORM row (style.md).
"""
from __future__ import annotations

from functools import cache

from transitions import Machine, MachineError

from workflows.registry import WORKFLOWS

__all__ = ["MachineError", "available_triggers", "catalogue", "fire"]


def _definition(family: str) -> dict:
    wf = WORKFLOWS[family]
    return {
        "states": list(wf.state_names),
        "transitions": wf.transition_table(),
        "auto_transitions": False,
        "send_event": True,
    }


@cache
def catalogue(family: str) -> Machine:
    """Definition only: model=None, nothing is ever added to it."""
    return Machine(model=None, initial=None, **_definition(family))


def available_triggers(family: str, state: str) -> list[str]:
    """Triggers that may fire from `state`, in the workflow's declared order."""
    found = set(catalogue(family).get_triggers(state))
    return [a.trigger for a in WORKFLOWS[family].actions if a.trigger in found]


class _Adapter:
    """What `transitions` drives: a plain object holding only the state name."""

    def __init__(self, state: str):
        self.state = state


def fire(family: str, state: str, trigger: str) -> str:
    """Return the state `trigger` leads to from `state`; raise MachineError when it may not fire."""
    adapter = _Adapter(state)
    machine = catalogue(family)
    if trigger not in machine.events:
        raise MachineError(f"Unknown trigger {trigger!r} for {family}")
    if not machine.events[trigger].trigger(adapter):
        raise MachineError(f"Trigger {trigger!r} refused from {state!r}")
    return adapter.state
