from flask_babel import lazy_gettext as _l
from wtforms import (
    HiddenField,
    IntegerField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import (
    DataRequired,
    InputRequired,
    Length,
    NumberRange,
    Optional,
)

from app.core.forms import BaseForm, DayField
from app.deadlines.models import DAY_OFF, WORKING_DAY

UNIT_LABELS = {"calendar": _l("calendar days"), "working": _l("working days")}
DAY_KIND_LABELS = {DAY_OFF: _l("Day off (nghỉ bù, extra holiday)"),
                   WORKING_DAY: _l("Make-up working day (làm bù)")}


class ExtensionForm(BaseForm):
    """A written extension decision (Luật Tố cáo 2018 Điều 30)."""

    version = IntegerField(widget=HiddenField.widget, validators=[InputRequired()])
    number = StringField(_l("Decision number"), validators=[DataRequired(), Length(max=60)])
    decided_on = DayField(_l("Decision date"), validators=[InputRequired()])
    days = IntegerField(_l("Days added"), validators=[Optional(), NumberRange(min=1, max=365)])
    reason = TextAreaField(_l("Reason"), validators=[DataRequired(), Length(max=2000)])


def _optional_days(label):
    return IntegerField(label, validators=[Optional(), NumberRange(min=1, max=3650)])


class RuleForm(BaseForm):
    days = IntegerField(_l("Days"), validators=[InputRequired(), NumberRange(min=1, max=3650)])
    unit = SelectField(_l("Counted in"), choices=list(UNIT_LABELS.items()))
    complex_days = _optional_days(_l("Days when complex"))
    remote_days = _optional_days(_l("Days in a remote area"))
    complex_remote_days = _optional_days(_l("Days when complex and remote"))
    max_extensions = IntegerField(_l("Extensions allowed"),
                                  validators=[InputRequired(), NumberRange(min=0, max=10)])
    extension_days = IntegerField(_l("Days per extension"),
                                  validators=[InputRequired(), NumberRange(min=0, max=365)])
    warn_before_days = IntegerField(_l("Warn this many days before"),
                                    validators=[InputRequired(), NumberRange(min=0, max=365)])


class CalendarDayForm(BaseForm):
    #: 0: the national calendar; a unit's id: a local day off of its subtree.
    org_id = SelectField(_l("Applies to"), coerce=int, default=0)
    day = DayField(_l("Date"), validators=[InputRequired()])
    kind = SelectField(_l("Kind"), choices=list(DAY_KIND_LABELS.items()))
    note = StringField(_l("Decision or note"), validators=[Length(max=255)])
