"""The portal's unit search: a worker finds a unit with or without its accents ("ha tinh" finds
"LĐLĐ tỉnh Hà Tĩnh"), a renamed unit by its new name only, and never a dissolved unit."""
from __future__ import annotations

import re
from datetime import timedelta

import pytest

from app.core.calendar import local_today
from app.orgs.services import change_org, create_org


def _found(browser, q: str) -> set[int]:
    """The ids of the units the search page offers for `q`."""
    page = browser.get("/portal/units", query_string={"q": q})
    assert page.status_code == 200
    return {int(i) for i in re.findall(r'data-testid="choose-unit-(\d+)"',
                                       page.get_data(as_text=True))}


@pytest.fixture
def electronics(db, world):
    unit = create_org("Công đoàn cơ sở Công ty Điện tử Sao Mai", "CĐCS", "Kỳ Anh", 4,
                      world.orgs["a_zone"], label="CĐCS Điện tử Sao Mai")
    db.session.commit()
    return unit


@pytest.mark.parametrize("q, key", [
    ("ha tinh", "a"), ("HÀ TĨNH", "a"), ("Hà Tĩnh", "a"), ("vung ang", "a_grass"),
    ("VŨNG áng", "a_grass"), ("lao dong thanh pho ho chi minh", "b"), ("ldld", "a"),
])
def test_a_unit_is_found_with_or_without_its_accents(browser, world, q, key):
    assert world.orgs[key].id in _found(browser, q)


def test_d_with_stroke_folds_to_d(browser, electronics):
    assert electronics.id in _found(browser, "dien tu")
    assert electronics.id in _found(browser, "ĐIỆN TỬ")
    assert electronics.id not in _found(browser, "dien thoai")


def test_a_renamed_unit_is_found_by_its_new_name_only(browser, db, world, electronics):
    change_org(electronics, name="Công đoàn cơ sở Công ty Linh kiện Bắc Hà", label="")
    db.session.commit()
    assert electronics.id in _found(browser, "linh kien bac ha")
    assert electronics.id not in _found(browser, "dien tu")


def test_a_dissolved_unit_is_not_found(browser, db, electronics):
    electronics.dissolved_on = local_today() - timedelta(days=1)
    db.session.commit()
    assert electronics.id not in _found(browser, "dien tu")


def test_wildcards_are_literal(browser, world):
    assert _found(browser, "%") == set() and _found(browser, "_") == set()
