"""Employers and dialogues for the workplace tests, written through the feature's services."""
from __future__ import annotations

from datetime import date, timedelta

from app.core.calendar import local_today
from app.workplace import services
from tests.factories import issue_for

TODAY = local_today()


def employer(world, *, name="Công ty TNHH Thép Vũng Áng", workers=120, kind="enterprise",
             since=date(2020, 1, 1), org="a_grass", tax_code=None):
    return services.register_employer(
        world.users["grass_handler"], world.orgs[org], name=name, kind=kind,
        tax_code=tax_code, address="Khu kinh tế Vũng Áng, Hà Tĩnh", sector="Luyện kim",
        representative="Nguyễn Văn Giám", covered_since=since, workers=workers)


def dialogue(world, emp, *, kind="periodic", scheduled_on=None, **values):
    return services.open_dialogue(world.users["grass_handler"], emp, kind=kind,
                                  scheduled_on=scheduled_on or TODAY + timedelta(days=10),
                                  place="Hội trường công ty", **values)


def participants(workers=4, employer_side=3):
    return ([{"side": "workers", "name": f"Công nhân {i}", "position": "Tổ trưởng"}
             for i in range(1, workers + 1)]
            + [{"side": "employer", "name": f"Quản lý {i}", "position": "Trưởng phòng"}
               for i in range(1, employer_side + 1)])


def to_agenda_sent(world, case, day):
    """Add a workers' proposal, issue the invitation, send the content on `day`."""
    from app.cases.services import transition_case

    h = world.users["grass_handler"]
    services.add_item(case, h, source="workers", text="Tăng tiền ăn ca lên 30.000 đồng")
    issue_for(case, "send_agenda", world.users["grass_approver"], today=day)
    transition_case(case, "send_agenda", h, today=day)
    return case
