"""Base form: CSRF (Flask-WTF) and NFC normalisation of every text field."""
from flask_wtf import FlaskForm
from wtforms import StringField, TextAreaField

from app.core.text import nfc


class BaseForm(FlaskForm):
    class Meta:
        def bind_field(self, form, unbound_field, options):
            if issubclass(unbound_field.field_class, (StringField, TextAreaField)):
                options["filters"] = (*options.get("filters", ()), nfc)
            return unbound_field.bind(form=form, **options)
