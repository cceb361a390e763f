"""The settings form: one choice per kind of notification."""
from flask_babel import lazy_gettext as _l
from wtforms import RadioField
from wtforms.validators import InputRequired

from app.core.forms import BaseForm
from app.notifications.kinds import KINDS, MODES


class SettingsForm(BaseForm):
    """How the user receives each kind (a field named after the kind)."""

    def modes(self) -> dict[str, str]:
        return {kind: self[kind].data for kind in KINDS}


for _kind, _label in KINDS.items():
    setattr(SettingsForm, _kind, RadioField(
        _label, choices=list(MODES.items()),
        validators=[InputRequired(_l("Choose how you receive this kind."))]))
