"""The workplace pages as an officer uses them: registering an employer, its yearly duties, a
dialogue walked from the case page, the home page's reminder and an upper level's share; bad
input answered with a message and nothing lost."""
from datetime import date, timedelta

import sqlalchemy as sa

from app.cases.models import Case
from app.workplace import queries, services
from app.workplace.models import DialogueParticipant, Employer, WorkersConference
from tests.factories import issue_for
from tests.workplace.helpers import (
    TODAY,
    dialogue,
    employer,
    participants,
    to_agenda_sent,
)

DMY = "%d/%m/%Y"


def _login(browser, who="grass_handler"):
    browser.login(who)
    return browser


def test_register_an_employer_and_see_its_duties(world, browser, db):
    _login(browser)
    page = browser.get("/workplace/employers/new")
    assert page.status_code == 200
    response = browser.post("/workplace/employers/new", {
        "org_id": world.orgs["a_grass"].id, "name": "Công ty Cổ phần Dệt Hà Tĩnh",
        "kind": "enterprise", "tax_code": "3000123456", "address": "Thạch Hà",
        "sector": "Dệt may", "representative": "Lê Văn Tâm",
        "covered_since": "01/01/2024", "workers": "350"})
    assert response.status_code == 302
    emp = db.session.scalar(sa.select(Employer).where(Employer.tax_code == "3000123456"))
    page = browser.get(f"/workplace/employers/{emp.id}").get_data(as_text=True)
    assert "Công ty Cổ phần Dệt Hà Tĩnh" in page and "350" in page
    # Never held since 2024: the periodic dialogue and the conference are overdue, the
    # regulations (350 ≥ 10 workers) are missing.
    duties = page.split('data-testid="duties"', 1)[1]
    assert 'data-state="overdue"' in duties.split('data-testid="duty-dialogue"', 1)[1].split(
        "</li>", 1)[0]
    assert "Thiếu" in duties.split('data-testid="duty-regulations"', 1)[1].split("</li>", 1)[0]


def test_a_bad_tax_code_is_refused_and_the_form_kept(world, browser, db):
    _login(browser)
    response = browser.post("/workplace/employers/new", {
        "org_id": world.orgs["a_grass"].id, "name": "Công ty Sai Mã", "kind": "enterprise",
        "tax_code": "12ab", "covered_since": "01/01/2024", "workers": "20"})
    assert response.status_code == 422
    text = response.get_data(as_text=True)
    assert "Công ty Sai Mã" in text and "10 chữ số" in text
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Employer)) == 0


def test_employer_outside_the_subtree_is_not_found(world, browser, db):
    emp = employer(world)
    browser.login("b_handler")
    assert browser.get(f"/workplace/employers/{emp.id}").status_code == 404
    response = browser.post("/workplace/dialogues/new", {
        "employer_id": emp.id, "kind": "periodic",
        "scheduled_on": (TODAY + timedelta(days=20)).strftime(DMY)})
    assert response.status_code == 422
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Case)) == 0


