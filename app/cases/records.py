"""Who may write a feature's records on a case, and when: one rule per feature, asked by the
service that writes the record (which refuses), and by the page that shows its button.

*When* is workflow data: a record may be written in the states whose ``records`` name it
(`workflows.base.State.records`, `Case.takes`). *Who* is the feature's: the roles that write
each record in the case's unit or above, and optionally a predicate that lets someone else in
(a named member of a supervision delegation).
"""
from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from flask_babel import gettext as _

from app.auth import permissions
from app.core.errors import Conflict, Forbidden


@dataclass(frozen=True)
class RecordRules:
    #: record -> the roles that write it.
    writers: Mapping[str, frozenset[str]]
    #: record -> predicate(case, actor) that also lets the actor write it.
    also: Mapping[str, Callable] = field(default_factory=dict)

    def __iter__(self):
        return iter(self.writers)

    def can_write(self, actor, case, record: str) -> bool:
        """The actor's roles (or the record's extra predicate) let them write `record`."""
        if permissions.roles_in(actor, case.org) & self.writers[record]:
            return True
        predicate = self.also.get(record)
        return bool(predicate and predicate(case, actor))

    def can_edit(self, actor, case, record: str) -> bool:
        """`record` may be written now by the actor: the state takes it and they may write it.
        A record's button shows exactly when this holds."""
        return case.takes(record) and self.can_write(actor, case, record)

    def require(self, actor, case, record: str, closed) -> None:
        """Refuse to write `record`: 409 with `closed` when the state does not take it, then
        403 when the actor may not write it."""
        if not case.takes(record):
            raise Conflict(closed)
        if not self.can_write(actor, case, record):
            raise Forbidden(_("Your role does not allow this in this unit."))
