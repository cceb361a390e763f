"""Building blocks of a workflow definition: states, actions (transitions + metadata), labels."""
from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Label:
    """A human title in both interface languages."""

    vi: str
    en: str

    def get(self, locale: str | None) -> str:
        return self.en if (locale or "vi").startswith("en") else self.vi


@dataclass(frozen=True)
class State:
    name: str
    label: Label
    is_terminal: bool = False
    #: The case's records (a feature's: "plan", "session", "points"…) that may be written in
    #: this state. The feature's service refuses a write elsewhere, and its page shows the
    #: button only here: both read this.
    records: frozenset[str] = frozenset()


@dataclass(frozen=True)
class Action:
    """One trigger: where it may fire from, where it leads, and who may fire it."""

    trigger: str
    sources: tuple[str, ...]
    dest: str
    roles: frozenset[str]
    label: Label
    #: The actor must explain the action (returns, cancellations, refusals).
    comment_required: bool = False
    #: Case attributes that must be filled before the action may fire.
    requires: tuple[str, ...] = ()
    #: Named guards the application checks (e.g. "all_recommendations_closed").
    guards: tuple[str, ...] = ()
    #: Deadline rule (code in app.core.deadline_rules) the action starts; None keeps the current one.
    starts_deadline: str | None = None
    #: The action settles the running deadline (the case no longer waits on anyone).
    stops_deadline: bool = False
    #: Deadlines started beside the one `starts_deadline` starts, each ending when the
    #: documents its rule names are issued (DeadlineRule.met_by), e.g. the notices due within
    #: 5 working days of accepting a denunciation while its resolution runs.
    also_starts: tuple[str, ...] = ()
    #: Bootstrap colour of the button; "danger" actions ask for confirmation.
    style: str = "primary"
    #: Fired from a feature's own form (e.g. an extension needs its written decision), so the
    #: case page shows no plain button for it.
    own_form: bool = False
    #: The documents (template codes of app.documents) that are the step's legal effect: each
    #: one that applies to the case must have been issued, once more than the step has fired
    #: before, for the step to fire (guard DOCUMENTS_GUARD, added by `A`).
    documents: tuple[str, ...] = ()


@dataclass(frozen=True)
class Workflow:
    family: str
    label: Label
    initial: str
    states: tuple[State, ...]
    actions: tuple[Action, ...]
    _states: dict[str, State] = field(init=False, repr=False, compare=False)
    _actions: dict[str, Action] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_states", {s.name: s for s in self.states})
        object.__setattr__(self, "_actions", {a.trigger: a for a in self.actions})
        if len(self._states) != len(self.states):
            raise ValueError(f"{self.family}: duplicate state names")
        if len(self._actions) != len(self.actions):
            raise ValueError(f"{self.family}: duplicate triggers")
        if self.initial not in self._states:
            raise ValueError(f"{self.family}: unknown initial state {self.initial}")
        for action in self.actions:
            for name in (*action.sources, action.dest):
                if name not in self._states:
                    raise ValueError(f"{self.family}.{action.trigger}: unknown state {name}")

    def state(self, name: str) -> State:
        return self._states[name]

    def action(self, trigger: str) -> Action:
        return self._actions[trigger]

    def has_action(self, trigger: str) -> bool:
        return trigger in self._actions

    @property
    def state_names(self) -> tuple[str, ...]:
        return tuple(self._states)

    @property
    def open_states(self) -> tuple[str, ...]:
        return tuple(s.name for s in self.states if not s.is_terminal)

    def states_taking(self, record: str) -> tuple[str, ...]:
        """The states in which `record` may be written (State.records)."""
        return tuple(s.name for s in self.states if record in s.records)

    def paths_from(self, start: str) -> dict[str, list[str]]:
        """The shortest trigger path from `start` to every state reachable from it (breadth
        first; among equally short paths, the one through the earlier actions)."""
        paths: dict[str, list[str]] = {start: []}
        queue = deque([start])
        while queue:
            state = queue.popleft()
            for action in self.actions:
                if state in action.sources and action.dest not in paths:
                    paths[action.dest] = [*paths[state], action.trigger]
                    queue.append(action.dest)
        return paths

    def paths_to_states(self) -> dict[str, list[str]]:
        """The shortest trigger path from the initial state to every reachable state."""
        return self.paths_from(self.initial)

    def reachable_from(self, state: str) -> frozenset[str]:
        """`state` and every state some sequence of actions leads to from it."""
        return frozenset(self.paths_from(state))

    def transition_table(self) -> list[dict]:
        """The table in the shape `transitions.Machine(transitions=...)` takes."""
        return [
            {"trigger": a.trigger, "source": list(a.sources), "dest": a.dest}
            for a in self.actions
        ]


def S(name: str, vi: str, en: str, terminal: bool = False, records=()) -> State:
    return State(name, Label(vi, en), terminal, frozenset(records))


#: The guard of every action that names `documents` (app.documents provides it).
DOCUMENTS_GUARD = "documents_issued"


def A(trigger: str, sources, dest: str, roles, vi: str, en: str, **meta) -> Action:
    if isinstance(sources, str):
        sources = (sources,)
    if meta.get("documents"):
        meta["documents"] = tuple(meta["documents"])
        meta["guards"] = (*meta.get("guards", ()), DOCUMENTS_GUARD)
    return Action(trigger, tuple(sources), dest, frozenset(roles), Label(vi, en), **meta)
