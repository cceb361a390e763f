"""Numbers shown to users are grouped as their language writes them."""
from flask import render_template_string, session
from flask_babel import refresh


def test_numbers_are_grouped_in_the_users_language(app):
    with app.test_request_context("/"):
        assert render_template_string("{{ 108486|number }}") == "108.486"
        session["lang"] = "en"
        refresh()
        assert render_template_string("{{ 108486|number }}") == "108,486"
