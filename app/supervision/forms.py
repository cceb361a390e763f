from flask_babel import lazy_gettext as _l
from wtforms import (
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

from app.core.forms import BaseForm, DayField
from app.core.i18n import current_locale
from app.core.text import nfc
from workflows.vocab import DIALOGUE_KINDS

ROLE_LABELS = {
    "leader": _l("Leader (trưởng đoàn)"), "deputy": _l("Deputy leader"),
    "member": _l("Member"), "secretary": _l("Secretary"),
}


def subject_line(case) -> str:
    """The supervised person or organisation as a participants' list names them: "name,
    position" of a person, the organisation's name."""
    return ", ".join(part for part in (case.subject_name, case.subject_position) if part)


def subject_place(case) -> str:
    """Where fieldwork happens: at the supervised organisation, or the supervised person's
    unit."""
    if case.subject_kind == "organisation":
        return case.subject_name or case.subject_unit
    return case.subject_unit or case.subject_name


class PlanForm(BaseForm):
    purpose = TextAreaField(_l("Purpose and requirements"), validators=[DataRequired()])
    content = TextAreaField(_l("Content of the supervision"), validators=[DataRequired()])
    form = TextAreaField(_l("Form of supervision"))
    place = StringField(_l("Place"), validators=[Length(max=255)])
    starts_on = DayField(_l("Fieldwork starts on"), validators=[InputRequired()])
    ends_on = DayField(_l("Fieldwork ends on"), validators=[InputRequired()])
    subject_preparation = TextAreaField(_l("What the subject must prepare"))

    def prefill(self, case) -> None:
        """A new plan: what is supervised and where, from the case."""
        self.content.data = case.subject_matter or case.title
        self.place.data = subject_place(case)


def member_line(member) -> str:
    """A delegation member as a participants' list names them: "name, position"."""
    return ", ".join(part for part in (member.name, member.position) if part)


class MemberRow(Form):
    user_id = SelectField(_l("Account"), coerce=lambda v: int(v) if v else None,
                          validate_choice=False)
    name = StringField(_l("Name"), filters=[nfc], validators=[Length(max=160)])
    position = StringField(_l("Position"), filters=[nfc], validators=[Length(max=255)])
    role = SelectField(_l("Role in the delegation"),
                       choices=[(k, v) for k, v in ROLE_LABELS.items()])


class DelegationForm(BaseForm):
    members = FieldList(FormField(MemberRow), min_entries=5, max_entries=12)

    def prefill(self, members) -> None:
        """The named members, then empty rows: the first row is the leader's when none is
        named yet, every other row a member's (exactly one leader as offered); one empty row
        at least, up to the largest delegation."""
        while len(self.members.entries) < min(len(members) + 1, self.members.max_entries):
            self.members.append_entry()
        for i, entry in enumerate(self.members.entries):
            row = entry.form
            if i < len(members):
                m = members[i]
                row.user_id.data, row.name.data = m.user_id, m.name
                row.position.data, row.role.data = m.position, m.role
            else:
                row.role.data = "leader" if i == 0 else "member"


class WorkingSessionForm(BaseForm):
    held_on = DayField(_l("Date"), validators=[InputRequired()])
    place = StringField(_l("Place"), validators=[Length(max=255)])
    participants = TextAreaField(_l("Participants"))
    minutes = TextAreaField(_l("Minutes"), validators=[DataRequired()])
    documents_received = TextAreaField(_l("Documents received"))
    files = MultipleFileField(_l("Attach files"))

    def prefill(self, case, plan, delegation, today) -> None:
        """Today, at the plan's place, with the delegation and the supervised party."""
        self.held_on.data = today
        self.place.data = plan.place if plan is not None and plan.place else subject_place(case)
        self.participants.data = "\n".join(
            [member_line(m) for m in delegation] + [line for line in [subject_line(case)]
                                                     if line])


class DialogueForm(BaseForm):
    kind = SelectField(_l("Kind of dialogue"))
    held_on = DayField(_l("Date"), validators=[InputRequired()])
    union_side = TextAreaField(_l("Union side (one person per line)"))
    other_side = TextAreaField(_l("Other side (one person per line)"))
    agenda = TextAreaField(_l("Agenda"), validators=[DataRequired()])
    agreed = TextAreaField(_l("Agreed items"))
    not_agreed = TextAreaField(_l("Items not agreed"))

    def fill_choices(self):
        self.kind.choices = [(k, v.get(current_locale())) for k, v in DIALOGUE_KINDS.items()]

    def prefill(self, case, delegation, today) -> None:
        """Today, the delegation on the union's side, a supervised person on the other, and
        the subject matter as the agenda."""
        self.held_on.data = today
        self.union_side.data = "\n".join(member_line(m) for m in delegation)
        if case.subject_kind != "organisation":
            self.other_side.data = subject_line(case)
        self.agenda.data = case.subject_matter or case.title


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

    def prefill_addressees(self, case, start: int = 0) -> None:
        """The recommendation rows from `start` on are addressed to the supervised party and
        its superior (as the recommendation case will be): a row without text is not saved."""
        for entry in self.recommendations.entries[start:]:
            entry.form.addressee.data = case.subject_name
            entry.form.superior.data = case.subject_unit


class ProgrammeForm(BaseForm):
    org_id = SelectField(_l("Unit"), coerce=int)
    year = IntegerField(_l("Year"), validators=[InputRequired(), NumberRange(2000, 2100)])
    title = StringField(_l("Supervision"), validators=[DataRequired(), Length(max=300)])
    subject_name = StringField(_l("Subject"), validators=[Length(max=255)])
    planned_quarter = IntegerField(_l("Quarter"), validators=[Optional(), NumberRange(1, 4)])
