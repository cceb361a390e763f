"""The form that lifts a seal on a reporter's identity."""
from flask_babel import lazy_gettext as _l
from wtforms import TextAreaField
from wtforms.validators import DataRequired, Length

from app.core.forms import BaseForm


class LiftSealForm(BaseForm):
    reason = TextAreaField(
        _l("Why the sender's identity no longer needs to be kept confidential"),
        validators=[DataRequired(message=_l("Give the reason for lifting the seal.")),
                    Length(max=2000)])
