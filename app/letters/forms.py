"""Forms of the letter pages: intake, classification, acceptance, duplicate link, second
complaint."""

from flask_babel import lazy_gettext as _l
from flask_wtf.file import MultipleFileField
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
    NumberRange,
    Optional,
)

from app.core.calendar import local_today
from app.core.forms import BaseForm, DayField, choices
from app.core.uploads import ACCEPT
from app.orgs.models import indented
from workflows import vocab

CONTENT_REQUIRED = _l("The content of the letter is required: summarise what the sender asks "
                      "or reports.")
COMPLEXITY = {"normal": _l("Normal"), "complex": _l("Complex"),
              "especially_complex": _l("Especially complex")}
YES_NO = [("", "—"), ("yes", _l("Yes")), ("no", _l("No"))]


def _date_field(label):
    return DayField(label, default=local_today, validators=[InputRequired()])


def _yes_no(value: str | None) -> bool | None:
    return {"yes": True, "no": False}.get(value or "")


class LetterForm(BaseForm):
    org_id = SelectField(_l("Receiving unit"), coerce=int, validators=[InputRequired()])
    channel = SelectField(_l("Channel (44/HD-TLĐ)"), default="report",
                          validators=[InputRequired()])
    intake_form = SelectField(_l("How it was received"), default="writing",
                              validators=[InputRequired()])
    received_on = _date_field(_l("Date received"))
    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=300)])
    summary = TextAreaField(_l("Content"), validators=[DataRequired(message=CONTENT_REQUIRED),
                                                       Length(max=20000)])
    is_anonymous = BooleanField(_l("Anonymous letter (no sender given)"))
    keep_confidential = BooleanField(
        _l("The sender asks to keep their identity confidential"))
    sender_name = StringField(_l("Sender's name (the representative, when several sign)"),
                              validators=[Length(max=200)])
    sender_address = StringField(_l("Sender's address"), validators=[Length(max=300)])
    sender_contact = StringField(_l("Sender's phone or e-mail"), validators=[Length(max=255)])
    other_signers = TextAreaField(_l("Other signers (one name per line)"),
                                  validators=[Length(max=5000)])
    signer_count = IntegerField(_l("Number of signers"),
                                validators=[Optional(), NumberRange(1, 100000)])
    subject_kind = SelectField(_l("The letter is about"), validators=[InputRequired()])
    subject_name = StringField(_l("Name of the person or organisation concerned"),
                               validators=[Length(max=255)])
    subject_category = SelectField(_l("Category (for a person)"), validators=[Optional()])
    subject_position = StringField(_l("Position"), validators=[Length(max=255)])
    subject_unit = StringField(_l("Subject's unit or employer"), validators=[Length(max=255)])
    subject_party_committee = StringField(_l("Managing Party committee"),
                                          validators=[Length(max=255)])
    files = MultipleFileField(_l("Documents attached to the letter"),
                              render_kw={"accept": ACCEPT})
    sender_files = MultipleFileField(_l("Scans that reveal the sender (handwriting, signature)"),
                                     render_kw={"accept": ACCEPT})

    def fill_choices(self, orgs):
        self.channel.choices = choices(vocab.CHANNELS)
        self.intake_form.choices = choices(vocab.INTAKE_FORMS)
        self.subject_kind.choices = choices(vocab.SUBJECT_KINDS)
        self.subject_category.choices = choices(vocab.SUBJECT_CATEGORIES, blank="—")
        self.org_id.choices = [(o.id, indented(o)) for o in orgs]

    @property
    def signers(self) -> tuple[str, ...]:
        return tuple(line.strip() for line in (self.other_signers.data or "").splitlines()
                     if line.strip())

    @property
    def subject(self) -> dict:
        return {name: getattr(self, name).data or "" for name in (
            "subject_kind", "subject_name", "subject_position", "subject_unit",
            "subject_party_committee")} | {"subject_category": self.subject_category.data or None}


