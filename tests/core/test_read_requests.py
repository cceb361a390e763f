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


@pytest.mark.parametrize("how", ["core", "text"])
def test_a_request_that_wrote_without_the_orm_is_not_committed_here(app, world, how):
    """A write the session does not see (a Core UPDATE, raw SQL) still keeps the request from
    being committed: the statement itself marks its transaction."""
    org_id = world.orgs["a"].id
    db.session.commit()
    with app.test_request_context("/"):
        if how == "core":
            db.session.execute(sa.update(Organisation).where(Organisation.id == org_id)
                               .values(name="Ghi qua Core"))
        else:
            db.session.execute(sa.text("UPDATE organisation SET name = 'Ghi thô' WHERE id = :i"),
                               {"i": org_id})
        assert not db.session.new and not db.session.dirty
    assert _name(org_id) == "Liên đoàn Lao động tỉnh Hà Tĩnh"


@pytest.mark.commits
def test_statements_that_may_write_are_told_from_reads(app, backend, world):
    """The classification the commit relies on, on statements as SQLAlchemy compiles them."""
    from app.core.database import WROTE

    if backend != "postgresql":
        pytest.skip("only PostgreSQL ends reads with COMMIT")
    tree = sa.select(Organisation.id).where(Organisation.parent_id.is_(None)).cte(
        "tree", recursive=True)
    tree = tree.union_all(sa.select(Organisation.id).join(tree, Organisation.parent_id == tree.c.id))
    reads = [sa.select(Organisation.name).limit(1), sa.select(tree.c.id).limit(1),
             sa.text("  select 1")]
    for statement in reads:
        db.session.rollback()
        db.session.execute(statement).all()
        assert db.session.connection().info[WROTE] is False, statement
    moved = sa.update(Organisation).where(Organisation.id == -1).values(name="x")
    for statement in [moved, sa.text("SET LOCAL work_mem = '8MB'"),
                      sa.select(Organisation.id).add_cte(moved.returning(Organisation.id)
                                                         .cte("moved"))]:
        db.session.rollback()
        db.session.execute(statement)
        assert db.session.connection().info[WROTE] is True, statement
    db.session.rollback()
