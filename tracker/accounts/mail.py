"""Sending mail (invitations, claim verification) through a configurable SMTP server.

Settings: ``MAIL_SERVER`` (none: nothing is sent, and the page shows the link instead),
``MAIL_PORT``, ``MAIL_USERNAME``, ``MAIL_PASSWORD``, ``MAIL_USE_TLS`` (STARTTLS),
``MAIL_FROM``. Every message is also kept in ``app.extensions["tracker.outbox"]`` while
testing.
"""

from __future__ import annotations

import logging
import smtplib
from dataclasses import dataclass
from email.message import EmailMessage

from flask import current_app

log = logging.getLogger(__name__)
OUTBOX = "tracker.outbox"


@dataclass(frozen=True)
class Sent:
    to: str
    subject: str
    body: str


def send(to: str, subject: str, body: str) -> bool:
    """Send one plain-text message; True when an SMTP server accepted it."""
    config = current_app.config
    if current_app.testing:
        current_app.extensions.setdefault(OUTBOX, []).append(Sent(to, subject, body))
    server = config.get("MAIL_SERVER")
    if not server:
        log.info("MAIL_SERVER is not set: not sending %r to %s", subject, to)
        return False
    message = EmailMessage()
    message["From"] = config.get("MAIL_FROM") or f"ceasefire-tracker@{server}"
    message["To"] = to
    message["Subject"] = subject
    message.set_content(body)
    try:
        with smtplib.SMTP(server, int(config.get("MAIL_PORT") or 25), timeout=10) as smtp:
            if config.get("MAIL_USE_TLS"):
                smtp.starttls()
            if config.get("MAIL_USERNAME"):
                smtp.login(config["MAIL_USERNAME"], config.get("MAIL_PASSWORD") or "")
            smtp.send_message(message)
    except (OSError, smtplib.SMTPException) as exc:
        log.warning("could not send %r to %s: %s", subject, to, exc)
        return False
    return True
