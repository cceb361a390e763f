"""The statistics' period is typed and shown as dd/mm/yyyy (ISO links keep working)."""
from __future__ import annotations

import re


def _input(html: str, name: str) -> str:
    return re.search(rf'<input[^>]*\bname="{name}"[^>]*>', html).group(0)


def test_the_statistics_period_is_shown_as_dd_mm_yyyy(browser, world):
    browser.login("handler")
    for start, end in (("01/01/2026", "30/06/2026"), ("2026-01-01", "2026-06-30")):
        html = browser.get(f"/reports/dashboard?org={world.orgs['a'].id}&from={start}&to={end}"
                           ).get_data(as_text=True)
        assert 'value="01/01/2026"' in _input(html, "from")
        assert 'value="30/06/2026"' in _input(html, "to")
        assert 'type="text"' in _input(html, "from") and "data-datepicker" in _input(html, "to")
