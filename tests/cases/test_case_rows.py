"""The case list reads its rows as CaseRows (columns, not entities): each answers what the
list shows exactly as the case itself does."""
from __future__ import annotations

from datetime import timedelta

from app.cases import queries
from app.core.calendar import local_today
from tests.factories import make_case
from workflows.vocab import LETTER


def test_a_row_answers_as_its_case(db, world):
    today = local_today()
    made = [make_case(world.users["intake"], world.orgs["a_grass"], LETTER,
                      title="Đơn thư quá hạn", received_on=today - timedelta(days=90)),
            make_case(world.users["handler"], world.orgs["a"], title="Giám sát mới")]
    db.session.flush()
    page = queries.case_page(world.users["top_approver"], queries.CaseFilter(), 25)
    rows = {row.id: row for row in page.items}
    assert all(type(row) is queries.CaseRow for row in page.items)
    for case in made:
        row = rows[case.id]
        for name in ("code", "family", "kind", "state", "title", "received_on", "due_on",
                     "org_id"):
            assert getattr(row, name) == getattr(case, name), name
        assert row.state_label == case.state_label and row.is_open == case.is_open
        assert row.is_overdue(today) == case.is_overdue(today)
        assert (row.org.id, row.org.display_name) == (case.org.id, case.org.display_name)
        assert queries.page_token("newest", row) == queries.page_token("newest", case)
    assert any(rows[c.id].is_overdue(today) for c in made if c.due_on)


def test_the_api_still_gets_the_cases_themselves(db, world):
    make_case(world.users["handler"], world.orgs["a"], title="Giám sát cho API")
    db.session.flush()
    page = queries.case_page(world.users["handler"], queries.CaseFilter(), 25, entities=True)
    assert page.items and all(type(c).__name__ == "Case" for c in page.items)