class ClassifyForm(BaseForm):
    version = IntegerField(widget=HiddenField.widget, validators=[InputRequired()])
    kind = SelectField(_l("Kind of letter"),
                       validators=[InputRequired(message=_l("Choose the kind of letter."))])
    is_valid = SelectField(_l("Valid for processing"), validators=[InputRequired()])
    invalid_reason = TextAreaField(_l("Why it is not valid"), validators=[Length(max=5000)])
    names_violator = BooleanField(_l("The content identifies the violator"))
    has_evidence = BooleanField(_l("Concrete evidence is attached"))
    within_competence = SelectField(_l("Within the union's competence"),
                                    validators=[InputRequired()])
    competent_body = StringField(_l("Competent body (when not within competence)"),
                                 validators=[Length(max=255)])
    complexity = SelectField(_l("Complexity"), default="normal")
    remote_area = BooleanField(_l("The sender lives in a remote area"))
    comment = TextAreaField(_l("Comment"), validators=[Length(max=5000)])

    def fill_choices(self):
        self.kind.choices = choices(vocab.LETTER_KINDS, blank="—")
        self.is_valid.choices = self.within_competence.choices = YES_NO
        self.complexity.choices = list(COMPLEXITY.items())

    def values(self) -> dict:
        return {
            "kind": self.kind.data, "is_valid": _yes_no(self.is_valid.data),
            "invalid_reason": self.invalid_reason.data or "",
            "names_violator": self.names_violator.data, "has_evidence": self.has_evidence.data,
            "within_competence": _yes_no(self.within_competence.data),
            "competent_body": self.competent_body.data or "",
            "complexity": self.complexity.data, "remote_area": self.remote_area.data,
            "comment": self.comment.data or "", "expected_version": self.version.data,
        }


class AcceptForm(BaseForm):
    """Thụ lý: the day the officer accepted the letter (ngày thụ lý), today unless told."""

    version = IntegerField(widget=HiddenField.widget, validators=[InputRequired()])
    accepted_on = _date_field(_l("Date of acceptance (ngày thụ lý)"))
    comment = TextAreaField(_l("Comment"), validators=[
        DataRequired(message=_l("Please give a reason or comment for “Thụ lý”.")),
        Length(max=5000)])


class DuplicateForm(BaseForm):
    version = IntegerField(widget=HiddenField.widget, validators=[InputRequired()])
    primary_id = IntegerField(widget=HiddenField.widget, validators=[InputRequired()])
    comment = TextAreaField(_l("Comment"), validators=[Length(max=5000)])


class SecondComplaintForm(BaseForm):
    received_on = _date_field(_l("Date received"))
    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=300)])
    summary = TextAreaField(_l("What the complainant disputes in the first decision"),
                            validators=[DataRequired(message=CONTENT_REQUIRED),
                                        Length(max=20000)])
    files = MultipleFileField(_l("Documents attached to the letter"),
                              render_kw={"accept": ACCEPT})


#: What the receiving body did (ForwardReply.result), as the officer chooses it.
FORWARD_RESULT_LABELS = {
    "upheld": _l("Resolved in the sender's favour"),
    "partly_upheld": _l("Resolved partly in the sender's favour"),
    "not_upheld": _l("Resolved, not in the sender's favour"),
    "answered": _l("Only answered, not resolved"),
}


class ForwardReplyForm(BaseForm):
    """The answer of the body the letter was forwarded to."""

    version = IntegerField(widget=HiddenField.widget, validators=[InputRequired()])
    received_on = DayField(
        _l("Date the reply was received"), default=local_today,
        validators=[InputRequired(message=_l("Enter the date the reply was received."))])
    document_number = StringField(_l("Number of the body's document (if any)"),
                                  validators=[Length(max=100)])
    document_date = DayField(_l("Date of the body's document"), validators=[Optional()])
    result = SelectField(_l("Result"), choices=[("", "—"), *FORWARD_RESULT_LABELS.items()],
                         validators=[InputRequired(message=_l("Choose the result of the "
                                                              "reply."))])
    text = TextAreaField(_l("What the receiving body answered"), validators=[
        DataRequired(message=_l("Summarise what the receiving body answered.")),
        Length(max=20000)])


class EscalateForm(BaseForm):
    """Kiến nghị cấp trên of a receiving body that has not answered."""

    version = IntegerField(widget=HiddenField.widget, validators=[InputRequired()])
    superior = StringField(_l("Superior of the receiving body"), validators=[
        DataRequired(message=_l("Name the superior of the receiving body.")), Length(max=255)])
    comment = TextAreaField(_l("What was asked of the superior"), validators=[
        DataRequired(message=_l("Say what is asked of the superior.")), Length(max=5000)])
