"""A request that only read ends with COMMIT, so the statements psycopg prepared on its
connection survive it (a ROLLBACK makes psycopg forget them all); a request that wrote, or
failed, is never committed by this."""
import pytest
import sqlalchemy as sa

from app.extensions import db
from app.orgs.models import Organisation


def _name(org_id: int) -> str:
    db.session.rollback()
    return db.session.scalar(sa.select(Organisation.name).where(Organisation.id == org_id))


@pytest.mark.commits
def test_a_reading_request_keeps_its_prepared_statements(app, backend, world):
    if backend != "postgresql":
        pytest.skip("psycopg prepares statements on PostgreSQL")
    db.session.commit()
    statement = sa.select(Organisation.name).where(Organisation.path >= "/").limit(1)
    text = str(statement.compile(db.engine))[:40]
    for _ in range(30):  # a few connections in the pool, each used more than 5 times
        with app.test_request_context("/"):
            db.session.execute(statement).all()
            assert db.session().in_transaction()
        assert not db.session().in_transaction(), "ended by a COMMIT"
    db.session.execute(statement).all()
    prepared = db.session.scalars(sa.text(
        "SELECT statement FROM pg_prepared_statements")).all()
    assert any(s.startswith(text) for s in prepared), prepared


@pytest.mark.parametrize("flush", [True, False])
def test_a_request_that_changed_something_is_not_committed_here(app, world, flush):
    org_id = world.orgs["a"].id
    db.session.commit()
    with app.test_request_context("/"):
        db.session.get(Organisation, org_id).name = "Đổi tên không lưu"
        if flush:
            db.session.flush()
    assert _name(org_id) == "Liên đoàn Lao động tỉnh Hà Tĩnh"


def test_a_failed_request_is_not_committed(app, world):
    org_id = world.orgs["a"].id
    db.session.commit()
    ctx = app.test_request_context("/")
    ctx.push()
    db.session.execute(sa.update(Organisation).where(Organisation.id == org_id)
                       .values(name="Ghi dở dang"))
    ctx.pop(ValueError("the route failed"))
    assert _name(org_id) == "Liên đoàn Lao động tỉnh Hà Tĩnh"
