"""The workflow tables: well-formed, in sync with the catalogue machine, every state reachable."""
from collections import deque

import pytest

from workflows.engine import MachineError, available_triggers, catalogue, fire
from workflows.registry import ALL_STATES, WORKFLOWS
from workflows.vocab import ROLES

FAMILIES = sorted(WORKFLOWS)


def test_every_family_of_the_domain_has_a_workflow():
    assert set(WORKFLOWS) == {"supervision", "recommendation", "letter", "dialogue", "critique"}


@pytest.mark.parametrize("family", FAMILIES)
def test_catalogue_offers_exactly_the_declared_actions_from_each_state(family):
    wf = WORKFLOWS[family]
    for state in wf.state_names:
        declared = [a.trigger for a in wf.actions if state in a.sources]
        assert available_triggers(family, state) == declared


@pytest.mark.parametrize("family", FAMILIES)
def test_firing_each_action_leads_to_its_declared_state(family):
    wf = WORKFLOWS[family]
    for action in wf.actions:
        for source in action.sources:
            assert fire(family, source, action.trigger) == action.dest
        for state in set(wf.state_names) - set(action.sources):
            with pytest.raises(MachineError):
                fire(family, state, action.trigger)


@pytest.mark.parametrize("family", FAMILIES)
def test_no_shortcut_transitions_exist(family):
    """auto_transitions=False: no to_<state> triggers that would bypass the table."""
    events = set(catalogue(family).events)
    assert events == {a.trigger for a in WORKFLOWS[family].actions}


@pytest.mark.parametrize("family", FAMILIES)
def test_every_state_is_reachable_and_every_open_state_has_a_way_out(family):
    wf = WORKFLOWS[family]
    seen, queue = {wf.initial}, deque([wf.initial])
    while queue:
        state = queue.popleft()
        for action in wf.actions:
            if state in action.sources and action.dest not in seen:
                seen.add(action.dest)
                queue.append(action.dest)
    assert seen == set(wf.state_names)
    for state in wf.states:
        exits = [a for a in wf.actions if state.name in a.sources]
        if state.is_terminal:
            assert exits == [], f"terminal {state.name} must not have exits"
        else:
            assert exits, f"{state.name} has no way out"


@pytest.mark.parametrize("family", FAMILIES)
def test_paths_to_states_are_shortest_walks_to_every_state(family):
    wf = WORKFLOWS[family]
    paths = wf.paths_to_states()
    assert set(paths) == set(wf.state_names) and paths[wf.initial] == []
    for state, path in paths.items():
        reached = wf.initial
        for trigger in path:
            reached = fire(family, reached, trigger)
        assert reached == state
    for action in wf.actions:  # no action offers a shorter way in
        for source in action.sources:
            assert len(paths[action.dest]) <= len(paths[source]) + 1


@pytest.mark.parametrize("family", FAMILIES)
def test_labels_and_roles_are_complete(family):
    wf = WORKFLOWS[family]
    for item in (*wf.states, *wf.actions):
        assert item.label.vi.strip() and item.label.en.strip()
        assert item.label.vi != item.label.en
    for action in wf.actions:
        assert action.roles and action.roles <= set(ROLES)
        assert action.style in {"primary", "warning", "danger", "success", "secondary"}


@pytest.mark.parametrize("family", FAMILIES)
def test_refusing_actions_ask_for_a_reason(family):
    """Returns, cancellations and refusals must carry the actor's reason in the timeline."""
    for action in WORKFLOWS[family].actions:
        if action.trigger.startswith(("return", "cancel", "postpone", "record_not")):
            assert action.comment_required, action.trigger


def test_all_states_constant_covers_every_family():
    names = {n for wf in WORKFLOWS.values() for n in wf.state_names}
    assert set(ALL_STATES) == names


def test_approvals_belong_to_approvers_only():
    for wf in WORKFLOWS.values():
        for action in wf.actions:
            if action.trigger.startswith("approve"):
                assert action.roles == {"approver"}, (wf.family, action.trigger)
                assert "not_own_draft" in action.guards


def test_supervision_closes_only_when_recommendations_are_closed():
    close = WORKFLOWS["supervision"].action("close")
    assert "all_recommendations_closed" in close.guards


def test_named_guards_and_deadline_rules_exist_in_the_application(app):
    from app.cases.plugins import contributions
    from app.deadlines.services import resolve_rule

    guards = contributions(app).guards

    class FakeLetter:
        kind = "complaint"

    for wf in WORKFLOWS.values():
        for action in wf.actions:
            for guard in action.guards:
                assert guard in guards, (wf.family, action.trigger, guard)
            if action.starts_deadline:
                assert resolve_rule(FakeLetter(), action.starts_deadline), action.starts_deadline


def test_reachable_from_follows_the_actions_and_no_further():
    from workflows.registry import WORKFLOWS

    critique = WORKFLOWS["critique"]
    assert critique.reachable_from("issued") == {"issued", "following_up", "closed"}
    assert critique.reachable_from("closed") == {"closed"}
    assert "cancelled" in critique.reachable_from(critique.initial)
    letter = WORKFLOWS["letter"]
    assert letter.states_taking("classification") == ("received", "classified")
