"""The API's endpoints as another system uses them: scoping as on the pages, keyset paging,
opening cases, logging letters, steps and their refusals, documents, statistics, errors."""
from __future__ import annotations

import json

import sqlalchemy as sa

from tests.api.conftest import SEALED_ADDRESS, SEALED_CONTACT, SEALED_NAME, TODAY
from tests.factories import make_case

NEW_CASE = {"org_id": None, "family": "supervision", "channel": "report",
            "intake_form": "writing", "title": "Giám sát an toàn lao động",
            "subject": {"kind": "organisation", "name": "Công ty TNHH Mới"}}


def _new_case(world, **changes):
    return {**NEW_CASE, "org_id": world.orgs["a"].id, **changes}


# --- scoping -------------------------------------------------------------------------------

def test_a_case_of_another_province_is_not_found_and_never_listed(api, seeded):
    client = api("handler")
    other = seeded.other.id
    for url in (f"/api/v1/cases/{other}", f"/api/v1/cases/{other}/documents"):
        response = client.get(url)
        assert response.status_code == 404, url
        assert response.json["code"] == 404 and response.json["message"]
    response = client.post(f"/api/v1/cases/{other}/transitions",
                           json={"trigger": "classify", "expected_version": 1})
    assert response.status_code == 404
    ids = _walk(client, "/api/v1/cases?limit=100")
    assert other not in ids and seeded.sup.id in ids
    assert seeded.sup.id not in _walk(api("b_handler"), "/api/v1/cases?limit=100")


def _walk(client, url) -> list[int]:
    ids, cursor = [], None
    while True:
        response = client.get(url + (f"&cursor={cursor}" if cursor else ""))
        assert response.status_code == 200, response.json
        ids += [item["id"] for item in response.json["items"]]
        cursor = response.json["next_cursor"]
        if cursor is None:
            return ids


def test_the_cursor_walks_every_case_once(api, world, db):
    for i in range(7):
        make_case(world.users["handler"], world.orgs["a"], title=f"Giám sát số {i}",
                  received_on=TODAY.replace(day=1))
    db.session.commit()
    client = api("handler")
    everything = _walk(client, "/api/v1/cases?limit=100")
    paged = _walk(client, "/api/v1/cases?limit=3")
    assert len(everything) >= 7
    assert paged == everything and len(set(paged)) == len(paged)
    response = client.get("/api/v1/cases?limit=3&cursor=garbage")
    assert response.status_code == 422
    assert "cursor" in response.json["errors"]


def test_filters_narrow_the_list(api, seeded):
    client = api("handler")
    letters = client.get("/api/v1/cases?family=letter").json["items"]
    assert [c["id"] for c in letters] == [seeded.letter.id]
    response = client.get("/api/v1/cases?family=nonsense&limit=1000")
    assert response.status_code == 422
    assert set(response.json["errors"]) == {"family", "limit"}


# --- reading -------------------------------------------------------------------------------

def test_a_case_reads_as_on_its_page(api, seeded):
    response = api("handler").get(f"/api/v1/cases/{seeded.parent.id}")
    assert response.status_code == 200
    body = response.json
    assert body["code"] == seeded.parent.code and body["state"] == "following_up"
    assert body["recommendation_ids"] == sorted(
        c.id for c in seeded.parent.children if c.family == "recommendation")
    assert seeded.issued.id in body["document_ids"]
    sup = api("handler").get(f"/api/v1/cases/{seeded.sup.id}").json
    assert [t["trigger"] for t in sup["transitions"]] == ["classify"]


def test_the_sealed_sender_is_in_no_response(api, seeded):
    """Every endpoint's JSON, read by the unit's leader who may see the sender on the page."""
    client = api("approver")
    urls = ["/api/v1/cases?limit=100", f"/api/v1/cases/{seeded.letter.id}",
            f"/api/v1/cases/{seeded.letter.id}/documents", "/api/v1/recommendations",
            f"/api/v1/recommendations/{seeded.rec.id}", f"/api/v1/documents/{seeded.issued.id}",
            "/api/v1/statistics", "/api/v1/cases?q=" + SEALED_NAME]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, (url, response.json)
        text = json.dumps(response.json, ensure_ascii=False)
        for secret in (SEALED_NAME, SEALED_ADDRESS, SEALED_CONTACT, "Tố Giác"):
            assert secret not in text, url


