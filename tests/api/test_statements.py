"""The API's lists run a fixed number of SQL statements whatever the page size: nothing is
loaded case by case (or document by document) while a page is serialised."""
from __future__ import annotations

from datetime import timedelta

from tests.api.conftest import TODAY
from tests.factories import make_case
from tests.perf import conftest as perf

#: The fixture that counts a request's statements (tests/perf).
count_statements = perf.count_statements


def _cases(world, db, n: int) -> None:
    for i in range(n):
        make_case(world.users["handler"], world.orgs["a"], title=f"Giám sát số {i}",
                  received_on=TODAY - timedelta(days=i % 5))
    db.session.commit()


def _count(count_statements, client, url: str) -> tuple[int, dict]:
    client.get(url)  # the token's last use is written once a minute: not on the counted call
    with count_statements() as log:
        response = client.get(url)
    assert response.status_code == 200, response.json
    return len(log), response.json


def test_the_case_list_runs_the_same_statements_for_any_page_size(api, world, db,
                                                                 count_statements):
    _cases(world, db, 12)
    client = api("handler")
    few, small = _count(count_statements, client, "/api/v1/cases?limit=2")
    many, large = _count(count_statements, client, "/api/v1/cases?limit=12")
    assert len(small["items"]) == 2 and len(large["items"]) == 12
    assert many == few, f"{few} statements for 2 cases, {many} for 12"


def test_a_cases_documents_run_the_same_statements_for_any_number(api, seeded, world, db,
                                                                  count_statements):
    from app.documents import queries as document_queries

    client = api("handler")
    one, _body = _count(count_statements, client, f"/api/v1/cases/{seeded.sup.id}/documents")
    listed = len(document_queries.documents_of(seeded.parent))
    several, body = _count(count_statements, client,
                           f"/api/v1/cases/{seeded.parent.id}/documents")
    assert len(body["items"]) == listed >= 2
    assert several == one, f"{one} statements for 1 document, {several} for {listed}"
