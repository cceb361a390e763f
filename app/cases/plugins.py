"""How a feature plugs into the kernel: one `Feature` per feature package, installed per app.

A feature package builds its `Feature` in its ``__init__`` and exposes ``register(app)``, which
`app.create_app` calls (the one place that lists the features). Its modules contribute to the
Feature with decorators when they are imported; ``register(app)`` imports them and calls
`Feature.install`, which copies everything into the app's `Contributions`:

- guards and effects of the workflows (``@feature.guard``, ``@feature.effect``) and who wrote
  the draft an approval concerns (``@feature.draft_authors``, read by the four-eyes guard);
- hooks run when a case is opened or changes state (``@feature.on_open``,
  ``@feature.on_transition``), whose returned data joins the timeline event, and when a line
  of some kind is written on its timeline (``@feature.on_event``);
- sections of the case page (``@feature.panel``), notes under its step buttons
  (``@feature.step_hint``: what a step still needs) and blocks of the home page
  (``@feature.home_section``), each with the data it shows this user; the pages of the steps
  fired from its own forms (``feature.step_pages``) and who a case names for a restricted
  role (``@feature.role_members``), for the case page's next steps;
- the timeline labels of its events that are not transitions (``feature.event_labels``);
- entries of the main menu (``feature.nav``) and its blueprints; ``register`` adds its CLI
  commands itself.

The kernel reads only `installed()`: an app without a feature has none of its contributions, so
removing a feature's ``register`` from create_app leaves an app that starts and works without it.
"""
from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from flask import current_app
from flask_babel import lazy_pgettext

EXTENSION_KEY = "giamsat.features"

#: Where a panel sits on the case page: in the list of facts beside the content ("facts"),
#: under the actions ("actions"), or in the page body under the case ("body").
SLOTS = ("facts", "actions", "body")


@dataclass(frozen=True)
class Panel:
    """A section of the case page. `context(case)` returns what its template shows the current
    user (the template reads it as ``data``); it runs only when the panel applies."""
    name: str
    template: str
    context: Callable[..., dict]
    families: frozenset[str] | None = None
    slot: str = "body"
    order: int = 50

    def applies_to(self, case) -> bool:
        return self.families is None or case.family in self.families


@dataclass(frozen=True)
class StepHint:
    """A note under a step's button on the case page: `context(case, action)` returns what its
    template shows (as ``data``; the template may render forms only into ``hint_forms``, see
    cases/detail.html), or nothing when it has nothing to say about that step."""
    template: str
    context: Callable[..., object]


@dataclass(frozen=True)
class HomeSection:
    """A block of the home page: `context(user)` returns what its template shows (as ``data``),
    or nothing to leave the block out. `tiles`, when given, renders the same ``data`` as the
    block's counts in the summary at the top of the page (each a link to its full list)."""
    name: str
    template: str
    context: Callable[..., object]
    order: int = 50
    tiles: str | None = None


#: Where a link sits: the main menu; the case list's actions ("intake": log a letter…);
#: the case list's downloads ("list-export", given the list's filters); the home page's and a
#: unit page's links about a unit ("unit", given ``org``); the user's own account page
#: ("account": their settings, their API tokens).
PLACES = ("menu", "intake", "list-export", "unit", "account")

#: The main menu's groups, in the order the menu shows them: (key, label). A group of one
#: visible entry is shown as that entry's link, a larger one as a drop-down under its label.
GROUPS = (
    ("work", lazy_pgettext("menu", "Work")),
    ("cases", lazy_pgettext("menu", "Cases and letters")),
    ("supervision", lazy_pgettext("menu", "Supervision")),
    ("critique", lazy_pgettext("menu", "Social critique")),
    ("documents", lazy_pgettext("menu", "Documents and registers")),
    ("statistics", lazy_pgettext("menu", "Statistics")),
    ("admin", lazy_pgettext("menu", "Administration")),
)
GROUP_KEYS = tuple(key for key, _label in GROUPS)


