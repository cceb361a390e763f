"""Forms of the workplace pages: employers, their yearly records, and a dialogue's steps."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import (
    FieldList,
    Form,
    FormField,
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

from app.core.calendar import local_today
from app.core.forms import BaseForm, Checkboxes, DayField, choices
from app.core.text import nfc
from workflows.vocab import (
    DIALOGUE_EVENTS,
    DIALOGUE_KINDS,
    DIALOGUE_SIDES,
    EMPLOYER_KINDS,
)


def _date(label, required=True, default=local_today):
    return DayField(label, default=default,
                    validators=[InputRequired()] if required else [Optional()])


def _version():
    return IntegerField(widget=HiddenField.widget, validators=[InputRequired()])


def _workers(label):
    return IntegerField(label, validators=[InputRequired(), NumberRange(min=0, max=10_000_000)])


class EmployerForm(BaseForm):
    org_id = SelectField(_l("Grassroots union that covers it"), coerce=int,
                         validate_choice=False)
    name = StringField(_l("Name of the employer"), validators=[DataRequired(), Length(max=255)])
    kind = SelectField(_l("Kind"))
    tax_code = StringField(_l("Tax code"), validators=[Length(max=20)])
    address = StringField(_l("Address"), validators=[Length(max=255)])
    sector = StringField(_l("Sector"), validators=[Length(max=120)])
    representative = StringField(_l("Legal representative"), validators=[Length(max=255)])
    covered_since = _date(_l("Covered by the union since"))
    workers = _workers(_l("Number of workers"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.kind.choices = choices(EMPLOYER_KINDS)


class EmployerEditForm(EmployerForm):
    org_id = None
    covered_since = None
    workers = None


class HeadcountForm(BaseForm):
    as_of = _date(_l("As of"))
    workers = _workers(_l("Number of workers"))


class ConferenceForm(BaseForm):
    held_on = _date(_l("Held on"))
    participants = IntegerField(_l("Participants"), validators=[
        InputRequired(), NumberRange(min=1, max=10_000_000)])
    resolutions = TextAreaField(_l("Resolutions"), validators=[DataRequired(),
                                                                Length(max=20000)])


class RegulationForm(BaseForm):
    kind = SelectField(_l("Issued or updated"), choices=[
        ("issued", _l("Issued")), ("updated", _l("Updated"))])
    issued_on = _date(_l("Issued on"))
    reference = StringField(_l("Number of the employer's decision"),
                            validators=[DataRequired(), Length(max=100)])
    note = TextAreaField(_l("Note"), validators=[Length(max=5000)])


class BoardForm(BaseForm):
    elected_on = _date(_l("Elected on"))
    members = TextAreaField(_l("Members (one per line)"), validators=[DataRequired(),
                                                                      Length(max=5000)])


class BoardReportForm(BaseForm):
    reported_on = _date(_l("Reported on"))
    content = TextAreaField(_l("What the board reported"), validators=[DataRequired(),
                                                                        Length(max=20000)])


class OpenDialogueForm(BaseForm):
    employer_id = SelectField(_l("Employer"), coerce=lambda v: int(v) if v else None,
                              validate_choice=False)
    kind = SelectField(_l("Kind of dialogue"))
    requested_by = SelectField(_l("Requested by"), validate_choice=False)
    requested_on = _date(_l("Request received on"), required=False, default=None)
    event = SelectField(_l("Event (Bộ luật Lao động 2019, Điều 63 khoản 2 điểm c)"),
                        validate_choice=False)
    scheduled_on = _date(_l("Day of the dialogue"), default=None)
    place = StringField(_l("Place"), validators=[Length(max=255)])
    summary = TextAreaField(_l("Notes"), validators=[Length(max=5000)])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.kind.choices = choices(DIALOGUE_KINDS)
        self.requested_by.choices = choices(DIALOGUE_SIDES, blank="—")
        self.event.choices = choices(DIALOGUE_EVENTS, blank="—")


class RescheduleForm(BaseForm):
    scheduled_on = _date(_l("Day of the dialogue"))
    place = StringField(_l("Place"), validators=[Length(max=255)])


class ItemForm(BaseForm):
    source = SelectField(_l("Whose item"), choices=[
        ("workers", _l("Workers' proposal")), ("employer", _l("Employer's item"))])
    text = TextAreaField(_l("Item"), validators=[DataRequired(), Length(max=5000)])


class HoldForm(BaseForm):
    version = _version()
    held_on = _date(_l("Held on"))
    place = StringField(_l("Place"), validators=[Length(max=255)])
    workers_side = TextAreaField(_l("Workers' side: one participant per line (name, position)"),
                                 validators=[Length(max=10000)])
    employer_side = TextAreaField(_l("Employer's side: one participant per line (name, "
                                     "position)"), validators=[Length(max=10000)])

    def people(self) -> list[dict]:
        rows = []
        for side, field in (("workers", self.workers_side), ("employer", self.employer_side)):
            for line in nfc(field.data or "").splitlines():
                name, _sep, position = line.partition(",")
                if name.strip():
                    rows.append({"side": side, "name": name.strip()[:255],
                                 "position": position.strip()[:255]})
        return rows


class OutcomeRow(Form):
    item_id = IntegerField(widget=HiddenField.widget)
    outcome = SelectField(_l("Outcome"), choices=[
        ("", "—"), ("agreed", _l("Agreed")), ("not_agreed", _l("Not agreed"))])
    note = TextAreaField(_l("What was agreed, who does it; or why not"),
                         filters=[nfc], validators=[Length(max=5000)])
    due_on = DayField(_l("To be done by"), validators=[Optional()])


class MinutesForm(BaseForm):
    items = FieldList(FormField(OutcomeRow), min_entries=0, max_entries=200)
    signatories = Checkboxes(_l("Who signs the minutes"), coerce=int, validate_choice=False)


class PublishForm(BaseForm):
    version = _version()
    published_on = _date(_l("Made public on"))
    how = StringField(_l("How (notice board, meeting, internal network…)"),
                      validators=[DataRequired(), Length(max=255)])


class FollowItemForm(BaseForm):
    item_id = IntegerField(widget=HiddenField.widget, validators=[InputRequired()])
    status = SelectField(_l("Result"), choices=[("done", _l("Done")),
                                                ("not_done", _l("Not done"))])
    status_on = _date(_l("On"))
    note = TextAreaField(_l("Note"), validators=[Length(max=5000)])


class ItemActionForm(BaseForm):
    """A POST about one item (remove it, open a supervision from it): CSRF only."""
    item_id = IntegerField(widget=HiddenField.widget, validators=[InputRequired()])


class PlainForm(BaseForm):
    """A POST with nothing but its CSRF token."""
