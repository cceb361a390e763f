"""`flask audit verify`: check every case's hash-chained timeline (app.cases.audit)."""
from __future__ import annotations

import click
from flask.cli import AppGroup

from app.cases.audit import Report, verify
from app.extensions import db

group = AppGroup("audit", help="Tamper-evident audit trail.")


def echo_report(report: Report) -> None:
    """Print a verification's outcome (shared with `flask restore`); exit 1 if the chain broke."""
    summary = f"{report.cases} case(s), {report.events} event(s) checked"
    if report.ok:
        click.echo(f"Audit trail intact: {summary}.")
        click.echo(f"Digest of all chain heads: {report.digest}")
        return
    for problem in report.problems:
        click.echo(str(problem))
    click.secho(f"Audit trail BROKEN in {len({p.case_id for p in report.problems})} case(s): "
                f"{summary}.", fg="red")
    raise SystemExit(1)


@group.command("verify")
@click.option("--batch", default=2000, show_default=True, help="Events fetched per round trip.")
def verify_cmd(batch: int) -> None:
    """Name the first edited, deleted or reordered event of each case; exit 1 if any."""
    report = verify(db.session, batch=batch)
    db.session.rollback()
    echo_report(report)


def register(app) -> None:
    app.cli.add_command(group)