@dataclass(frozen=True)
class NavItem:
    """A link a feature adds to a kernel page (`place`, see PLACES): shown when
    `visible(user)` says so (always when None); `args` go to url_for. A menu entry sits in
    one of the menu's GROUPS (`group`)."""
    endpoint: str
    label: object
    order: int = 50
    visible: Callable[..., bool] | None = None
    testid: str | None = None
    place: str = "menu"
    args: tuple[tuple[str, str], ...] = ()
    group: str = "work"

    def __post_init__(self) -> None:
        if self.place not in PLACES:
            raise ValueError(f"unknown place {self.place!r}; one of {PLACES}")
        if self.group not in GROUP_KEYS:
            raise ValueError(f"unknown menu group {self.group!r}; one of {GROUP_KEYS}")


@dataclass
class Contributions:
    """Everything the installed features contribute to one app."""
    features: list[str] = field(default_factory=list)
    guards: dict[str, Callable] = field(default_factory=dict)
    effects: dict[tuple[str, str], list[Callable]] = field(default_factory=dict)
    draft_authors: dict[tuple[str, str], list[Callable]] = field(default_factory=dict)
    open_hooks: list[Callable] = field(default_factory=list)
    transition_hooks: list[Callable] = field(default_factory=list)
    panels: list[Panel] = field(default_factory=list)
    step_hints: list[StepHint] = field(default_factory=list)
    home_sections: list[HomeSection] = field(default_factory=list)
    event_hooks: dict[str, list[Callable]] = field(default_factory=dict)
    event_labels: dict[str, object] = field(default_factory=dict)
    nav: list[NavItem] = field(default_factory=list)
    step_pages: dict[tuple[str, str], str] = field(default_factory=dict)
    role_members: dict[str, Callable] = field(default_factory=dict)

    def panels_for(self, case, slot: str) -> list[Panel]:
        return [p for p in self.panels if p.slot == slot and p.applies_to(case)]

    def visible_nav(self, user, place: str = "menu") -> list[NavItem]:
        return [item for item in self.nav
                if item.place == place and (item.visible is None or item.visible(user))]

    def menu(self, user) -> list[tuple[str, object, list[NavItem]]]:
        """The main menu `user` sees: (group key, group label, entries) in GROUPS order,
        leaving out the groups where they see no entry."""
        items = self.visible_nav(user, "menu")
        grouped = ((key, label, [item for item in items if item.group == key])
                   for key, label in GROUPS)
        return [group for group in grouped if group[2]]


def contributions(app) -> Contributions:
    """The app's contributions, created empty on first use."""
    return app.extensions.setdefault(EXTENSION_KEY, Contributions())


def installed() -> Contributions:
    """The current app's contributions."""
    return contributions(current_app)


