"""The options of a filter's select, as core.markup.options builds them."""
from flask_babel import lazy_gettext

from app.core.markup import options
from workflows.base import Label


def test_the_selected_value_is_marked_whatever_its_type(app):
    html = options([(1, "Một"), (12, "Mười hai")], "12")
    assert html == ('<option value="1">Một</option>'
                    '<option value="12" selected>Mười hai</option>')
    assert 'value="12" selected' in options([(1, "Một"), (12, "Mười hai")], 12)
    assert "selected" not in options([(1, "Một")], None)
    assert "selected" not in options([("", "Tất cả")], "")


def test_labels_are_given_in_the_language_asked_and_lazy_text_is_read(app):
    both = Label(vi="Đơn thư", en="Letter")
    assert options([("letter", both)], locale="vi") == '<option value="letter">Đơn thư</option>'
    assert options([("letter", both)], locale="en") == '<option value="letter">Letter</option>'
    with app.test_request_context("/"):
        # The request's language, Vietnamese by default.
        assert options([("x", lazy_gettext("Log out"))]) == '<option value="x">Đăng xuất</option>'


def test_values_and_texts_are_escaped():
    html = options([('"><script>x</script>', "<b>Công đoàn</b> & \"Hà Tĩnh\"")], None)
    assert "<script>" not in html and "<b>" not in html
    assert "&lt;b&gt;Công đoàn&lt;/b&gt; &amp; &#34;Hà Tĩnh&#34;" in html
    assert 'value="&#34;&gt;&lt;script&gt;' in html
