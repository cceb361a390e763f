"""Email of notifications: plain text in the recipient's language, over SMTP (MAIL_SERVER;
none when it is empty). A server that fails is logged and the notification keeps
emailed_at NULL: nothing here raises into the request or the command that sent it."""
from __future__ import annotations

import logging
import smtplib
from datetime import datetime
from email.message import EmailMessage
from email.utils import formatdate, make_msgid

import sqlalchemy as sa
from flask import current_app, has_request_context, url_for
from flask_babel import force_locale
from flask_babel import gettext as _

from app.auth.models import User
from app.core.dates import format_day
from app.extensions import db
from app.notifications.kinds import CRITIQUE_INVITATION, KINDS
from app.notifications.models import Notification
from app.orgs.models import utcnow

log = logging.getLogger(__name__)

#: Lines one digest email lists; the rest is counted.
DIGEST_LINES = 50


def absolute_url(endpoint: str, **values) -> str:
    """The page's address for an email: under PUBLIC_BASE_URL, else the request's host."""
    base = (current_app.config.get("PUBLIC_BASE_URL") or "").rstrip("/")
    if not base and has_request_context():
        return url_for(endpoint, _external=True, **values)
    path = current_app.url_map.bind("localhost").build(endpoint, values)
    return base + path


def target(row: Notification) -> tuple[str, dict]:
    """Where a notification leads: the unit's consultation requests for an invitation to
    comment (the invited unit does not see the case itself), the case page otherwise, the inbox
    when there is no case."""
    views = current_app.view_functions
    if row.kind == CRITIQUE_INVITATION and "critique.requests" in views:
        return "critique.requests", {}
    if row.case_id is not None:
        return "cases.detail", {"case_id": row.case_id}
    return "notifications.index", {}


def line(row: Notification) -> str:
    """What the notification says, in the current language: its kind, case and due date."""
    params = row.params or {}
    text = str(KINDS[row.kind])
    if params.get("code"):
        text += f": {params['code']} – {params.get('title', '')}"
    if params.get("due_on"):
        text += " " + _("(due %(day)s)", day=format_day(params["due_on"]))
    return text


def _footer() -> str:
    return "\n-- \n" + _("Choose how you receive each kind of notification: %(url)s",
                         url=absolute_url("notifications.settings")) + "\n"


def immediate_message(user: User, row: Notification) -> EmailMessage:
    with force_locale(user.locale or "vi"):
        params = row.params or {}
        subject = str(KINDS[row.kind])
        if params.get("code"):
            subject += f": {params['code']}"
        body = line(row) + "\n\n" + link(row) + "\n" + _footer()
        return _message(user, subject, body)


def digest_message(user: User, rows: list[Notification]) -> EmailMessage:
    with force_locale(user.locale or "vi"):
        subject = _("Your daily digest: %(n)d notification(s)", n=len(rows))
        lines = [f"- {line(row)}\n  {link(row)}"
                 for row in rows[:DIGEST_LINES]]
        if len(rows) > DIGEST_LINES:
            lines.append(_("… and %(n)d more in your inbox: %(url)s", n=len(rows) - DIGEST_LINES,
                           url=absolute_url("notifications.index")))
        return _message(user, subject, "\n".join(lines) + "\n" + _footer())


def link(row: Notification) -> str:
    endpoint, values = target(row)
    return absolute_url(endpoint, **values)


def _message(user: User, subject: str, body: str) -> EmailMessage:
    msg = EmailMessage()
    msg["Subject"] = subject
    msg["From"] = current_app.config["MAIL_FROM"]
    msg["To"] = user.email
    msg["Date"] = formatdate(localtime=False)
    msg["Message-ID"] = make_msgid(domain="giamsat")
    msg.set_content(body)
    return msg


def _smtp() -> smtplib.SMTP:
    config = current_app.config
    server = smtplib.SMTP(config["MAIL_SERVER"], config["MAIL_PORT"], timeout=10)
    if config.get("MAIL_USE_TLS"):
        server.starttls()
    if config.get("MAIL_USERNAME"):
        server.login(config["MAIL_USERNAME"], config.get("MAIL_PASSWORD") or "")
    return server


def deliver(messages: list[tuple[object, EmailMessage]]) -> list:
    """Send (key, message) pairs over one connection; the keys of those that went out."""
    if not messages or not current_app.config.get("MAIL_SERVER"):
        return []
    sent = []
    try:
        with _smtp() as server:
            for key, msg in messages:
                try:
                    server.send_message(msg)
                    sent.append(key)
                except smtplib.SMTPRecipientsRefused:
                    log.warning("the mail server refused a recipient of notification mail")
    except (OSError, smtplib.SMTPException):
        log.exception("could not send notification mail through %s:%s",
                      current_app.config["MAIL_SERVER"], current_app.config["MAIL_PORT"])
    return sent


def send_immediate(notification_ids: list[int]) -> None:
    """Email each notification to its user (active, with an address) now; after the commit
    that wrote them (app.core.jobs.after_commit), inline or on an RQ worker."""
    if not current_app.config.get("MAIL_SERVER"):
        return
    rows = db.session.execute(
        sa.select(Notification, User).join(User, User.id == Notification.user_id)
        .where(Notification.id.in_(notification_ids), Notification.emailed_at.is_(None),
               User.active.is_(True), User.email.is_not(None), User.email != "")
        .order_by(Notification.id)).all()
    sent = deliver([(row.id, immediate_message(user, row)) for row, user in rows])
    if sent:
        mark_emailed(sent, utcnow())
        db.session.commit()


def mark_emailed(ids, at: datetime | None = None) -> None:
    ids = list(ids)
    if ids:
        db.session.execute(sa.update(Notification).where(Notification.id.in_(ids))
                           .values(emailed_at=at or utcnow()),
                           execution_options={"synchronize_session": False})


def send_digest(batch: list[tuple[User, list[Notification]]]) -> list:
    """One digest email per (user, rows) of `batch`; the pairs whose email went out."""
    by_user = {user.id: (user, rows) for user, rows in batch}
    sent = deliver([(user.id, digest_message(user, rows)) for user, rows in batch])
    return [by_user[user_id] for user_id in sent]
