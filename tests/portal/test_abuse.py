"""What keeps robots off the portal: the honeypot, the proof of work (single use), rate limits
per address and per receipt code, CSRF; and no way to tell a wrong code from a wrong secret."""
from __future__ import annotations

import re
import time

import sqlalchemy as sa

from app.cases.models import Case
from app.portal import abuse
from tests.portal.conftest import challenge_of, follow, receipt_of, send, solve


def _cases(db) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(Case))


def test_a_filled_honeypot_saves_nothing(browser, app, db, world):
    before = _cases(db)
    response = send(browser, app, org=world.orgs["a"], website="http://spam.example")
    assert response.status_code == 422
    assert b'role="alert"' in response.data
    assert _cases(db) == before


def test_no_or_a_wrong_proof_of_work_saves_nothing(browser, app, db, world):
    before = _cases(db)
    assert send(browser, app, org=world.orgs["a"], solve_work=False).status_code == 422
    wrong = send(browser, app, org=world.orgs["a"], pow_counter="1x")
    assert wrong.status_code == 422
    forged = send(browser, app, org=world.orgs["a"],
                  pow_challenge=f"{int(time.time())}.abcdef.00000000000000000000000000000000",
                  pow_counter="1")
    assert forged.status_code == 422
    assert _cases(db) == before
    # The page is sent back with what was typed and a fresh challenge.
    assert "Chủ tịch công đoàn cơ sở chi sai quỹ".encode() in wrong.data
    assert challenge_of(wrong.data) != challenge_of(forged.data)


def test_a_challenge_is_good_once(browser, app, db, world):
    page = browser.get(f"/portal/send?org={world.orgs['a'].id}")
    challenge = challenge_of(page.data)
    counter = solve(challenge, app.config["PORTAL_POW_BITS"])
    data = {"kind": "feedback", "title": "Tiêu đề", "content": "Nội dung phản ánh",
            "sender": "anonymous", "org_id": str(world.orgs["a"].id),
            "pow_challenge": challenge, "pow_counter": counter}
    assert browser.post("/portal/send", data).status_code == 303
    before = _cases(db)
    assert browser.post("/portal/send", data).status_code == 422
    assert _cases(db) == before


def test_an_old_challenge_is_refused(app, world, monkeypatch):
    with app.test_request_context():
        challenge = abuse.new_challenge()
        counter = solve(challenge, app.config["PORTAL_POW_BITS"])
        later = time.time() + abuse.CHALLENGE_MINUTES * 60 + 5
        monkeypatch.setattr(abuse.time, "time", lambda: later)
        assert not abuse.check_work(challenge, counter)
        monkeypatch.undo()
        assert abuse.check_work(challenge, counter)


def test_submissions_per_address_are_limited(browser, app, db, world):
    app.config["PORTAL_SUBMIT_LIMIT"] = "2 per hour"
    try:
        for _i in range(2):
            assert send(browser, app, org=world.orgs["a"]).status_code == 303
        before = _cases(db)
        response = send(browser, app, org=world.orgs["a"])
        assert response.status_code == 429
        assert int(response.headers["Retry-After"]) > 0
        assert b'data-testid="error-message"' in response.data
        assert _cases(db) == before
    finally:
        app.config["PORTAL_SUBMIT_LIMIT"] = "5 per hour"


def test_csrf_is_enforced(browser, app, db, world):
    before = _cases(db)
    page = browser.get(f"/portal/send?org={world.orgs['a'].id}")
    challenge = challenge_of(page.data)
    response = browser.post("/portal/send", {
        "kind": "feedback", "title": "T", "content": "N", "sender": "anonymous",
        "org_id": str(world.orgs["a"].id), "pow_challenge": challenge,
        "pow_counter": solve(challenge, app.config["PORTAL_POW_BITS"])}, csrf=False)
    assert response.status_code == 400
    assert _cases(db) == before
    assert browser.post("/portal/follow", {"code": "X", "secret": "Y"},
                        csrf=False).status_code == 400


