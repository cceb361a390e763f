"""Same-content letters: offered as candidates, linked, handled once, forwarded once."""
import unicodedata
from datetime import date

import pytest

from app.cases.services import transition_case
from app.core.errors import Invalid
from app.identity.services import Reporter
from app.letters import rules
from tests.letters.conftest import CONTENT, SENDER, classify, log_letter

#: The same letter typed again by another officer: other wording details, no diacritics.
RETYPED = ("Chu tich cong doan co so tu y chi quy cong doan de to chuc du lich cho ban chap "
           "hanh, khong bao cao doan vien, khong cong khai chung tu!")
OTHER = Reporter(name="Lê Thị Mơ", address="Xóm 3, xã Kỳ Lợi", contact="0909 111 222")


def _pair(world, second_reporter=OTHER, **kw):
    u, o = world.users, world.orgs
    first = log_letter(u["intake"], o["a"], received_on=date(2026, 10, 1))
    second = log_letter(u["intake"], o["a"], reporter=second_reporter, summary=RETYPED,
                        title="Don to cao chi quy cong doan", received_on=date(2026, 10, 5),
                        **kw)
    return first, second


def test_same_subject_and_similar_text_is_offered_without_the_other_sender(browser, db, world):
    first, second = _pair(world)
    unrelated = log_letter(world.users["intake"], world.orgs["a"],
                           reporter=Reporter(name="Hồ Văn Khác"),
                           summary="Công ty chậm trả lương tháng 10 cho công nhân.",
                           title="Phản ánh chậm trả lương", received_on=date(2026, 9, 1))
    db.session.commit()
    assert [(c.id, r) for c, r in rules.duplicate_candidates(second, world.users["handler"])] \
        == [(first.id, "same_content")]
    assert unrelated.id not in {c.id for c, _ in rules.duplicate_candidates(
        second, world.users["handler"])}
    browser.login("handler")
    html = browser.get(f"/cases/{second.id}").get_data(as_text=True)
    assert f'data-testid="candidate-{first.id}"' in html
    for secret in (SENDER.name, SENDER.address, SENDER.contact):
        assert secret not in html
    # The earlier letter does not offer the later one: a duplicate links to the earlier.
    html = browser.get(f"/cases/{first.id}").get_data(as_text=True)
    assert f'data-testid="candidate-{second.id}"' not in html


def test_a_letter_whose_text_changed_is_compared_again(db, world):
    """Similarity decisions are kept per pair of texts: once the earlier letter's text says
    something else it is no longer offered, and offered again when it says the same."""
    first, second = _pair(world)
    handler = world.users["handler"]
    assert [c.id for c, _ in rules.duplicate_candidates(second, handler)] == [first.id]
    kept = first.summary
    first.summary = "Công ty chậm trả lương tháng 10 cho công nhân, không báo trước."
    db.session.flush()
    assert rules.duplicate_candidates(second, handler) == []
    first.summary = kept
    db.session.flush()
    assert [c.id for c, _ in rules.duplicate_candidates(second, handler)] == [first.id]


def test_same_subject_is_the_folded_name_not_a_phrase_of_it(browser, db, world):
    """A subject typed without diacritics, in capitals, with "Đ" or decomposed marks is the same
    subject; a longer name that merely contains it is another subject."""
    u, o = world.users, world.orgs
    name = "Công ty TNHH MTV Cơ khí Đông Phát"
    typed = {
        "bare": "cong ty tnhh mtv co khi dong phat",
        "capitals": "CÔNG TY TNHH MTV CƠ KHÍ ĐÔNG PHÁT",
        "decomposed": unicodedata.normalize("NFD", "Công  ty TNHH MTV Cơ khí Đông Phát"),
        "longer": "Công ty TNHH MTV Cơ khí Đông Phát Miền Trung",
        "shorter": "Công ty TNHH MTV Cơ khí Đông",
    }
    earlier = {label: log_letter(u["intake"], o["a"], reporter=Reporter(name=f"Người gửi {i}"),
                                 subject={"subject_kind": "organisation", "subject_name": value},
                                 received_on=date(2026, 9, 1 + i))
               for i, (label, value) in enumerate(typed.items())}
    letter = log_letter(u["intake"], o["a"], summary=RETYPED, reporter=OTHER,
                        subject={"subject_kind": "organisation", "subject_name": name},
                        received_on=date(2026, 10, 5))
    db.session.commit()
    found = {c.id for c, reason in rules.duplicate_candidates(letter, u["handler"])
             if reason == "same_content"}
    assert found == {earlier[k].id for k in ("bare", "capitals", "decomposed")}
    browser.login("handler")
    html = browser.get(f"/cases/{letter.id}").get_data(as_text=True)
    for label, case in earlier.items():
        shown = f'data-testid="candidate-{case.id}"' in html
        assert shown == (label in ("bare", "capitals", "decomposed")), label


