"""`flask audit verify`: check every case's hash-chained timeline (app.cases.audit)."""
from __future__ import annotations

import click
from flask.cli import AppGroup

from app.extensions import db

group = AppGroup("audit", help="Tamper-evident audit trail.")


@group.command("verify")
@click.option("--batch", default=2000, show_default=True, help="Events fetched per round trip.")
def verify_cmd(batch: int) -> None:
    """Name the first edited, deleted or reordered event of each case; exit 1 if any."""
    from app.cases.audit import verify

    report = verify(db.session, batch=batch)
    db.session.rollback()
    summary = f"{report.cases} case(s), {report.events} event(s) checked"
    if report.ok:
        click.echo(f"Audit trail intact: {summary}.")
        click.echo(f"Digest of all chain heads: {report.digest}")
        return
    for problem in report.problems:
        click.echo(str(problem))
    click.echo(f"Audit trail BROKEN in {len({p.case_id for p in report.problems})} case(s): "
               f"{summary}.")
    raise SystemExit(1)


def register(app) -> None:
    app.cli.add_command(group)
