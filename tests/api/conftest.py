"""The API's test helpers: a client that sends a bearer token, and a small seeded world."""
from __future__ import annotations

import contextvars
from dataclasses import dataclass
from datetime import timedelta
from types import SimpleNamespace

import pytest

from app.api.models import SCOPES
from app.core.calendar import local_today
from tests.factories import advance, make_case

TODAY = local_today()
#: The sender of the seeded denunciation: sealed, never in any API response.
SEALED_NAME = "Phạm Thị Tố Giác"
SEALED_ADDRESS = "Số 7 ngõ Kín, Hà Tĩnh"
SEALED_CONTACT = "0912345678"
FOLLOWING_UP = ["classify", "draft_plan", "approve_plan", "form_delegation", "notify_subject",
                "start_fieldwork", "submit_report", "approve_conclusion", "issue_conclusion"]


@dataclass
class ApiClient:
    """Requests to the API as another system makes them: each in its own context (its own
    app context, `g` and database session, as a real request), with the token as a bearer."""
    client: object
    token: str | None = None

    def request(self, method: str, url: str, *, headers=None, **kw):
        from app.extensions import db

        db.session.commit()
        headers = dict(headers or {})
        if self.token is not None:
            headers.setdefault("Authorization", f"Bearer {self.token}")
        return contextvars.Context().run(getattr(self.client, method), url, headers=headers,
                                         **kw)

    def get(self, url, **kw):
        return self.request("get", url, **kw)

    def post(self, url, **kw):
        return self.request("post", url, **kw)


def new_token(user, scopes=SCOPES, days: int = 30, name: str = "Hệ thống thử") -> str:
    from app.api import services
    from app.extensions import db

    _token, raw = services.create_token(user, name=name, scopes=scopes,
                                        expires_on=TODAY + timedelta(days=days))
    db.session.commit()
    return raw


@pytest.fixture
def api(app, world):
    """api(user_key, scopes) -> an ApiClient with a fresh token of that world user."""
    def make(key: str = "handler", scopes=SCOPES) -> ApiClient:
        return ApiClient(app.test_client(), new_token(world.users[key], scopes))
    return make


def seed(world) -> SimpleNamespace:
    """A supervision in each province, a sealed denunciation, a supervision following up its
    recommendations with an issued document and a draft."""
    from app.documents import services as ds
    from app.extensions import db
    from app.identity.services import Reporter
    from app.letters import services as letters
    from workflows import vocab

    u, o = world.users, world.orgs
    sup = make_case(u["handler"], o["a"], received_on=TODAY - timedelta(days=3))
    other = make_case(u["b_handler"], o["b"], title="Giám sát ở tỉnh khác",
                      received_on=TODAY - timedelta(days=3))
    letter = letters.receive_letter(
        u["handler"], o["a"], title="Đơn tố cáo chi sai quỹ công đoàn",
        summary="Chủ tịch công đoàn cơ sở chi quỹ sai mục đích.", channel="report",
        intake_form="writing", kind="denunciation",
        reporter=Reporter(name=SEALED_NAME, address=SEALED_ADDRESS, contact=SEALED_CONTACT),
        subject={"subject_kind": "person", "subject_name": "Trần Văn Bị Tố"})
    parent = make_case(u["handler"], o["a"], title="Giám sát việc trả lương",
                       subject_name="Công ty TNHH Theo Dõi",
                       received_on=TODAY - timedelta(days=60))
    advance(parent, [u["handler"], u["approver"], u["approver2"], u["delegate"], u["intake"]],
            FOLLOWING_UP, today=TODAY - timedelta(days=50))
    rec = next(c for c in parent.children if c.family == vocab.RECOMMENDATION)
    code = next(t.code for t in ds.templates_for(sup) if not t.to_reporter)
    draft = ds.draft_document(sup, u["handler"], code)
    issued = next(d for d in ds.queries.documents_of(parent) if d.is_issued)
    db.session.commit()
    return SimpleNamespace(sup=sup, other=other, letter=letter, parent=parent, rec=rec,
                           draft=draft, issued=issued)


@pytest.fixture
def seeded(world):
    return seed(world)
