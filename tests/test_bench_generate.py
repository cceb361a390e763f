"""The benchmark's dataset generator: a small national dataset the app works on as generated."""
from __future__ import annotations

import re

import pytest
import sqlalchemy as sa

from bench import generate

#: What bench/run.py reads from bench_ready.
RUNNER_KEYS = {
    "login_national", "login_province", "login_grassroots", "password", "detail_case_id",
    "duplicate_letter_id", "filter_family", "filter_state", "search_selective",
    "search_unselective", "national_org_id", "province_org_id", "grassroots_org_id",
}


@pytest.fixture
def dataset(backend, new_database, capsys):
    url = new_database(backend)
    assert generate.main(["--database-url", url, "--cases", "300", "--units", "60",
                          "--seed", "7"]) == 0
    printed = capsys.readouterr().out
    app = generate.make_app(url)
    app.config["WTF_CSRF_ENABLED"] = False
    from app.extensions import db

    with app.app_context():
        ready = dict(db.session.execute(sa.text("SELECT key, value FROM bench_ready")).all())
        db.session.remove()
    yield url, app, ready, printed
    with app.app_context():
        db.engine.dispose()


def _login(app, ready, who="login_national"):
    client = app.test_client()
    answer = client.post("/login", data={"username": ready[who],
                                         "password": ready["password"]})
    assert answer.status_code == 302 and "/login" not in answer.headers["Location"]
    return client


def test_generated_dataset_works_in_the_app(dataset):
    url, app, ready, printed = dataset
    from app.cases import audit
    from app.cases.models import Case, CaseEvent, subject_key_of
    from app.extensions import db
    from workflows.registry import WORKFLOWS

    assert RUNNER_KEYS <= set(ready)
    assert int(ready["count_case_file"]) == int(ready["cases"]) == 300
    # Every table the generator fills got rows, every CHECK held (the load committed), and
    # the summary printed the same figures.
    assert all(int(ready[f"count_{t}"]) > 0 for t in generate.COLUMNS), ready
    assert "count_case_file" in printed and "bench-password-1" in printed

    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Case)) == 300
        pairs = db.session.execute(sa.select(Case.family, Case.state).distinct()).all()
        for family, state in pairs:
            assert state in WORKFLOWS[family].state_names, (family, state)
        # Transitions on the timelines are the workflow's own.
        moves = db.session.execute(
            sa.select(Case.family, CaseEvent.action, CaseEvent.from_state, CaseEvent.to_state)
            .join(Case, Case.id == CaseEvent.case_id)
            .where(CaseEvent.from_state.is_not(None)).distinct()).all()
        for family, trigger, before, after in moves:
            action = WORKFLOWS[family].action(trigger)
            assert before in action.sources and after == action.dest
        report = audit.verify(db.session)
        assert report.ok, report.problems[:3]
        assert report.cases == 300
        detail = db.session.get(Case, int(ready["detail_case_id"]))
        assert len(detail.events) >= 30
        # subject_key is the app's key of every subject, so the duplicate letter's page finds
        # the earlier letter about the same subject through it.
        keys = db.session.execute(sa.select(Case.subject_name, Case.subject_key)).all()
        assert all(key == subject_key_of(name) for name, key in keys)
        # The units are found by the search as the app would find them.
        from app.orgs.models import Organisation, search_text_of
        units = db.session.execute(sa.select(Organisation.name, Organisation.label,
                                             Organisation.short_name,
                                             Organisation.search_text)).all()
        assert units and all(text == search_text_of(name, label, short) != ""
                             for name, label, short, text in units)
        copy = db.session.get(Case, int(ready["duplicate_letter_id"]))
        earlier = db.session.scalar(
            sa.select(Case.id).where(Case.family == "letter", Case.id < copy.id,
                                     Case.subject_key == copy.subject_key, Case.title == copy.title)
            .order_by(Case.id.desc()).limit(1))
        assert copy.subject_key and earlier is not None
        first_code = db.session.scalar(
            sa.select(Case.code).order_by(Case.received_on.desc(), Case.id.desc()).limit(1))
        # The unselective name is on some subjects: the search lists those cases, latest first.
        named = db.session.scalars(
            sa.select(Case.code).where(Case.subject_name == "Nguyễn Văn Hùng")
            .order_by(Case.received_on.desc(), Case.id.desc())).all()
        assert named
        db.session.remove()

    client = _login(app, ready)
    page = client.get("/cases/").get_data(as_text=True)
    assert first_code in page
    answer = client.get(f"/cases/{ready['detail_case_id']}")
    assert answer.status_code == 200
    assert detail.code in answer.get_data(as_text=True)
    letter = client.get(f"/cases/{ready['duplicate_letter_id']}")
    assert letter.status_code == 200
    assert f'data-testid="candidate-{earlier}"' in letter.get_data(as_text=True)
    found = client.get("/cases/", query_string={"q": ready["search_unselective"]})
    assert found.status_code == 200
    listed = re.findall(r"\b[A-ZĐ]{2}-\d{4}-\d{6}\b", found.get_data(as_text=True))
    assert listed[0] == named[0] and set(named) <= set(listed)
    assert client.get("/").status_code == 200
    assert client.get("/reports/dashboard").status_code == 200
    # The grassroots login sees its own unit's cases.
    assert _login(app, ready, "login_grassroots").get("/cases/").status_code == 200


def test_a_database_with_data_is_refused_unless_reset(backend, new_database, capsys):
    url = new_database(backend)
    args = ["--database-url", url, "--cases", "30", "--units", "12", "--quiet"]
    assert generate.main(args) == 0
    assert generate.main(args) == 2
    assert "--reset" in capsys.readouterr().err
    assert generate.main([*args, "--reset", "--seed", "3"]) == 0
