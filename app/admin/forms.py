"""Forms of the administration pages; the views fill the unit choices (the admin's subtree)."""
from flask_babel import lazy_gettext as _l
from wtforms import (
    EmailField,
    PasswordField,
    SelectField,
    StringField,
)
from wtforms.validators import DataRequired, InputRequired, Length, Optional, Regexp

from app.core.forms import BaseForm, Checkboxes, DayField


def _password(label):
    return PasswordField(label, validators=[Optional(), Length(min=8, max=200, message=_l(
        "A password of at least 8 characters is required."))],
                         render_kw={"autocomplete": "new-password"})


class UserForm(BaseForm):
    username = StringField(_l("Username"), validators=[DataRequired(), Length(max=80)],
                           render_kw={"autocomplete": "off"})
    full_name = StringField(_l("Full name"), validators=[DataRequired(), Length(max=160)])
    email = EmailField(_l("E-mail"), validators=[Optional(), Length(max=200), Regexp(
        r"^[^@\s]+@[^@\s]+\.[^@\s]+$", message=_l("Not a valid e-mail address."))])
    org_id = SelectField(_l("Unit"), coerce=int, validators=[InputRequired()])
    roles = Checkboxes(_l("Roles in this unit"), validators=[DataRequired()])
    password = _password(_l("Initial password (empty: one is generated and shown once)"))


class RoleForm(BaseForm):
    role = SelectField(_l("Role"), validators=[DataRequired()])
    org_id = SelectField(_l("Unit"), coerce=int, validators=[InputRequired()])


class GiveRoleForm(BaseForm):
    """On a unit's page: a role there for a user named by their username."""
    username = StringField(_l("Username"), validators=[DataRequired(), Length(max=80)])
    role = SelectField(_l("Role"), validators=[DataRequired()])


class PasswordForm(BaseForm):
    password = _password(_l("New password (empty: one is generated and shown once)"))


class UnitForm(BaseForm):
    name = StringField(_l("Name of the unit"), validators=[DataRequired(), Length(max=255)])
    label = StringField(_l("Name in lists"), validators=[Length(max=80)],
                        description=_l("Short and unambiguous, e.g. “LĐLĐ Hà Tĩnh”, "
                                       "“CĐCS Thép Vũng Áng”; empty: the full name."))
    short_name = StringField(_l("Short name in document numbers"),
                             validators=[DataRequired(), Length(max=40)],
                             description=_l("As in “Số: 05/QĐ-LĐLĐ”."))
    header_name = StringField(_l("Name in document headers"), validators=[Length(max=120)],
                              description=_l("When the full name is too long for the header; "
                                             "empty: the full name."))
    place_name = StringField(_l("Place in the date line"),
                             validators=[DataRequired(), Length(max=120)],
                             description=_l("As in “Hà Tĩnh, ngày 05 tháng 01 năm 2026”."))


class MoveForm(BaseForm):
    parent_id = SelectField(_l("New unit above"), coerce=int, validators=[InputRequired()])
    on = DayField(_l("From"), validators=[InputRequired()])