def test_recommendations_list_and_detail(api, seeded):
    client = api("handler")
    listed = client.get("/api/v1/recommendations").json["items"]
    assert seeded.rec.id in [r["id"] for r in listed]
    assert {r["supervision_id"] for r in listed} == {seeded.parent.id}
    detail = client.get(f"/api/v1/recommendations/{seeded.rec.id}")
    assert detail.status_code == 200 and detail.json["replies"] == []
    assert client.get(f"/api/v1/recommendations/{seeded.sup.id}").status_code == 404


def test_documents_metadata_and_the_frozen_pdf(api, seeded):
    client = api("handler")
    meta = client.get(f"/api/v1/documents/{seeded.issued.id}").json
    assert meta["is_issued"] and meta["number"] and meta["pdf_available"]
    assert meta["signer"]["name"]
    pdf = client.get(f"/api/v1/documents/{seeded.issued.id}/pdf")
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf"
    assert pdf.data.startswith(b"%PDF") and pdf.data == seeded.issued.pdf
    draft = client.get(f"/api/v1/documents/{seeded.draft.id}/pdf")
    assert draft.status_code == 409 and draft.json["message"]
    assert api("b_handler").get(f"/api/v1/documents/{seeded.issued.id}").status_code == 404


def test_statistics_are_the_pages_figures(api, seeded, world):
    from app.reports.services import stats

    response = api("handler").get(f"/api/v1/statistics?org={world.orgs['a'].id}&year="
                                  f"{TODAY.year}")
    assert response.status_code == 200
    figures = stats.figures(world.orgs["a"], stats.standard_period("year", TODAY.year))
    assert response.json["families"] == {k: dict(v) for k, v in figures.families.items()}
    assert response.json["families"]["supervision"]["received"] >= 2
    assert api("handler").get(f"/api/v1/statistics?org={world.orgs['b'].id}").status_code \
        == 404
    bad = api("handler").get("/api/v1/statistics?from=2026-05-01&to=2026-01-01")
    assert bad.status_code == 422


# --- writing -------------------------------------------------------------------------------

def test_open_a_case(api, world, db):
    from app.cases.models import Case

    response = api("handler").post("/api/v1/cases", json=_new_case(
        world, title="  Giám sát\x00 an toàn lao động  "))
    assert response.status_code == 201, response.json
    case = db.session.get(Case, response.json["id"])
    assert case.title == "Giám sát an toàn lao động" and case.org_id == world.orgs["a"].id
    assert response.json["state"] == "received"


def test_bad_input_is_refused_with_the_fields_named_and_nothing_saved(api, world, db):
    from app.cases.models import Case

    before = db.session.scalar(sa.select(sa.func.count()).select_from(Case))
    client = api("handler")
    cases = [
        (_new_case(world, title=""), 422, "title", "Vui lòng nhập tiêu đề."),
        (_new_case(world, org_id=2**40), 422, "org_id", None),
        (_new_case(world, surprise=1), 422, "surprise", None),
        (_new_case(world, family="letter"), 422, "family", None),
        (_new_case(world, title="x" * 301), 422, "title", "Tối đa 300 ký tự."),
        (_new_case(world, channel="pigeon"), 422, "channel", "Lựa chọn không hợp lệ."),
        (_new_case(world, org_id=world.orgs["b"].id), 422, "org_id", None),
        ([1, 2], 422, None, None),
    ]
    for body, status, field, message in cases:
        response = client.post("/api/v1/cases", json=body)
        assert response.status_code == status, (body, response.json)
        assert set(response.json) == {"code", "status", "message", "errors"}
        if field:
            assert field in response.json["errors"], response.json
        if message:
            assert message in json.dumps(response.json, ensure_ascii=False)
    raw = client.post("/api/v1/cases", data="{not json", content_type="application/json")
    assert raw.status_code == 400 and raw.json["code"] == 400
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Case)) == before


