"""`flask notifications fanout` (after the nightly sweep: its deadline lines become
notifications; `--sweep` runs the sweep first) and `flask notifications digest` (once a day:
each digest user's email). Both for cron; both commit as they go."""
from __future__ import annotations

import click
from flask.cli import AppGroup

from app.core import jobs
from app.extensions import db

group = AppGroup("notifications", help="Notifications: the sweep's fan-out and the daily digest.")


@group.command("fanout")
@click.option("--sweep", "run_sweep", is_flag=True,
              help="Run the deadline sweep (flask deadlines sweep) first.")
def fanout_cmd(run_sweep: bool) -> None:
    """Notify the officers of each case of the deadline warnings and expiries written since
    the last run (idempotent: each line is told once)."""
    from app.notifications.services import fanout

    if run_sweep:
        from app.deadlines.services import sweep

        counts = sweep(on_chunk=db.session.commit)
        db.session.commit()
        click.echo(f"{counts['warned']} warning(s), {counts['expired']} expiry notice(s) "
                   "written.")
    count = fanout(on_chunk=_commit)
    _commit()
    click.echo(f"{count} notification(s) written.")


@group.command("digest")
def digest_cmd() -> None:
    """Send each user who chose the daily digest one email of what they have not been sent."""
    from app.notifications.services import send_digests

    click.echo(f"{send_digests()} digest email(s) sent.")


def _commit() -> None:
    """Commit, then send the immediate emails the commit released (inline mode)."""
    db.session.commit()
    jobs.run_ready()
