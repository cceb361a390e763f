"""Command-line tools: `flask --app wsgi seed-demo`, `create-user`."""
from __future__ import annotations

import click
import sqlalchemy as sa

from app import backup
from app.auth import cli as auth_cli
from app.extensions import db


def register(app) -> None:
    auth_cli.register(app)
    backup.register(app)

    @app.cli.command("seed-demo")
    @click.option("--cases", default=240, show_default=True, help="Number of demo cases.")
    @click.option("--migrate", is_flag=True,
                  help="Bring the database to the newest migration first (as `db upgrade`).")
    def seed_demo(cases: int, migrate: bool) -> None:
        """Load the demo organisation tree, users and cases (idempotent)."""
        from app.demo import seed

        if migrate:
            # One process for both: scripts/demo.sh starts in a few seconds when nothing changed.
            import flask_migrate

            flask_migrate.upgrade()

        created = seed(case_count=cases)
        db.session.commit()
        if created:
            click.echo(f"Demo data loaded: {created['orgs']} units, {created['users']} users, "
                       f"{created['cases']} cases.")
            if created.get("walkthrough"):
                click.echo(f"Start here: supervision {created['walkthrough']} may go into "
                           "fieldwork today (log in as doangiamsat) and on to its end.")
        else:
            click.echo("Demo data already present; nothing changed.")
        from app.cases.plugins import installed

        if "portal" in installed().features:
            from app.portal.demo import CODE, SECRET

            click.echo(f"The public portal (/portal/): follow the demo letter sent there with "
                       f"receipt code {CODE} and secret {SECRET}.")
        from app.demo import DEMO_PASSWORD, USERS
        from workflows.vocab import ROLES

        click.echo(f"Demo accounts (password: {DEMO_PASSWORD}):")
        for username, full_name, roles in USERS:
            what = ", ".join(ROLES[role].en for role, _ in roles)
            click.echo(f"  {username:<15} {full_name:<24} {what}")

    @app.cli.command("rotate-identity-key")
    def rotate_identity_key() -> None:
        """Re-encrypt sealed identities under the first key listed in IDENTITY_KEY."""
        from app.documents.services import rotate_sealed_pdfs
        from app.identity.services import rotate_keys

        count = rotate_keys() + rotate_sealed_pdfs()
        db.session.commit()
        click.echo(f"Re-encrypted {count} sealed records under the first IDENTITY_KEY.")

    @app.cli.command("create-user")
    @click.option("--username", prompt=True)
    @click.option("--full-name", prompt=True)
    @click.option("--password", prompt=True, hide_input=True, confirmation_prompt=True)
    @click.option("--role", "roles", multiple=True, required=True,
                  help="ROLE:UNIT, the unit by id, name, label or short name, e.g. "
                       "handler:12 or admin:TLĐ (repeatable).")
    @click.option("--locale", default="vi", type=click.Choice(["vi", "en"]))
    @click.option("--email", default="", help="Where notifications are emailed (optional).")
    @auth_cli.in_english
    def create_user_cmd(username, full_name, password, roles, locale, email) -> None:
        """Create a user with one or more roles in units."""
        from app.auth.services import create_user
        from app.orgs.models import Organisation
        from workflows.vocab import ROLES

        pairs = []
        for spec in roles:
            role, _, org_ref = spec.partition(":")
            if role not in ROLES:
                raise click.BadParameter(f"unknown role {role!r}; one of {', '.join(ROLES)}")
            org = None
            if org_ref.isdigit():
                org = db.session.get(Organisation, int(org_ref))
            elif org_ref:
                found = db.session.scalars(
                    sa.select(Organisation).where(
                        sa.or_(Organisation.short_name == org_ref, Organisation.name == org_ref,
                              Organisation.label == org_ref))
                ).all()
                if len(found) > 1:
                    raise click.BadParameter(f"{org_ref!r} names several units; use the id")
                org = found[0] if found else None
            if org is None:
                raise click.BadParameter(f"unit {org_ref!r} not found")
            pairs.append((role, org))
        try:
            user = create_user(username, full_name, password, pairs, locale=locale,
                               email=email.strip() or None)
        except ValueError as exc:
            raise click.ClickException(str(exc)) from exc
        db.session.commit()
        click.echo(f"User {user.username} created with {len(pairs)} role(s).")
