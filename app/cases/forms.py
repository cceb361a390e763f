from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
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
    Optional,
    ValidationError,
)

from app.core.forms import BaseForm, DayField, choices
from app.orgs.models import indented
from workflows import vocab

#: Families logged only through their own form, which makes their own checks (a letter's sealed
#: sender and required content, a critique's draft): the generic form refuses them.
OWN_FORM_FAMILIES = {
    vocab.LETTER: _l("A letter is logged through the letter intake form, which checks the "
                     "sender and the content."),
    vocab.CRITIQUE: _l("A draft for social critique is registered through its own form."),
    vocab.DIALOGUE: _l("A dialogue is scheduled at an employer through its own form."),
}


class NewCaseForm(BaseForm):
    family = SelectField(_l("Case family"), validators=[InputRequired()], validate_choice=False)
    kind = SelectField(_l("Type"), validators=[Optional()], validate_choice=False)
    channel = SelectField(_l("Channel (44/HD-TLĐ)"), validators=[InputRequired()])
    intake_form = SelectField(_l("Received as"), validators=[InputRequired()])
    org_id = SelectField(_l("Owning unit"), coerce=int, validators=[InputRequired()])
    received_on = DayField(_l("Date received"), validators=[Optional()])
    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=300)])
    subject_matter = StringField(
        _l("Subject matter (what is supervised; document titles are composed from it)"),
        validators=[Length(max=300)])
    summary = TextAreaField(_l("Content"), validators=[Length(max=20000)])
    subject_kind = SelectField(_l("The subject is"), validators=[InputRequired()])
    subject_name = StringField(_l("Subject's name"), validators=[Length(max=255)])
    subject_category = SelectField(_l("Category (for a person)"), validators=[Optional()])
    subject_position = StringField(_l("Position"), validators=[Length(max=255)])
    subject_unit = StringField(_l("Subject's unit or employer"), validators=[Length(max=255)])
    subject_party_committee = StringField(_l("Managing Party committee"),
                                          validators=[Length(max=255)])
    is_anonymous = BooleanField(_l("The sender is anonymous"))
    reporter_name = StringField(_l("Sender's name"), validators=[Length(max=200)])
    reporter_contact = StringField(_l("Sender's contact"), validators=[Length(max=255)])
    reporter_confidential = BooleanField(
        _l("The sender asks to keep their identity confidential"))

    def fill_choices(self, orgs):
        families = {k: v for k, v in vocab.FAMILIES.items() if k not in OWN_FORM_FAMILIES}
        self.family.choices = choices(families)
        kinds = {}
        for family in families:
            kinds.update(vocab.KINDS_BY_FAMILY[family])
        self.kind.choices = choices(kinds, blank="—")
        self.channel.choices = choices(vocab.CHANNELS)
        self.intake_form.choices = choices(vocab.INTAKE_FORMS)
        self.subject_kind.choices = choices(vocab.SUBJECT_KINDS)
        self.subject_category.choices = choices(vocab.SUBJECT_CATEGORIES, blank="—")
        self.org_id.choices = [(o.id, indented(o)) for o in orgs]

    def validate_family(self, field):
        if field.data in OWN_FORM_FAMILIES:
            raise ValidationError(str(OWN_FORM_FAMILIES[field.data]))
        if field.data not in {value for value, _label in field.choices}:
            raise ValidationError(field.gettext("Not a valid choice."))


class ActionForm(BaseForm):
    version = IntegerField(widget=HiddenField.widget, validators=[InputRequired()])
    comment = TextAreaField(_l("Comment"), validators=[Length(max=5000)])
    propose_discipline = BooleanField(_l("Propose that the Party committee consider discipline"))


class WordingForm(BaseForm):
    """The case's title and subject matter, edited on the case page."""
    version = IntegerField(widget=HiddenField.widget, validators=[InputRequired()])
    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=300)])
    subject_matter = StringField(
        _l("Subject matter (what is supervised; document titles are composed from it)"),
        validators=[Length(max=300)])
