"""A deadline whose legal basis is not verified shows "quy định của đơn vị (cấu hình)" wherever
a user reads it; the national rule page lists the rules awaiting a verified basis."""
from datetime import date

from app.core.deadline_rules import DEFAULT_RULES, UNIT_RULE
from app.letters import services as letters
from tests.deadlines.test_law_counts import _classified, _panel_row, _running
from tests.deadlines.test_routes import text


def test_an_unverified_rule_is_shown_as_the_units_own_rule(browser, db, world):
    case = _classified(world, "petition", date(2026, 3, 2))
    letters.accept_letter(case, world.users["handler"], accepted_on=date(2026, 3, 10),
                          comment="Thụ lý")
    row = _running(case, "petition.reply")
    candidate = DEFAULT_RULES["petition.reply"].legal_basis
    assert UNIT_RULE in row.explanation[0] and candidate not in " ".join(row.explanation)
    db.session.commit()
    browser.login("handler")
    page = text(browser.get(f"/cases/{case.id}"))
    _due, panel = _panel_row(page, "petition.reply")
    assert UNIT_RULE in panel and candidate not in page
    # a verified rule keeps its citation
    complaint = _classified(world, "complaint", date(2026, 3, 2))
    letters.accept_letter(complaint, world.users["handler"], accepted_on=date(2026, 3, 3),
                          comment="Thụ lý")
    db.session.commit()
    page = text(browser.get(f"/cases/{complaint.id}"))
    assert "Luật Khiếu nại 2011 (02/2011/QH13, Quốc hội, 11/11/2011), Điều 28" in page


def test_the_national_rule_page_lists_the_rules_awaiting_a_basis(browser, db, national_admin):
    db.session.commit()
    browser.login("national_admin")
    page = text(browser.get("/admin/deadlines/rules"))
    start = page.index('data-testid="awaiting-basis"')
    awaiting = page[start:page.index("</section>", start)]
    for code in ("intake.log", "supervision.notice", "supervision.draft_report",
                 "recommendation.reply", "petition.reply"):
        assert f'data-rule="{code}"' in awaiting, code
    assert 'data-rule="complaint.accept"' not in awaiting  # verified
    assert "Cho đến khi căn cứ được xác minh" in awaiting