def test_names_whose_keys_are_cut_alike_are_still_told_apart(db, world):
    """Folding decomposes a Hangul syllable into three letters, so a long Korean name's key is
    cut to the column's length: two names alike up to the cut are different subjects."""
    u, o = world.users, world.orgs
    stem = "한국" * 45
    earlier = log_letter(u["intake"], o["a"], reporter=Reporter(name="Người gửi A"),
                         subject={"subject_kind": "organisation", "subject_name": stem + "가"},
                         received_on=date(2026, 9, 1))
    same = log_letter(u["intake"], o["a"], reporter=Reporter(name="Người gửi B"),
                      subject={"subject_kind": "organisation", "subject_name": stem + "나"},
                      received_on=date(2026, 9, 2))
    letter = log_letter(u["intake"], o["a"], summary=RETYPED, reporter=OTHER,
                        subject={"subject_kind": "organisation", "subject_name": stem + "나"},
                        received_on=date(2026, 10, 5))
    assert earlier.subject_key == letter.subject_key
    assert [c.id for c, _ in rules.duplicate_candidates(letter, u["handler"])] == [same.id]


def test_same_sender_is_found_by_digest_whatever_the_diacritics(db, world):
    first, second = _pair(world, second_reporter=Reporter(name="nguyen thi hoai thu"))
    second.subject_name = "Công ty khác"
    # The receiving officer (a named handler of both) may see both senders.
    assert [(c.id, r) for c, r in rules.duplicate_candidates(second, world.users["intake"])] \
        == [(first.id, "same_sender")]
    # A handler not named on these sealed (not yet classified) letters learns nothing of it.
    assert rules.duplicate_candidates(second, world.users["handler"]) == []


def test_candidates_stay_in_the_users_scope(db, world):
    u, o = world.users, world.orgs
    log_letter(u["b_handler"], o["b"], received_on=date(2026, 10, 1))
    second = log_letter(u["intake"], o["a"], summary=RETYPED, received_on=date(2026, 10, 5))
    assert rules.duplicate_candidates(second, u["handler"]) == []


def test_marking_a_duplicate_links_both_pages(browser, db, world):
    first, second = _pair(world)
    classify(first, world.users["handler"])
    db.session.commit()
    browser.login("handler")
    response = browser.post(f"/letters/{second.id}/duplicate",
                            {"version": second.version, "primary_id": first.id})
    assert response.status_code == 302
    db.session.expire_all()
    assert second.state == "merged" and second.letter.duplicate_of_id == first.id
    assert second.due_on is None
    html = browser.get(f"/cases/{second.id}").get_data(as_text=True)
    assert 'data-testid="duplicate-of"' in html and first.code in html
    assert 'data-testid="primary-state"' in html
    html = browser.get(f"/cases/{first.id}").get_data(as_text=True)
    assert 'data-testid="duplicates"' in html and second.code in html
    assert [c.id for c in rules.group_of(second)] == [first.id, second.id]


def test_merge_needs_a_chosen_letter_in_scope(browser, db, world):
    u = world.users
    _first, second = _pair(world)
    other_province = log_letter(u["b_handler"], world.orgs["b"])
    db.session.commit()
    with pytest.raises(Invalid):
        transition_case(second, "merge_duplicate", u["handler"])  # the generic button
    browser.login("handler")
    response = browser.post(f"/letters/{second.id}/duplicate",
                            {"version": second.version, "primary_id": other_province.id})
    assert response.status_code == 422
    response = browser.post(f"/letters/{second.id}/duplicate",
                            {"version": second.version, "primary_id": second.id})
    assert response.status_code == 422
    db.session.expire_all()
    assert second.state == "received"


def test_a_duplicate_of_a_duplicate_joins_the_primary(db, world):
    u = world.users
    first, second = _pair(world)
    third = log_letter(u["intake"], world.orgs["a"], reporter=None, is_anonymous=True,
                       summary=CONTENT, received_on=date(2026, 10, 9))
    from app.letters.services import mark_duplicate

    mark_duplicate(second, u["handler"], first)
    mark_duplicate(third, u["handler"], second)
    assert third.letter.duplicate_of_id == first.id
    assert [c.id for c in rules.duplicates_of(first)] == [second.id, third.id]


def test_a_denunciation_is_forwarded_only_once(db, world):
    u = world.users
    first, second = _pair(world)
    body = {"within_competence": False, "competent_body": "Ủy ban Kiểm tra Công đoàn tỉnh"}
    classify(first, u["handler"], **body)
    classify(second, u["handler"], **body)
    transition_case(first, "forward", u["handler"], comment="Chuyển đơn")
    with pytest.raises(Invalid) as info:
        transition_case(second, "forward", u["handler"], comment="Chuyển đơn")
    assert first.code in info.value.message
    # A complaint with the same content is not held back by the rule.
    classify(second, u["handler"], kind="complaint", **body)
    transition_case(second, "forward", u["handler"], comment="Chuyển đơn")
    assert second.state == "forwarded"
