from flask_babel import lazy_gettext as _l
from wtforms import (
    DateField,
    FieldList,
    Form,
    FormField,
    IntegerField,
    MultipleFileField,
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

from app.core.forms import BaseForm
from app.core.i18n import current_locale
from app.core.text import nfc
from workflows.vocab import DIALOGUE_KINDS

ROLE_LABELS = {
    "leader": _l("Leader (trưởng đoàn)"), "deputy": _l("Deputy leader"),
    "member": _l("Member"), "secretary": _l("Secretary"),
}


class PlanForm(BaseForm):
    purpose = TextAreaField(_l("Purpose and requirements"), validators=[DataRequired()])
    content = TextAreaField(_l("Content of the supervision"), validators=[DataRequired()])
    form = TextAreaField(_l("Form of supervision"))
    place = StringField(_l("Place"), validators=[Length(max=255)])
    starts_on = DateField(_l("Fieldwork starts on"), validators=[InputRequired()])
    ends_on = DateField(_l("Fieldwork ends on"), validators=[InputRequired()])
    subject_preparation = TextAreaField(_l("What the subject must prepare"))


class MemberRow(Form):
    user_id = SelectField(_l("Account"), coerce=lambda v: int(v) if v else None,
                          validate_choice=False)
    name = StringField(_l("Name"), filters=[nfc], validators=[Length(max=160)])
    position = StringField(_l("Position"), filters=[nfc], validators=[Length(max=255)])
    role = SelectField(_l("Role in the delegation"),
                       choices=[(k, v) for k, v in ROLE_LABELS.items()])


class DelegationForm(BaseForm):
    members = FieldList(FormField(MemberRow), min_entries=5, max_entries=12)


class WorkingSessionForm(BaseForm):
    held_on = DateField(_l("Date"), validators=[InputRequired()])
    place = StringField(_l("Place"), validators=[Length(max=255)])
    participants = TextAreaField(_l("Participants"))
    minutes = TextAreaField(_l("Minutes"), validators=[DataRequired()])
    documents_received = TextAreaField(_l("Documents received"))
    files = MultipleFileField(_l("Attach files"))


class DialogueForm(BaseForm):
    kind = SelectField(_l("Kind of dialogue"))
    held_on = DateField(_l("Date"), validators=[InputRequired()])
    union_side = TextAreaField(_l("Union side (one person per line)"))
    other_side = TextAreaField(_l("Other side (one person per line)"))
    agenda = TextAreaField(_l("Agenda"), validators=[DataRequired()])
    agreed = TextAreaField(_l("Agreed items"))
    not_agreed = TextAreaField(_l("Items not agreed"))

    def fill_choices(self):
        self.kind.choices = [(k, v.get(current_locale())) for k, v in DIALOGUE_KINDS.items()]


class FindingRow(Form):
    item = StringField(_l("Content item"), filters=[nfc], validators=[Length(max=300)])
    strengths = TextAreaField(_l("Strengths"), filters=[nfc])
    shortcomings = TextAreaField(_l("Shortcomings"), filters=[nfc])
    causes = TextAreaField(_l("Causes"), filters=[nfc])


class RecommendationRow(Form):
    addressee = StringField(_l("Addressee"), filters=[nfc], validators=[Length(max=255)])
    superior = StringField(_l("Addressee's superior"), filters=[nfc],
                           validators=[Length(max=255)])
    text = TextAreaField(_l("Recommendation"), filters=[nfc])


class ReportForm(BaseForm):
    findings = FieldList(FormField(FindingRow), min_entries=3, max_entries=20)
    recommendations = FieldList(FormField(RecommendationRow), min_entries=3, max_entries=20)
    conclusion = TextAreaField(_l("Conclusion"), validators=[DataRequired()])


class ProgrammeForm(BaseForm):
    org_id = SelectField(_l("Unit"), coerce=int)
    year = IntegerField(_l("Year"), validators=[InputRequired(), NumberRange(2000, 2100)])
    title = StringField(_l("Supervision"), validators=[DataRequired(), Length(max=300)])
    subject_name = StringField(_l("Subject"), validators=[Length(max=255)])
    planned_quarter = IntegerField(_l("Quarter"), validators=[Optional(), NumberRange(1, 4)])