def test_an_auditor_may_not_open_cases(api, world):
    response = api("auditor").post("/api/v1/cases", json=_new_case(world))
    assert response.status_code == 403 and response.json["message"]


def test_log_a_letter_with_a_sealed_sender(api, world, db):
    from app.identity.services import is_sealed

    response = api("intake").post("/api/v1/letters", json={
        "org_id": world.orgs["a"].id, "title": "Đơn tố cáo", "kind": "denunciation",
        "summary": "Tố cáo chủ tịch công đoàn chi sai quỹ.",
        "sender": {"name": SEALED_NAME, "address": SEALED_ADDRESS, "contact": SEALED_CONTACT},
        "subject": {"kind": "person", "name": "Lê Văn Bị Tố"}})
    assert response.status_code == 201, response.json
    assert SEALED_NAME not in response.text and SEALED_CONTACT not in response.text
    from app.cases.models import Case
    assert is_sealed(db.session.get(Case, response.json["id"]))
    named = api("intake").post("/api/v1/letters", json={
        "org_id": world.orgs["a"].id, "title": "Đơn của " + SEALED_NAME,
        "summary": "Nội dung", "sender": {"name": SEALED_NAME}})
    assert named.status_code == 422 and "summary" in named.json["errors"]


def test_take_a_step_and_its_refusals(api, seeded, world):
    case = seeded.sup
    url = f"/api/v1/cases/{case.id}/transitions"
    stale = api("handler").post(url, json={"trigger": "classify", "expected_version": 99})
    assert stale.status_code == 409
    assert "Người khác đã cập nhật" in stale.json["message"]
    refused = api("auditor").post(url, json={"trigger": "classify", "expected_version": 1})
    assert refused.status_code == 403
    unknown = api("handler").post(url, json={"trigger": "fly", "expected_version": 1})
    assert unknown.status_code == 422 and "trigger" in unknown.json["errors"]
    no_reason = api("approver").post(url, json={"trigger": "cancel",
                                                "expected_version": case.version})
    assert no_reason.status_code == 422 and "comment" in no_reason.json["errors"]
    done = api("handler").post(url, json={"trigger": "classify",
                                          "expected_version": case.version})
    assert done.status_code == 200, done.json
    assert done.json["state"] == "classified"
    again = api("handler").post(url, json={"trigger": "classify",
                                           "expected_version": done.json["version"]})
    assert again.status_code == 409


# --- errors and the document -----------------------------------------------------------------

def test_every_error_under_the_prefix_is_json(api):
    client = api("handler")
    for method, url, status in (("get", "/api/v1/nowhere", 404),
                                ("post", "/api/v1/statistics", 405),
                                ("get", "/api/v1/cases/99999999999", 404),
                                ("get", "/api/v1/cases/999999", 404)):
        response = client.request(method, url)
        assert response.status_code == status, url
        assert response.json["code"] == status and response.json["message"]


def test_the_rate_limit_answers_429(api, app, monkeypatch):
    monkeypatch.setitem(app.config, "API_RATE_LIMIT", "2 per minute")
    client = api("handler")
    statuses = [client.get("/api/v1/statistics").status_code for _ in range(3)]
    assert statuses == [200, 200, 429]


def test_the_document_and_its_docs_page_are_served(client):
    spec = client.get("/api/v1/openapi.json")
    assert spec.status_code == 200
    assert spec.json["openapi"].startswith("3.")
    assert spec.json["components"]["securitySchemes"]["bearerAuth"]["scheme"] == "bearer"
    page = client.get("/api/v1/docs")
    assert page.status_code == 200 and b"api/docs.js" in page.data
    assert b"<script>" not in page.data  # no inline script under the CSP
    assert client.get("/api/v1/docs/swagger-ui/swagger-ui-bundle.js").status_code == 200
    # Nothing outside the swagger-ui-bundle package is served (send_from_directory's safe_join).
    for escape in ("../__init__.py", "..%2F__init__.py", "%2E%2E/%2E%2E/app/config.py"):
        assert client.get(f"/api/v1/docs/swagger-ui/{escape}").status_code == 404, escape
    assert client.get("/static/api/docs.js").status_code == 200
