"""`flask deadlines sweep`: timeline warnings before expiry and at expiry (run daily by cron)."""
from __future__ import annotations

from datetime import date

import click
from flask.cli import AppGroup
from flask_babel import lazy_gettext as _l

from app.core.calendar import local_today
from app.core.jobs import Progress, register_job
from app.extensions import db

group = AppGroup("deadlines", help="Deadline warnings.")


@group.command("sweep")
@click.option("--today", type=click.DateTime(formats=["%Y-%m-%d"]), default=None,
              help="Sweep as of this day (YYYY-MM-DD); default: today.")
def sweep_cmd(today) -> None:
    """Write each deadline's warning and expiry events once (idempotent)."""
    from app.deadlines.services import sweep

    counts = sweep(today.date() if today else local_today(), on_chunk=db.session.commit)
    db.session.commit()
    click.echo(f"{counts['warned']} warning(s), {counts['expired']} expiry notice(s) written.")


def sweep_job(progress: Progress, today: str | None = None) -> None:
    """The sweep as a background job (`flask jobs enqueue deadlines_sweep`); the job's own
    commit writes its events."""
    from app.deadlines.services import sweep

    sweep(date.fromisoformat(today) if today else local_today())


register_job("deadlines_sweep", sweep_job, _l("Deadline sweep"))


def register(app) -> None:
    app.cli.add_command(group)