def test_schedule_from_the_page_and_walk_the_dialogue(world, browser, db):
    emp = employer(world, workers=40)
    _login(browser)
    response = browser.post("/workplace/dialogues/new", {
        "employer_id": emp.id, "kind": "on_request", "requested_by": "workers",
        "requested_on": (TODAY - timedelta(days=30)).strftime(DMY),
        "scheduled_on": (TODAY - timedelta(days=31)).strftime(DMY), "place": "Nhà ăn"})
    assert response.status_code == 422
    assert "Ngày đối thoại không được trước ngày yêu cầu" in response.get_data(as_text=True)
    response = browser.post("/workplace/dialogues/new", {
        "employer_id": emp.id, "kind": "on_request", "requested_by": "workers",
        "requested_on": (TODAY - timedelta(days=30)).strftime(DMY),
        "scheduled_on": (TODAY - timedelta(days=20)).strftime(DMY), "place": "Nhà ăn"})
    assert response.status_code == 302
    case = db.session.scalar(sa.select(Case).where(Case.family == "dialogue"))
    page = browser.get(f"/cases/{case.id}").get_data(as_text=True)
    assert 'data-testid="dialogue-panel"' in page and "Điều kiện làm việc" in page
    browser.post(f"/workplace/dialogues/{case.id}/items",
                 {"source": "workers", "text": "Bổ sung nước uống giữa ca"})
    assert [i.text for i in queries.items_of(case)][-1] == "Bổ sung nước uống giữa ca"
    # Sent 25 days ago, the dialogue 20 days ago (in time): the test jumps the clock back.
    to_agenda_sent(world, case, TODAY - timedelta(days=30))
    hold = f"/workplace/dialogues/{case.id}/hold"
    form = browser.get(hold)
    assert form.status_code == 200 and "ít nhất 3" in form.get_data(as_text=True)
    # The employer's side starts with its legal representative, in the minutes' language.
    assert "Nguyễn Văn Giám, người đại diện theo pháp luật" in form.get_data(as_text=True)
    data = {"version": case.version, "held_on": (TODAY - timedelta(days=20)).strftime(DMY),
            "place": "Nhà ăn", "workers_side": "Nguyễn Văn An, Chủ tịch CĐCS\nTrần Thị Bình",
            "employer_side": "Lê Văn Tâm, Giám đốc\nPhạm Văn Dũng\nHoàng Thị Yến"}
    refused = browser.post(hold, data)
    assert refused.status_code == 422
    assert "Trần Thị Bình" in refused.get_data(as_text=True)  # the typed lists are kept
    assert db.session.scalar(sa.select(sa.func.count()).select_from(DialogueParticipant)) == 0
    data["workers_side"] += "\nLê Văn Cường, Tổ trưởng"
    assert browser.post(hold, data).status_code == 302
    db.session.refresh(case)
    assert case.state == "held"
    items = queries.items_of(case)
    people = queries.participants_of(case)
    minutes = {"items-0-item_id": items[0].id, "items-0-outcome": "agreed",
               "items-0-note": "Lắp thêm 10 quạt công nghiệp",
               "items-0-due_on": (TODAY + timedelta(days=10)).strftime(DMY),
               "items-1-item_id": items[1].id, "items-1-outcome": "not_agreed",
               "items-1-note": "Chưa bố trí được kinh phí",
               "items-2-item_id": items[2].id, "items-2-outcome": "agreed",
               "signatories": [people[0].id, people[-1].id]}
    assert browser.post(f"/workplace/dialogues/{case.id}/minutes", minutes).status_code == 302
    issue_for(case, "sign_minutes", world.users["grass_approver"])
    sign = browser.post(f"/cases/{case.id}/actions/sign_minutes", {"version": case.version})
    assert sign.status_code == 302
    db.session.refresh(case)
    assert case.state == "minuted"
    issue_for(case, "publish", world.users["grass_approver"])
    assert browser.post(f"/workplace/dialogues/{case.id}/publish", {
        "version": case.version, "published_on": (TODAY - timedelta(days=18)).strftime(DMY),
        "how": "Niêm yết tại bảng tin nhà ăn"}).status_code == 302
    db.session.refresh(case)
    assert case.state == "following_up"
    page = browser.get(f"/cases/{case.id}").get_data(as_text=True)
    assert "Niêm yết tại bảng tin nhà ăn" in page and 'data-testid="follow-form"' in page
    assert browser.post(f"/workplace/dialogues/{case.id}/follow", {
        "item_id": items[0].id, "status": "done", "status_on": TODAY.strftime(DMY),
        "note": "Đã lắp"}).status_code == 302
    page = browser.get(f"/cases/{case.id}").get_data(as_text=True)
    assert f"Đã thực hiện ngày {TODAY.strftime(DMY)}" in page


def test_home_lists_due_employers_and_an_upper_level_sees_the_share(world, browser, db):
    held = employer(world, name="Công ty Đã Đối Thoại", since=date(2020, 1, 1))
    overdue = employer(world, name="Công ty Quá Hạn", since=TODAY - timedelta(days=400))
    soon = employer(world, name="Công ty Sắp Đến Hạn", since=TODAY - timedelta(days=350))
    case = dialogue(world, held, scheduled_on=TODAY)
    to_agenda_sent(world, case, TODAY - timedelta(days=15))
    services.hold_dialogue(case, world.users["grass_handler"], held_on=TODAY, place="",
                           participants=participants())  # held today: this year's, always
    _login(browser)
    home = browser.get("/").get_data(as_text=True)
    block = home.split('data-testid="dialogue-duties"', 1)[1].split(
        "Tất cả đơn vị sử dụng lao động và việc phải làm", 1)[0]
    assert "Công ty Quá Hạn" in block and "Công ty Sắp Đến Hạn" in block
    assert "Công ty Đã Đối Thoại" not in block
    assert block.index("Công ty Quá Hạn") < block.index("Công ty Sắp Đến Hạn")
    browser.logout()
    browser.login("approver")
    home = browser.get("/").get_data(as_text=True)
    share = home.split('data-testid="dialogue-share"', 1)[1].split("</p>", 1)[0]
    assert "1/3" in share and "(33%)" in share
    assert (overdue.name, soon.name) == ("Công ty Quá Hạn", "Công ty Sắp Đến Hạn")


