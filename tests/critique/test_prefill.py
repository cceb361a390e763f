"""A critique meeting opens today with the drafting body among its participants (issue 15),
and is saved as shown."""
from __future__ import annotations

import sqlalchemy as sa

from app.cases.services import transition_case
from app.core.calendar import local_today
from app.critique.models import CritiqueMeeting
from tests.critique.test_critique import BODY, _case, _register
from tests.html import input_value, textarea_text

TODAY = local_today()


def test_a_new_meeting_is_held_today_with_the_drafting_body(db, world, browser):
    case = _case(_register(world))
    transition_case(case, "open_consultation", world.users["handler"])
    browser.login("handler")
    page = browser.get(f"/critique/{case.id}/meetings/new/dialogue").get_data(as_text=True)
    assert input_value(page, "held_on") in (TODAY.isoformat(), TODAY.strftime("%d/%m/%Y"))
    assert textarea_text(page, "participants") == BODY
    response = browser.post(f"/critique/{case.id}/meetings/new/dialogue", {
        "held_on": input_value(page, "held_on"), "place": "Hội trường LĐLĐ tỉnh",
        "participants": textarea_text(page, "participants"),
        "minutes": "Bộ Nội vụ tiếp thu ý kiến về mức lương tối thiểu."})
    assert response.status_code == 302
    meeting = db.session.scalar(sa.select(CritiqueMeeting))
    assert (meeting.held_on, meeting.participants) == (TODAY, BODY)
    # A recorded meeting shows what was recorded, not the defaults.
    page = browser.get(f"/critique/{case.id}/meetings/{meeting.id}").get_data(as_text=True)
    assert "Bộ Nội vụ tiếp thu ý kiến" in textarea_text(page, "minutes")
