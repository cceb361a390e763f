"""The form to record a reply to a recommendation."""

from flask_babel import lazy_gettext as _l
from flask_wtf.file import MultipleFileField
from wtforms import DateField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length

from app.core.calendar import local_today
from app.core.forms import BaseForm
from app.core.uploads import ACCEPT


class ReplyForm(BaseForm):
    # A date input sends yyyy-mm-dd; where it falls back to text, people type dd/mm/yyyy.
    received_on = DateField(
        _l("Date the reply was received"), format=["%Y-%m-%d", "%d/%m/%Y"], default=local_today,
        validators=[InputRequired(message=_l("Enter the date the reply was received."))],
        invalid_value_message=_l("Enter the date as dd/mm/yyyy."),
    )
    text = TextAreaField(
        _l("What the addressee replied"),
        validators=[DataRequired(message=_l("The reply text is required.")), Length(max=20000)],
    )
    files = MultipleFileField(_l("Attached documents"), render_kw={"accept": ACCEPT})