def test_missing_duties_open_a_supervision_on_channel_4(world, browser, db):
    emp = employer(world, name="Công ty Thiếu Quy Chế", since=TODAY - timedelta(days=500))
    _login(browser)
    page = browser.get(f"/workplace/employers/{emp.id}")
    assert 'data-testid="supervise-duties"' in page.get_data(as_text=True)
    response = browser.post(f"/workplace/employers/{emp.id}/supervise")
    assert response.status_code == 302
    case = db.session.scalar(sa.select(Case).where(Case.family == "supervision"))
    assert (case.channel, case.subject_name) == ("democracy", "Công ty Thiếu Quy Chế")
    assert "quy chế dân chủ" in case.summary
    # A second click opens no second supervision: it names the one already open.
    again = browser.post(f"/workplace/employers/{emp.id}/supervise")
    assert again.status_code == 302
    page = browser.get(again.location).get_data(as_text=True)
    assert f"Đã có cuộc giám sát việc thực hiện các nội dung này đang mở: {case.code}." in page
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Case)
                             .where(Case.family == "supervision")) == 1


def test_a_conference_with_more_participants_than_workers_is_refused(world, browser, db):
    emp = employer(world, workers=30)
    _login(browser)
    response = browser.post(f"/workplace/employers/{emp.id}/conference", {
        "held_on": TODAY.strftime(DMY), "participants": "45",
        "resolutions": "Thông qua quy chế nâng lương"})
    assert response.status_code == 422
    assert "Thông qua quy chế nâng lương" in response.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(WorkersConference)) == 0


def test_the_generic_case_form_sends_dialogues_to_their_own_form(world, browser, db):
    _login(browser)
    response = browser.get("/cases/new?family=dialogue")
    assert response.status_code == 302 and "/workplace/dialogues/new" in response.location


def test_a_dialogue_can_be_held_about_a_supervision_in_fieldwork(world, browser, db):
    from tests.factories import advance, make_case
    emp = employer(world, name="Công ty TNHH May Việt Hàn")
    sup = make_case(world.users["grass_handler"], world.orgs["a_grass"],
                    subject_name="Công ty TNHH May Việt Hàn")
    advance(sup, world.users.values(), ["classify", "draft_plan", "approve_plan",
                                        "form_delegation", "notify_subject",
                                        "start_fieldwork"])
    assert sup.state == "fieldwork"
    _login(browser)
    page = browser.get(f"/cases/{sup.id}").get_data(as_text=True)
    assert 'data-testid="open-dialogue"' in page
    form = browser.get(f"/workplace/dialogues/new?parent={sup.id}&kind=on_request")
    assert f'<option selected value="{emp.id}"' in form.get_data(as_text=True)
    response = browser.post(f"/workplace/dialogues/new?parent={sup.id}", {
        "employer_id": emp.id, "kind": "on_request", "requested_by": "workers",
        "requested_on": TODAY.strftime(DMY),
        "scheduled_on": (TODAY + timedelta(days=10)).strftime(DMY)})
    assert response.status_code == 302
    child = db.session.scalar(sa.select(Case).where(Case.family == "dialogue"))
    assert child.parent_id == sup.id
    page = browser.get(f"/cases/{sup.id}").get_data(as_text=True)
    assert child.code in page.split('data-testid="dialogues-about"', 1)[1]


def test_the_national_share_counts_every_employer_and_a_unit_only_its_subtrees(world, db):
    """The national unit's share reads every employer (no condition on the unit); a province,
    a zone and a grassroots union read their own subtree's, never a sibling province's."""
    employer(world, name="Công ty Thép Hà Tĩnh", since=date(2020, 1, 1))
    services.register_employer(
        world.users["b_handler"], world.orgs["b"], name="Công ty Dệt Sài Gòn", kind="enterprise",
        tax_code=None, address="TP. Hồ Chí Minh", sector="Dệt may",
        representative="Trần Thị Bình", covered_since=date(2020, 1, 1), workers=80)
    counted = {key: queries.dialogue_share(world.orgs[key], TODAY.year)["employers"]
               for key in ("tld", "a", "a_zone", "a_grass", "b")}
    assert counted == {"tld": 2, "a": 1, "a_zone": 1, "a_grass": 1, "b": 1}
