"""`flask stats refresh`: the snapshots the dashboard and periodic reports of units with units
below them read (run by the background job, e.g. hourly; a past period is frozen once)."""
from __future__ import annotations

import click
from flask.cli import AppGroup

from app.core.calendar import local_today
from app.extensions import db

group = AppGroup("stats", help="Statistics snapshots.")


@group.command("refresh")
@click.option("--today", type=click.DateTime(formats=["%Y-%m-%d"]), default=None,
              help="Refresh as of this day (YYYY-MM-DD); default: today.")
@click.option("--year", "years", type=int, multiple=True,
              help="Years whose half-years and year to keep (repeatable); default: this year "
                   "and the last.")
def refresh_cmd(today, years) -> None:
    """Recompute the current periods' snapshots and freeze those of ended periods."""
    from app.reports.stats import refresh_snapshots

    counts = refresh_snapshots(today.date() if today else local_today(), years or None)
    db.session.commit()
    click.echo(f"{counts['snapshots']} snapshot(s) of {counts['periods']} period(s) written.")


def register(app) -> None:
    app.cli.add_command(group)
