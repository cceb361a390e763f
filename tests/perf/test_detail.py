"""The case page runs a fixed number of SQL statements whatever the case holds: a long
timeline, documents, deadlines, working sessions, recommendations, duplicate candidates."""
from __future__ import annotations

from datetime import date, timedelta

import pytest
import sqlalchemy as sa

from app.cases.services import open_case, record_event
from app.deadlines import services as deadlines
from app.documents import services as documents
from app.identity.services import Reporter
from app.letters import rules
from app.supervision import services as supervision
from app.supervision.rules import earliest_fieldwork
from tests.factories import advance, make_case
from tests.letters.conftest import log_letter
from tests.perf.conftest import bulk_cases

#: Statements of a supervision's page with every panel, and of a letter's page with duplicate
#: candidates, seen by its handler and its intake officer: lower them when a change saves one.
SUPERVISION_BUDGET = 19
LETTER_BUDGET = 20

RETYPED = ("Chu tich cong doan co so tu y chi quy cong doan de to chuc du lich cho ban chap "
           "hanh, khong bao cao doan vien, khong cong khai chung tu!")


def _page(browser, count_statements, case) -> tuple[int, str]:
    with count_statements() as log:
        response = browser.get(f"/cases/{case.id}")
    assert response.status_code == 200
    return len(log), response.get_data(as_text=True)


def _grow_supervision(world, case, events: int) -> None:
    """Sessions with their events, documents, deadlines, recommendations and plain events until
    the timeline holds `events`."""
    u, o = world.users, world.orgs
    start = earliest_fieldwork(case)
    for i in range(4):
        supervision.record_working_session(
            case, u["handler"], held_on=start + timedelta(days=i), today=start + timedelta(days=9), place=f"Phòng họp {i}",
            participants="Đoàn giám sát; Ban giám đốc", minutes=f"Biên bản buổi làm việc {i}",
            documents_received="Bảng lương")
    for _ in range(5):
        documents.draft_document(case, u["handler"], "sv_session_minutes")
    for rule in ("supervision.draft_report", "letter.screen", "supervision.draft_report"):
        deadlines.start(case, rule, start)
    for i in range(3):
        open_case(u["handler"], o["a"], "recommendation", parent_id=case.id, channel="report",
                  intake_form="writing", title=f"Kiến nghị {i}", subject_name=f"Công ty {i}",
                  summary="Truy đóng bảo hiểm xã hội")
    while len(case.events) < events:
        record_event(case, u["handler"], "reply", comment=f"Ghi chú {len(case.events)}")


def test_supervision_page_costs_the_same_with_30_events(browser, db, world, count_statements):
    u = world.users
    people = [u["intake"], u["handler"], u["delegate"], u["approver"]]
    case = make_case(u["intake"], world.orgs["a"])
    advance(case, people, ["classify", "draft_plan", "approve_plan", "form_delegation",
                           "notify_subject", "start_fieldwork"])
    db.session.commit()
    browser.login("handler")
    small, _ = _page(browser, count_statements, case)
    _grow_supervision(world, case, 30)
    db.session.commit()
    big, html = _page(browser, count_statements, case)
    assert html.count("<li>\n    <div><strong>") >= 30  # the whole timeline is shown
    # the decision and the notice its steps rested on, and the five documents it grew
    assert html.count('data-testid="document-row"') == 2 + 5
    assert html.count('data-testid="deadline"') >= 3
    assert all(f"Công ty {i}" in html for i in range(3))  # the recommendations it issued
    assert big == small, f"{small} statements with a short case, {big} with a full one"
    # The page's budget (22 before the panels read their rows in fewer statements).
    assert big <= SUPERVISION_BUDGET, f"{big} statements, budget {SUPERVISION_BUDGET}"


def _letters(world, n: int, *, start: date):
    """`n` earlier letters about the same subject with the same text, from several senders."""
    return [log_letter(world.users["intake"], world.orgs["a"],
                       reporter=Reporter(name=f"Người gửi {i}"),
                       received_on=start + timedelta(days=i)) for i in range(n)]


def test_letter_page_costs_the_same_with_0_and_8_candidates(browser, db, world,
                                                            count_statements):
    late = date(2026, 10, 20)
    lonely = log_letter(world.users["intake"], world.orgs["a"], summary=RETYPED,
                        title="Don to cao chi quy cong doan", received_on=late,
                        reporter=Reporter(name="Người gửi khác"), subject={"subject_kind": "person", "subject_name": "Người khác hẳn"})
    crowded = log_letter(world.users["intake"], world.orgs["a"], summary=RETYPED,
                         title="Don to cao chi quy cong doan", received_on=late)
    _letters(world, 6, start=date(2026, 9, 1))
    for day in (2, 3):  # the same sender about something else: shown to a handler of both
        log_letter(world.users["intake"], world.orgs["a"], received_on=date(2026, 8, day),
                   subject={"subject_kind": "organisation", "subject_name": "Công ty khác"})
    db.session.commit()
    browser.login("intake")
    none, html = _page(browser, count_statements, lonely)
    assert 'data-testid="duplicate-candidates"' not in html
    eight, html = _page(browser, count_statements, crowded)
    assert html.count('data-testid="candidate-') == 8
    assert html.count("cùng người gửi") == 2
    assert eight == none, f"{none} statements with no candidate, {eight} with 8"
    # The page's budget (24 before the panels read their rows in fewer statements).
    assert eight <= LETTER_BUDGET, f"{eight} statements, budget {LETTER_BUDGET}"


@pytest.mark.commits  # bulk rows, analysed: truncated after, not left behind as dead rows
def test_duplicate_check_walks_the_subject_index_at_scale(db, world):
    """At 50,000 cases, thousands of letters about the letter's subject and thousands of other
    subjects, the same-subject letters are read latest first off ix_case_file_subject_key and
    stopped at the limit: no scan of the letters, no sort of the subject's letters."""
    if db.engine.dialect.name != "postgresql":
        pytest.skip("the plans that matter are PostgreSQL's")
    bulk_cases(db, 50_000, [org.id for org in world.orgs.values()])
    letter = log_letter(world.users["intake"], world.orgs["a"], summary=RETYPED,
                        received_on=date(2026, 10, 20))
    db.session.execute(sa.text(
        "UPDATE case_file SET subject_key = CASE WHEN id % 5 = 0 THEN :key "
        "ELSE 'cong ty so ' || (id % 3000) END WHERE code LIKE 'BULK-%'"),
        {"key": letter.subject_key})
    db.session.execute(sa.text("ANALYZE case_file"))
    sent = []

    def keep(conn, cursor, statement, parameters, context, executemany):
        if "subject_key =" in statement:
            sent.append((statement, parameters))

    sa.event.listen(db.engine, "before_cursor_execute", keep)
    try:
        rules.duplicate_candidates(letter, world.users["handler"])
    finally:
        sa.event.remove(db.engine, "before_cursor_execute", keep)
    assert len(sent) == 1
    plan = "\n".join(row[0] for row in db.session.connection().exec_driver_sql(
        "EXPLAIN " + sent[0][0], sent[0][1]))
    assert "ix_case_file_subject_key" in plan, plan
    assert "Seq Scan on case_file" not in plan and "Sort" not in plan, plan
