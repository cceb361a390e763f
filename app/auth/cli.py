"""Operator commands on accounts: `flask --app wsgi set-password`, `deactivate-user`, `totp`."""
from __future__ import annotations

from functools import wraps

import click
from flask_babel import force_locale

from app.extensions import db


def in_english(command):
    """Run `command` with English messages: the services' refusals speak the user's language,
    the command line speaks to operators and scripts in English."""
    @wraps(command)
    def wrapped(*args, **kwargs):
        with force_locale("en"):
            return command(*args, **kwargs)
    return wrapped


def _user(username: str):
    from app.auth.services import find_user

    user = find_user(username)
    if user is None:
        raise click.ClickException(f"No user {username!r}.")
    return user


def register(app) -> None:
    @app.cli.command("set-password")
    @click.option("--username", prompt=True)
    @click.option("--password", prompt=True, hide_input=True, confirmation_prompt=True)
    @in_english
    def set_password(username: str, password: str) -> None:
        """Set a user's password; every session of the user ends."""
        from app.auth.services import change_password

        user = _user(username)
        try:
            change_password(user, password)
        except ValueError as exc:
            raise click.ClickException(str(exc)) from exc
        db.session.commit()
        click.echo(f"Password of {user.username} changed; their sessions have ended.")

    @app.cli.command("deactivate-user")
    @click.option("--username", prompt=True)
    @click.option("--reactivate", is_flag=True, help="Allow the user to log in again.")
    @in_english
    def deactivate_user(username: str, reactivate: bool) -> None:
        """Stop a user from logging in and end every session of theirs (or --reactivate)."""
        from app.auth.services import set_active

        user = _user(username)
        set_active(user, reactivate)
        db.session.commit()
        if reactivate:
            click.echo(f"User {user.username} may log in again.")
        else:
            click.echo(f"User {user.username} deactivated; their sessions have ended.")

    @app.cli.command("totp")
    @click.option("--username", prompt=True)
    @click.option("--disable", is_flag=True, help="Turn the second step off.")
    @in_english
    def totp(username: str, disable: bool) -> None:
        """Turn on (or --disable) the authenticator-app code asked after the password; meant
        for approvers and admins. Every session of the user ends."""
        from app.auth.services import disable_totp, enable_totp

        user = _user(username)
        if disable:
            disable_totp(user)
            db.session.commit()
            click.echo(f"Two-step login off for {user.username}; their sessions have ended.")
            return
        uri = enable_totp(user)
        db.session.commit()
        click.echo(f"Two-step login on for {user.username}; their sessions have ended.")
        click.echo("Enter this in the user's authenticator app (or as a QR code):")
        click.echo(uri)