def _normalised(response, code: str) -> bytes:
    body = re.sub(rb'name="csrf_token" type="hidden" value="[^"]+"', b"", response.data)
    body = re.sub(rb'name="csrf_token" value="[^"]+"', b"", body)
    return body.replace(code.encode(), b"CODE")


def test_a_wrong_code_and_a_wrong_secret_get_the_same_answer(browser, app, db, world):
    send(browser, app, org=world.orgs["a"])
    code, secret = receipt_of(browser)
    wrong_secret = follow(browser, code, "AAAA-BBBB-CCCC-DDDD")
    unknown = "ZZZZ-ZZZZ-ZZ"
    wrong_code = follow(browser, unknown, secret)
    assert wrong_secret.status_code == wrong_code.status_code == 401
    assert _normalised(wrong_secret, code) == _normalised(wrong_code, unknown)
    assert secret.encode() not in wrong_code.data
    # Both cost one scrypt run: the unknown code is not answered faster.
    timings = {}
    for name, (c, s) in {"secret": (code, "AAAA-BBBB-CCCC-DDDD"),
                         "code": (unknown, secret)}.items():
        started = time.perf_counter()
        for _i in range(3):
            follow(browser, c, s)
        timings[name] = time.perf_counter() - started
    assert timings["code"] > timings["secret"] * 0.5


def test_follow_logins_are_limited_per_code(browser, app, db, world):
    send(browser, app, org=world.orgs["a"])
    code, secret = receipt_of(browser)
    app.config["PORTAL_FOLLOW_LIMIT_CODE"] = "2 per hour"
    try:
        for _i in range(2):
            assert follow(browser, code, "AAAA-AAAA-AAAA-AAAA").status_code == 401
        # Even the right secret waits: the lockout confirms no guess.
        response = follow(browser, code, secret)
        assert response.status_code == 429
        assert int(response.headers["Retry-After"]) > 0
        # Another code from the same address is still tried (the address allows 30).
        assert follow(browser, "QQQQ-QQQQ-QQ", secret).status_code == 401
    finally:
        app.config["PORTAL_FOLLOW_LIMIT_CODE"] = "10 per hour"


def test_follow_logins_are_limited_per_address(browser, app, db, world):
    app.config["PORTAL_FOLLOW_LIMIT_ADDRESS"] = "3 per hour"
    try:
        for i in range(3):
            assert follow(browser, f"AAAA-AAAA-A{i}", "X").status_code == 401
        assert follow(browser, "BBBB-BBBB-BB", "X").status_code == 429
    finally:
        app.config["PORTAL_FOLLOW_LIMIT_ADDRESS"] = "30 per hour"


def test_answers_per_letter_are_limited(browser, app, db, world):
    """A valid code and secret do not open a flood of messages to the officers."""
    from app.portal.models import FROM_MEMBER, PortalMessage

    send(browser, app, org=world.orgs["a"])
    code, secret = receipt_of(browser)
    assert follow(browser, code, secret).status_code == 303
    app.config["PORTAL_ANSWER_LIMIT_CODE"] = "2 per day"
    try:
        for i in range(2):
            answered = browser.post("/portal/letter/answer", {"text": f"Bổ sung lần {i + 1}"})
            assert answered.status_code == 303
        refused = browser.post("/portal/letter/answer", {"text": "Bổ sung lần 3"})
        assert refused.status_code == 429
        assert int(refused.headers["Retry-After"]) > 0
        assert "Vui lòng thử lại sau" in refused.get_data(as_text=True)
    finally:
        app.config["PORTAL_ANSWER_LIMIT_CODE"] = "20 per day"
    texts = db.session.scalars(sa.select(PortalMessage.text)
                               .where(PortalMessage.direction == FROM_MEMBER)).all()
    assert sorted(texts) == ["Bổ sung lần 1", "Bổ sung lần 2"]
