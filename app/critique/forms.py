"""Forms of the critique pages; they never touch the database."""
from flask_babel import lazy_gettext as _l
from wtforms import (
    FieldList,
    Form,
    FormField,
    HiddenField,
    MultipleFileField,
    RadioField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Length

from app.core.forms import BaseForm, Checkboxes, DayField
from app.core.i18n import current_locale
from app.core.text import nfc
from workflows.vocab import CRITIQUE_KINDS

POSITION_LABELS = {"agree": _l("Agree"), "amend": _l("Propose a change"),
                   "remove": _l("Propose removal")}
RESPONSE_LABELS = {"taken_in": _l("Taken in (tiếp thu)"), "explained": _l("Explained (giải trình)"),
                   "not_taken_in": _l("Not taken in (không tiếp thu)")}
MEETING_LABELS = {"conference": _l("Critique conference"), "dialogue": _l("Direct dialogue")}


def _int_or_none(value):
    return int(value) if value not in (None, "", "None") else None


class ArticleRow(Form):
    number = StringField(_l("Article number"), filters=[nfc], validators=[Length(max=20)])
    heading = StringField(_l("Heading"), filters=[nfc], validators=[Length(max=300)])
    text = TextAreaField(_l("Text"), filters=[nfc])


class RegisterForm(BaseForm):
    org_id = SelectField(_l("Unit"), coerce=int)
    title = StringField(_l("Title of the draft"), validators=[DataRequired(), Length(max=300)])
    drafting_body = StringField(_l("Drafting body"),
                                validators=[DataRequired(), Length(max=255)])
    kind = SelectField(_l("Kind of draft"))
    received_on = DayField(_l("Date received"), validators=[InputRequired()])
    submission_on = DayField(_l("Date it will be submitted"), validators=[InputRequired()])
    summary = TextAreaField(_l("Notes"))
    articles_text = TextAreaField(_l("Text of the draft (each article on a line starting "
                                     "“Điều 1.”)"))
    files = MultipleFileField(_l("Attach the draft"))

    def fill_choices(self, orgs):
        self.org_id.choices = [(o.id, o.display_name) for o in orgs]
        self.kind.choices = [(k, v.get(current_locale())) for k, v in CRITIQUE_KINDS.items()]


class ArticlesForm(BaseForm):
    articles = FieldList(FormField(ArticleRow), min_entries=3, max_entries=200)
    paste = TextAreaField(_l("Or paste the text: each article on a line starting “Điều 1.”"))


class MeetingForm(BaseForm):
    held_on = DayField(_l("Date"), validators=[InputRequired()])
    place = StringField(_l("Place"), validators=[Length(max=255)])
    participants = TextAreaField(_l("Participants"), validators=[DataRequired()])
    minutes = TextAreaField(_l("Minutes (once it has been held)"))


class ExpertRow(Form):
    name = StringField(_l("Expert's name"), filters=[nfc], validators=[Length(max=160)])
    organisation = StringField(_l("Organisation"), filters=[nfc], validators=[Length(max=255)])
    email = StringField(_l("E-mail"), filters=[nfc], validators=[Length(max=200)])


class ConsultationForm(BaseForm):
    deadline = DayField(_l("Comments due by"), validators=[InputRequired()])
    org_ids = Checkboxes(_l("Units invited"), coerce=int)
    experts = FieldList(FormField(ExpertRow), min_entries=2, max_entries=20)
    message = TextAreaField(_l("Message to the invitees"))


class CommentRow(Form):
    article_id = HiddenField(filters=[_int_or_none])
    position = RadioField(_l("Opinion"), choices=[("", _l("No comment")),
                                                  *POSITION_LABELS.items()],
                          default="", validate_choice=True)
    text = TextAreaField(_l("Comment"), filters=[nfc])


class CommentsForm(BaseForm):
    comments = FieldList(FormField(CommentRow), max_entries=200)


class PointRow(Form):
    article_id = SelectField(_l("Article"), coerce=_int_or_none, validate_choice=False)
    text = TextAreaField(_l("Point of the critique"), filters=[nfc])


class PointsForm(BaseForm):
    points = FieldList(FormField(PointRow), min_entries=3, max_entries=100)


class ResponseForm(BaseForm):
    response = SelectField(_l("Drafting body's response"),
                           choices=[("", "—"), *RESPONSE_LABELS.items()],
                           validators=[DataRequired()])
    text = TextAreaField(_l("Explanation"))
    responded_on = DayField(_l("Date of the response"), validators=[InputRequired()])

