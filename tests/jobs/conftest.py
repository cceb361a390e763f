"""Cases in bulk (copies of one made through the services) for the export and job tests."""
import sqlalchemy as sa

from app.cases.models import Case


def clone_cases(db, template: Case, n: int, prefix: str = "BULK") -> None:
    """`n` copies of `template`'s row in the same unit, codes PREFIX-000001..., inserted in one
    executemany (a few thousand cases in a second on either backend)."""
    table = Case.__table__
    db.session.flush()
    row = dict(db.session.execute(sa.select(table).where(table.c.id == template.id))
               .mappings().one())
    row.pop("id")
    rows = [{**row, "code": f"{prefix}-{i:06d}"} for i in range(1, n + 1)]
    db.session.execute(table.insert(), rows)
    db.session.commit()
