"""Forms of the portal (the sender's) and of the case page's thread with the sender."""
from flask_babel import lazy_gettext as _l
from flask_wtf.file import MultipleFileField
from wtforms import (
    BooleanField,
    HiddenField,
    IntegerField,
    RadioField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Length, Optional

from app.core.forms import BaseForm, choices
from app.core.uploads import ACCEPT
from app.portal.services import TEXT_MAX, TITLE_MAX
from workflows import vocab

FILES_HINT = _l("PDF, Word, Excel, OpenDocument, JPG or PNG; at most 10 MB each.")


class SubmitForm(BaseForm):
    #: The unit chosen on the units page; empty: "I don't know" (province_id, or the top).
    org_id = IntegerField(widget=HiddenField.widget, validators=[Optional()])
    province_id = SelectField(_l("Your province or sector (if you know it)"), default="",
                              validators=[Optional()])
    kind = RadioField(_l("What are you sending?"),
                      validators=[InputRequired(message=_l("Choose what you are sending."))])
    title = StringField(_l("Title"), validators=[
        DataRequired(message=_l("Give your letter a short title.")), Length(max=TITLE_MAX)])
    content = TextAreaField(_l("What happened, or what you ask"), validators=[
        DataRequired(message=_l("Write what you report or ask.")), Length(max=TEXT_MAX)])
    sender = RadioField(_l("Who is sending"), default="named", choices=[
        ("named", _l("I give my name and how to contact me")),
        ("anonymous", _l("I send it anonymously"))], validators=[InputRequired()])
    name = StringField(_l("Your name"), validators=[Length(max=200)])
    address = StringField(_l("Your address"), validators=[Length(max=300)])
    contact = StringField(_l("Your phone or e-mail"), validators=[Length(max=255)])
    confidential = BooleanField(_l("Keep my identity confidential"))
    files = MultipleFileField(_l("Documents (optional)"), render_kw={"accept": ACCEPT},
                              description=FILES_HINT)
    #: Empty for people: hidden from them (and from screen readers); robots fill it.
    website = StringField(_l("Leave this empty"))
    pow_challenge = HiddenField()
    pow_counter = HiddenField()

    def fill_choices(self, provinces):
        self.kind.choices = choices(vocab.LETTER_KINDS)
        self.province_id.choices = [("", _l("I don't know: send it to the national federation"))] \
            + [(str(o.id), o.display_name) for o in provinces]

    @property
    def is_anonymous(self) -> bool:
        return self.sender.data == "anonymous"

    @property
    def province(self) -> int | None:
        value = self.province_id.data or ""
        return int(value) if value.isdigit() else None


class FollowForm(BaseForm):
    code = StringField(_l("Receipt code"), validators=[
        DataRequired(message=_l("Enter the receipt code.")), Length(max=40)],
        render_kw={"autocomplete": "off", "autocapitalize": "characters", "spellcheck": "false"})
    secret = StringField(_l("Secret"), validators=[
        DataRequired(message=_l("Enter the secret.")), Length(max=40)],
        render_kw={"autocomplete": "off", "autocapitalize": "characters", "spellcheck": "false"})


class AnswerForm(BaseForm):
    text = TextAreaField(_l("Your answer"), validators=[
        DataRequired(message=_l("Write your message.")), Length(max=TEXT_MAX)])
    files = MultipleFileField(_l("Documents (optional)"), render_kw={"accept": ACCEPT},
                              description=FILES_HINT)


class AskForm(BaseForm):
    text = TextAreaField(_l("Question or reply to the sender"), validators=[
        DataRequired(message=_l("Write your message.")), Length(max=TEXT_MAX)])
