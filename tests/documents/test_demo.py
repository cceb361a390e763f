"""The demo documents load on the demo cases and number each register without a gap."""
from itertools import groupby

import sqlalchemy as sa

from app.documents.models import CaseDocument


def test_demo_documents(db):
    from app import demo
    from app.documents import demo as documents_demo

    demo.seed(case_count=80)  # app.demo seeds the demo documents too
    db.session.commit()
    rows = db.session.execute(sa.select(CaseDocument.org_id, CaseDocument.year,
                                        CaseDocument.number)
                              .where(CaseDocument.number.is_not(None))
                              .order_by(CaseDocument.org_id, CaseDocument.year,
                                        CaseDocument.number)).all()
    assert rows
    assert documents_demo.seed() == 0  # idempotent
    waiting = db.session.scalars(sa.select(CaseDocument).where(
        CaseDocument.number.is_(None), CaseDocument.approved_by_id.is_not(None))).all()
    assert len(waiting) == 1  # an approved plan for the clerk to issue, once
    assert waiting[0].approved_by_id != waiting[0].created_by_id
    for _key, group in groupby(rows, key=lambda r: (r.org_id, r.year)):
        numbers = [r.number for r in group]
        assert numbers == list(range(1, len(numbers) + 1))
