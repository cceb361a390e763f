"""Days are typed and shown as dd/mm/yyyy whatever the browser's language (app.core.dates.parse_day,
app.core.forms.DayField), in text inputs the date picker binds to, never type="date"."""
from __future__ import annotations

import importlib.util
import re
from datetime import date
from pathlib import Path

import pytest
from flask import render_template_string, session
from werkzeug.datastructures import MultiDict
from wtforms.validators import DataRequired, InputRequired, Optional

from app.core.dates import parse_day
from app.core.forms import BaseForm, DayField

ROOT = Path(__file__).resolve().parents[2]
VI_MESSAGE = "Nhập ngày theo dạng dd/mm/yyyy, ví dụ 05/01/2026."
EN_MESSAGE = "Enter the date as dd/mm/yyyy, for example 05/01/2026."


@pytest.mark.parametrize("typed", [
    "05/01/2026", "5/1/2026", "05/1/2026", " 05/01/2026 ", "05.01.2026", "05-01-2026",
    "05012026", "2026-01-05",
])
def test_the_forms_people_type_are_read_day_first(typed):
    assert parse_day(typed) == date(2026, 1, 5)


@pytest.mark.parametrize("typed", [
    "", None, "   ", "31/02/2026", "29/02/2025", "00/01/2026", "05/13/2026", "05/01/26",
    "2026-1-5", "2026/01/05", "05/01-2026", "5 tháng 1 2026", "hôm nay", "05/01/2026x",
    "٠٥/٠١/٢٠٢٦", "05/01/２０２６", "0000-01-01", "1/1/1/2026",
])
def test_anything_else_is_no_day(typed):
    assert parse_day(typed) is None


def test_leap_day():
    assert parse_day("29/02/2028") == date(2028, 2, 29)


class _Form(BaseForm):
    class Meta:
        csrf = False

    required = DayField("Required", validators=[InputRequired()])
    optional = DayField("Optional", validators=[Optional()])
    strict = DayField("Strict", validators=[DataRequired()])


def _form(app, lang="vi", **posted):
    """A form bound to `posted` in a request whose UI language is `lang`; validated."""
    ctx = app.test_request_context("/", method="POST")
    ctx.push()
    session["lang"] = lang
    form = _Form(formdata=MultiDict(posted))
    form.validate()
    return form, ctx


@pytest.fixture
def bound(app):
    contexts = []

    def make(lang="vi", **posted):
        form, ctx = _form(app, lang, **posted)
        contexts.append(ctx)
        return form

    yield make
    for ctx in reversed(contexts):
        ctx.pop()


def test_a_valid_post_gives_dates(bound):
    form = bound(required="05/01/2026", optional="2026-01-06", strict="7/1/2026")
    assert form.errors == {}
    assert (form.required.data, form.optional.data, form.strict.data) == (
        date(2026, 1, 5), date(2026, 1, 6), date(2026, 1, 7))


def test_empty_is_none_for_the_validators_to_judge(bound):
    form = bound(required="", optional="  ", strict="")
    assert form.optional.data is None and not form.optional.errors
    assert form.required.errors == ["Vui lòng nhập thông tin này."]
    assert len(form.strict.errors) == 1  # DataRequired's message alone


@pytest.mark.parametrize("lang, message", [("vi", VI_MESSAGE), ("en", EN_MESSAGE)])
def test_a_malformed_or_impossible_day_names_the_expected_form(bound, lang, message):
    form = bound(lang, required="31/02/2026", optional="02/31/2026", strict="ngày mai")
    for field in (form.required, form.optional, form.strict):
        assert field.errors == [message], field.name  # one message, no "required" beside it
        assert field.data is None
    assert 'value="31/02/2026"' in form.required()  # shown again as typed


def test_a_year_outside_the_records_is_refused(bound):
    form = bound(required="05/01/1899", optional="05/01/2101", strict="05/01/1900")
    assert form.required.errors == ["Nhập một ngày trong khoảng từ năm 1900 đến năm 2100."]
    assert form.optional.errors and form.strict.data == date(1900, 1, 5)


def test_renders_a_text_input_with_dd_mm_yyyy(app):
    with app.test_request_context("/"):
        form = _Form(data={"required": date(2026, 1, 5)})
        html = str(form.required())
        assert 'type="text"' in html and 'type="date"' not in html
        assert 'value="05/01/2026"' in html
        for attribute in ('placeholder="dd/mm/yyyy"', 'inputmode="numeric"',
                          'autocomplete="off"', "data-datepicker"):
            assert attribute in html, attribute
        assert 'value=""' in str(form.optional())
        # A template may still say otherwise.
        assert 'placeholder="vd. 05/01/2026"' in str(form.optional(placeholder="vd. 05/01/2026"))


def test_render_field_says_the_form_and_shows_the_error(app):
    macro = ('{% from "_macros/forms.html" import render_field %}'
             '{{ render_field(form.required) }}|{{ render_field(form.optional, help="x") }}')
    with app.test_request_context("/", method="POST"):
        form = _Form(formdata=MultiDict({"required": "31/02/2026", "optional": ""}))
        form.validate()
        first, second = render_template_string(macro, form=form).split("|")
    assert '<div id="required-help" class="form-text">dd/mm/yyyy</div>' in first
    assert 'aria-describedby="required-help"' in first and "is-invalid" in first
    assert VI_MESSAGE in first and 'value="31/02/2026"' in first
    assert 'class="form-text">x</div>' in second and "dd/mm/yyyy</div>" not in second


def test_no_browser_date_input_is_left():
    """type="date" shows the browser's order (mm/dd/yyyy in English): every date is a DayField
    or a text input marked for the picker."""
    templates = [str(p.relative_to(ROOT)) for p in (ROOT / "templates").rglob("*.html")
                 if re.search(r"""type=["']?date\b""", p.read_text(encoding="utf-8"))]
    assert templates == []
    sources = [str(p.relative_to(ROOT)) for p in (ROOT / "app").rglob("*.py")
               if re.search(r"\bDate(Time)?(Local)?Field\b", p.read_text(encoding="utf-8"))]
    assert sources == []


def test_the_picker_files_are_served_from_the_package_to_anyone(client):
    from app.core.assets import LOCATED

    package = Path(importlib.util.find_spec("starlette_admin").origin).parent
    assert all(path.is_relative_to(package) for path in LOCATED.values())  # no copy of ours
    page = client.get("/login").get_data(as_text=True)
    for name, kind in (("flatpickr.js", "javascript"), ("flatpickr.css", "css")):
        url = f"/assets/{name}"
        assert f'"{url}"' in page, name  # the login page loads them too
        response = client.get(url)
        assert response.status_code == 200 and kind in response.content_type
        assert "no-store" not in response.headers.get("Cache-Control", "")
        response.close()
    assert 'src="/static/datepicker.js"' in page
    assert client.get("/assets/jquery.min.js").status_code == 404
    assert client.get("/assets/..%2F..%2Fpyproject.toml").status_code == 404