class Feature:
    """What one package contributes, gathered at import and installed per app."""

    def __init__(self, name: str):
        self.name = name
        self.guards: dict[str, Callable] = {}
        self.effects: list[tuple[tuple[str, str], Callable]] = []
        self.draft_authors_readers: list[tuple[tuple[str, str], Callable]] = []
        self.open_hooks: list[Callable] = []
        self.transition_hooks: list[Callable] = []
        self.panels: list[Panel] = []
        self.step_hints: list[StepHint] = []
        self.home_sections: list[HomeSection] = []
        self.event_hooks: list[tuple[str, Callable]] = []
        self.event_labels: dict[str, object] = {}
        self.nav: list[NavItem] = []
        #: The endpoint (taking ``case_id``) of the feature's own page of a step fired from its
        #: own form (Action.own_form), keyed by (family, trigger): the case page links there.
        self.step_pages: dict[tuple[str, str], str] = {}
        self.role_member_readers: dict[str, Callable] = {}

    def __repr__(self) -> str:
        return f"<Feature {self.name}>"

    # -- decorators used by the feature's modules ------------------------------------------

    def guard(self, name: str):
        """A named guard the workflows refer to: ``fn(case, actor, context) -> reason | None``."""
        def register(fn):
            if name in self.guards:
                raise ValueError(f"guard {name!r} is defined twice in {self.name}")
            self.guards[name] = fn
            return fn
        return register

    def effect(self, family: str, trigger: str):
        """Runs inside the transition's transaction after the state changed; returns data for
        the timeline event."""
        def register(fn):
            self.effects.append(((family, trigger), fn))
            return fn
        return register

    def draft_authors(self, family: str, trigger: str):
        """``fn(case) -> set of user ids`` of everyone who wrote, changed or submitted the draft
        that `trigger` approves (the four-eyes guard asks them)."""
        def register(fn):
            self.draft_authors_readers.append(((family, trigger), fn))
            return fn
        return register

    def on_open(self, fn):
        """``fn(case, actor, intake) -> dict | None`` when a case is opened (before its first
        event is written; the dict joins that event's data)."""
        self.open_hooks.append(fn)
        return fn

    def on_event(self, action: str):
        """``fn(case, event)`` when a line `action` is written on a case's timeline (e.g.
        "document_issued") through record_event, in the same transaction (the nightly
        sweep's bulk lines, written by record_events, run no hook)."""
        def register(fn):
            self.event_hooks.append((action, fn))
            return fn
        return register

    def on_transition(self, fn):
        """``fn(case, action, today, trigger) -> dict | None`` after every change of state."""
        self.transition_hooks.append(fn)
        return fn

    def panel(self, name: str, template: str, *, families: Iterable[str] | None = None,
              slot: str = "body", order: int = 50):
        """The decorated ``fn(case) -> dict`` feeds the case page's section `template`."""
        if slot not in SLOTS:
            raise ValueError(f"unknown slot {slot!r}")

        def register(fn):
            self.panels.append(Panel(name, template, fn,
                                     frozenset(families) if families is not None else None,
                                     slot, order))
            return fn
        return register

    def step_hint(self, template: str):
        """The decorated ``fn(case, action) -> data | None`` feeds a note under the step's
        button (`template`), e.g. the document the step needs."""
        def register(fn):
            self.step_hints.append(StepHint(template, fn))
            return fn
        return register

    def role_members(self, role: str):
        """The decorated ``fn(case) -> SELECT of user ids`` names the users the case names for
        restricted `role` (app.auth.permissions.RESTRICTED_ROLES: the delegation's members), so
        that the case page says who acts next in the one statement that reads every step's
        people."""
        def register(fn):
            self.role_member_readers[role] = fn
            return fn
        return register

    def home_section(self, name: str, template: str, *, order: int = 50,
                     tiles: str | None = None):
        """The decorated ``fn(user) -> data`` feeds the home page's block `template` (and
        its counts in the page's summary, `tiles`)."""
        def register(fn):
            self.home_sections.append(HomeSection(name, template, fn, order, tiles))
            return fn
        return register

    # -- installing ---------------------------------------------------------------------------

    def install(self, app, *, blueprints: Iterable = ()) -> None:
        """Copy the contributions into `app` and register the feature's blueprints."""
        into = contributions(app)
        if self.name in into.features:
            raise RuntimeError(f"feature {self.name!r} is installed twice")
        clash = set(self.guards) & set(into.guards)
        if clash:
            raise RuntimeError(f"guards {sorted(clash)} of {self.name!r} exist already")
        into.features.append(self.name)
        into.guards.update(self.guards)
        for key, fn in self.effects:
            into.effects.setdefault(key, []).append(fn)
        for key, fn in self.draft_authors_readers:
            into.draft_authors.setdefault(key, []).append(fn)
        into.open_hooks.extend(self.open_hooks)
        into.transition_hooks.extend(self.transition_hooks)
        for action, fn in self.event_hooks:
            into.event_hooks.setdefault(action, []).append(fn)
        into.panels.extend(self.panels)
        into.panels.sort(key=lambda p: p.order)
        into.step_hints.extend(self.step_hints)
        into.home_sections.extend(self.home_sections)
        into.home_sections.sort(key=lambda section: section.order)
        into.event_labels.update(self.event_labels)
        into.step_pages.update(self.step_pages)
        clash = set(self.role_member_readers) & set(into.role_members)
        if clash:
            raise RuntimeError(f"members of {sorted(clash)} of {self.name!r} are read already")
        into.role_members.update(self.role_member_readers)
        into.nav.extend(self.nav)
        into.nav.sort(key=lambda item: item.order)
        for blueprint in blueprints:
            app.register_blueprint(blueprint)
