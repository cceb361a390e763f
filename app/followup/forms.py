"""The form to record a reply to a recommendation."""

from flask_babel import lazy_gettext as _l
from flask_wtf.file import MultipleFileField
from wtforms import TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length

from app.core.calendar import local_today
from app.core.forms import BaseForm, DayField
from app.core.uploads import ACCEPT


class ReplyForm(BaseForm):
    received_on = DayField(
        _l("Date the reply was received"), default=local_today,
        validators=[InputRequired(message=_l("Enter the date the reply was received."))],
    )
    text = TextAreaField(
        _l("What the addressee replied"),
        validators=[DataRequired(message=_l("The reply text is required.")), Length(max=20000)],
    )
    files = MultipleFileField(_l("Attached documents"), render_kw={"accept": ACCEPT})
