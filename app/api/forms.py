"""The form of the user's API tokens page."""
from __future__ import annotations

from datetime import timedelta

from flask_babel import lazy_gettext as _l
from wtforms import StringField
from wtforms.validators import DataRequired, InputRequired, Length

from app.api.models import SCOPES
from app.core.calendar import local_today
from app.core.forms import BaseForm, Checkboxes, DayField

#: A new token's life unless the user picks another day.
DEFAULT_DAYS = 90

SCOPE_LABELS = {
    "read": _l("Read cases, recommendations, documents and statistics"),
    "write": _l("Log cases and letters"),
    "transition": _l("Take steps of a case's workflow"),
}


class TokenForm(BaseForm):
    name = StringField(_l("Name (what the token is for)"),
                       validators=[DataRequired(), Length(max=100)])
    scopes = Checkboxes(_l("Permissions"), default=["read"],
                        validators=[DataRequired(message=_l("Choose at least one permission."))])
    expires_on = DayField(_l("Valid until"),
                          default=lambda: local_today() + timedelta(days=DEFAULT_DAYS),
                          validators=[InputRequired()])

    def fill_choices(self) -> None:
        self.scopes.choices = [(scope, SCOPE_LABELS[scope]) for scope in SCOPES]
