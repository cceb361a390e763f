"""The demo documents load on the demo cases and number each register without a gap."""
from itertools import groupby

import sqlalchemy as sa

from app.documents.models import CaseDocument


def test_demo_documents(db):
    from app import demo
    from app.documents import demo as documents_demo

    demo.seed(case_count=80)
    issued = documents_demo.seed()
    db.session.commit()
    assert issued > 0
    assert documents_demo.seed() == 0  # idempotent
    rows = db.session.execute(sa.select(CaseDocument.org_id, CaseDocument.year,
                                        CaseDocument.number)
                              .order_by(CaseDocument.org_id, CaseDocument.year,
                                        CaseDocument.number)).all()
    assert len(rows) == issued
    for _key, group in groupby(rows, key=lambda r: (r.org_id, r.year)):
        numbers = [r.number for r in group]
        assert numbers == list(range(1, len(numbers) + 1))
