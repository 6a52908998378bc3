"""Outgoing mail over SMTP (aiosmtplib), configured by the SMTP_* settings.

Only worker jobs send: a request never waits on a mail server.
"""

from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import make_msgid

import aiosmtplib

from backend.config import settings

TIMEOUT_SECONDS = 30.0


class MailNotSent(Exception):
    """The mail server could not be reached or refused the message."""


@dataclass(frozen=True)
class Mail:
    to: str
    subject: str
    text: str
    html: str


def compose(mail: Mail) -> EmailMessage:
    """A multipart/alternative message: the plain text first, the HTML version second."""
    message = EmailMessage()
    message["From"] = settings.smtp_from
    message["To"] = mail.to
    # Header values come from user input (workspace names): one line, whatever they hold.
    message["Subject"] = " ".join(mail.subject.split())
    message["Message-ID"] = make_msgid(domain=_sender_domain())
    message.set_content(mail.text)
    message.add_alternative(mail.html, subtype="html")
    return message


async def send(mail: Mail) -> None:
    """Hand the message to the configured SMTP server; raise MailNotSent on any failure."""
    if not settings.mail_configured:
        raise MailNotSent("no mail server is configured (SMTP_HOST is empty)")
    try:
        await aiosmtplib.send(
            compose(mail),
            hostname=settings.smtp_host,
            port=settings.smtp_port,
            username=settings.smtp_username or None,
            password=settings.smtp_password or None,
            use_tls=settings.smtp_tls,
            start_tls=settings.smtp_starttls and not settings.smtp_tls,
            timeout=TIMEOUT_SECONDS,
        )
    except (aiosmtplib.SMTPException, OSError) as exc:
        raise MailNotSent(f"{type(exc).__name__}: {exc}") from exc


def _sender_domain() -> str:
    address = settings.smtp_from.rsplit("<", 1)[-1].rstrip(">").strip()
    return address.rsplit("@", 1)[-1] if "@" in address else "localhost"
