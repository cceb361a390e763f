"""Forms of the documents package: pick a template, edit a draft."""
from flask_babel import lazy_gettext as _l
from wtforms import RadioField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length

from app.core.forms import BaseForm


class NewDocumentForm(BaseForm):
    template = SelectField(_l("Document template"), validators=[DataRequired()])


class CorrectionForm(BaseForm):
    """A new document naming an issued one: it replaces it, or corrects part of it."""

    kind = RadioField(_l("The new document"), validators=[DataRequired()],
                      choices=[("replace", _l("replaces it (thay thế)")),
                               ("correct", _l("corrects part of it (đính chính)"))])


class DraftForm(BaseForm):
    summary = StringField(_l("Summary (trích yếu)"), validators=[DataRequired(), Length(max=500)])
    # Every length below lays out (long lines wrap, tables split across pages); the limits only
    # keep a document a document.
    addressees = TextAreaField(_l("Addressed to (Kính gửi), one per line"),
                               validators=[Length(max=5000)])
    bases = TextAreaField(_l("Legal bases (căn cứ), one per line"),
                          validators=[Length(max=10000)])
    body = TextAreaField(_l("Body"), validators=[DataRequired(), Length(max=100000)])
    recipients = TextAreaField(_l("Recipients (Nơi nhận), one per line"),
                               validators=[Length(max=10000)])
    filing = StringField(_l("Filed at (Lưu)"), validators=[Length(max=120)])
    authority = StringField(_l("Signing authority (TM., KT., Q., TL., TUQ.)"),
                            validators=[Length(max=120)])
    capacity = StringField(_l("Second authority line"), validators=[Length(max=120)])
    #: The signer's name is not typed: the approving user signs.
    signer_title = StringField(_l("Signer's title"), validators=[Length(max=120)])

    def fill(self, doc) -> None:
        c = doc.content
        sig = c.get("signature") or {}
        self.summary.data = doc.summary
        for name in ("addressees", "bases", "recipients"):
            getattr(self, name).data = "\n".join(c.get(name, []))
        self.body.data, self.filing.data = c.get("body", ""), c.get("filing", "")
        for name in ("authority", "capacity", "signer_title"):
            getattr(self, name).data = sig.get(name, "")

    def values(self) -> dict:
        return {name: getattr(self, name).data for name in (
            "summary", "addressees", "bases", "body", "recipients", "filing", "authority",
            "capacity", "signer_title")}
