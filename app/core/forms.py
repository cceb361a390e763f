"""Base form: CSRF (Flask-WTF); every text field stripped of control characters and in NFC,
every integer field within what a database integer holds; DayField, the one date field."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import Field, IntegerField, SelectMultipleField, StringField, TextAreaField
from wtforms.validators import NumberRange, StopValidation
from wtforms.widgets import CheckboxInput, ListWidget, TextInput

from app.core.dates import FIRST_INPUT_YEAR, LAST_INPUT_YEAR, format_day, parse_day
from app.core.i18n import current_locale
from app.core.params import MAX_ID
from app.core.text import clean

_INTEGER_COLUMN = NumberRange(-MAX_ID - 1, MAX_ID)


def _fits_an_integer_column(form, field):
    """A number beyond a PostgreSQL integer is refused with a message: sent to the database it
    would fail the query (a 500). Silent when the field already said what is wrong."""
    if field.data is not None and not field.errors:
        _INTEGER_COLUMN(form, field)


#: What a day that cannot be read is answered with, naming the form it is expected in.
DAY_MESSAGE = _l("Enter the date as dd/mm/yyyy, for example 05/01/2026.")
DAY_RANGE_MESSAGE = _l("Enter a date between the years %(first)d and %(last)d.")

#: The attributes of every day input; `data-datepicker` is what app/static/datepicker.js binds
#: the calendar to.
DAY_INPUT_ATTRIBUTES = {"placeholder": "dd/mm/yyyy", "inputmode": "numeric",
                        "autocomplete": "off", "data-datepicker": True}


class DayInput(TextInput):
    """A text input for dd/mm/yyyy. Never type="date": a browser shows that one in its own
    language's order (mm/dd/yyyy in an English browser) whatever the page's language."""

    def __call__(self, field, **kwargs):
        for name, value in DAY_INPUT_ATTRIBUTES.items():
            kwargs.setdefault(name, value)
        return super().__call__(field, **kwargs)


class DayField(Field):
    """A calendar day, shown and typed as dd/mm/yyyy whatever the browser's language.

    Reads what app.core.dates.parse_day reads (d/m/yyyy, dd.mm.yyyy, ddmmyyyy and ISO
    yyyy-mm-dd); an empty input is None, for InputRequired or Optional to judge. A malformed or
    impossible day (31/02/2026), or one outside FIRST_INPUT_YEAR..LAST_INPUT_YEAR, is a field
    error naming the expected form, and the text stays in the input as typed. The form's other
    validators do not run on it: they would see None."""

    widget = DayInput()

    def _value(self):
        if self.raw_data:
            return " ".join(self.raw_data)
        return format_day(self.data) if self.data else ""

    def process_formdata(self, valuelist):
        if not valuelist:
            return
        text = " ".join(valuelist).strip()
        self.data = None
        if not text:
            return
        day = parse_day(text)
        if day is None:
            raise ValueError(str(DAY_MESSAGE))
        if not FIRST_INPUT_YEAR <= day.year <= LAST_INPUT_YEAR:
            raise ValueError(str(DAY_RANGE_MESSAGE) % {"first": FIRST_INPUT_YEAR,
                                                       "last": LAST_INPUT_YEAR})
        self.data = day

    def pre_validate(self, form):
        if self.process_errors:
            raise StopValidation()


class _CatalogueTranslations:
    """WTForms' own messages looked up in our catalogue (WTForms ships no Vietnamese)."""

    def gettext(self, string):
        from flask_babel import get_translations

        return get_translations().ugettext(string)

    def ngettext(self, singular, plural, n):
        from flask_babel import get_translations

        return get_translations().ungettext(singular, plural, n)


class Checkboxes(SelectMultipleField):
    """A multiple choice shown as a list of checkboxes (units to invite, roles to give)."""
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class BaseForm(FlaskForm):
    class Meta:
        def get_translations(self, form):
            return _CatalogueTranslations()

        def bind_field(self, form, unbound_field, options):
            # Added to the bound field: `options` never holds the field's own filters or
            # validators, so setting them there would replace those.
            field = unbound_field.bind(form=form, **options)
            if isinstance(field, (StringField, TextAreaField)):
                field.filters = (*field.filters, clean)
            elif isinstance(field, IntegerField):
                field.validators = [*field.validators, _fits_an_integer_column]
            return field


def attach_error(form, exc) -> None:
    """Show a refused service call's message on its field, or as a flash when it has none."""
    from flask import flash

    field = getattr(form, exc.field, None) if exc.field else None
    if field is not None:
        field.errors = [*field.errors, exc.message]
    else:
        flash(exc.message, "danger")


def handle_form(form, save, render, done):
    """The thin-view loop: validate → save() → commit once → done(result).

    A refusal (DomainError) rolls back, shows its message and answers with its status;
    invalid input answers 422 with the form as typed.
    """
    from flask import request

    from app.core.errors import DomainError
    from app.extensions import db

    status = 200
    if form.validate_on_submit():
        try:
            result = save()
        except DomainError as exc:
            db.session.rollback()
            attach_error(form, exc)
            status = exc.status
        else:
            db.session.commit()
            return done(result)
    elif request.method == "POST":
        status = 422
    return render(), status


def _wtforms_messages():  # pragma: no cover - never called
    """WTForms' built-in messages that our forms can show, listed so they are extracted."""
    from flask_babel import gettext, ngettext

    gettext("This field is required.")
    gettext("Not a valid integer value.")
    gettext("Not a valid choice.")
    gettext("Invalid Choice: could not coerce.")
    gettext("Invalid choice(s): one or more data inputs could not be coerced.")
    ngettext("'%(value)s' is not a valid choice for this field.",
             "'%(value)s' are not valid choices for this field.", 2)
    gettext("Number must be between %(min)s and %(max)s.")
    ngettext("Field cannot be longer than %(max)d character.",
             "Field cannot be longer than %(max)d characters.", 2)


def choices(mapping, blank=None) -> list[tuple[str, str]]:
    """A select's choices from a vocabulary of Labels, in the user's language; `blank` first
    when given."""
    loc = current_locale()
    items = [(key, label.get(loc)) for key, label in mapping.items()]
    return ([("", blank)] if blank is not None else []) + items
