"""With SMTP settings, a worker mails the link: a real SMTP server (aiosmtpd) on 127.0.0.1."""

import email
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from email.message import EmailMessage
from email.policy import default as default_policy
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from httpx import AsyncClient
from sqlalchemy import Engine, text

from backend.config import settings
from backend.invitations import mailing
from backend.mail.sender import MailNotSent
from devtools.processes import free_port
from tests.backend.invitations.conftest import (
    accept,
    invite,
    pending,
    register_and_sign_in,
    stranger_email,
)
from tests.backend.worker.queued_jobs import run_queued_jobs
from tests.factories import invitation_token, make_user, make_workspace

SENDER = "VectorOS <invitations@vectoros.test>"


@dataclass
class Mailbox:
    """What the SMTP server received."""

    messages: list[EmailMessage] = field(default_factory=list)
    recipients: list[list[str]] = field(default_factory=list)

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802
        message = email.message_from_bytes(envelope.original_content, policy=default_policy)
        assert isinstance(message, EmailMessage)
        self.messages.append(message)
        self.recipients.append(list(envelope.rcpt_tos))
        return "250 Message accepted for delivery"


@pytest.fixture
def mailbox(monkeypatch: pytest.MonkeyPatch) -> Iterator[Mailbox]:
    box = Mailbox()
    port = free_port()
    controller = Controller(box, hostname="127.0.0.1", port=port)
    controller.start()
    for name, value in {
        "smtp_host": "127.0.0.1",
        "smtp_port": port,
        "smtp_starttls": False,
        "smtp_tls": False,
        "smtp_from": SENDER,
    }.items():
        monkeypatch.setattr(settings, name, value)
    try:
        yield box
    finally:
        controller.stop()


def _parts(message: EmailMessage) -> tuple[str, str]:
    plain = message.get_body(preferencelist=("plain",))
    html = message.get_body(preferencelist=("html",))
    assert plain is not None and html is not None
    return plain.get_content(), html.get_content()


async def test_the_link_is_mailed_by_the_worker_with_text_and_html_parts(
    client: AsyncClient, mailbox: Mailbox
) -> None:
    owner = await make_user(client, name="Ada Seller")
    ws = await make_workspace(client, owner, "Northwind <Sales>")
    invitee = stranger_email()

    invited = await invite(client, ws, owner, invitee, "admin")

    assert invited.status_code == 202
    assert invited.json()["mail_status"] == "queued"
    assert mailbox.messages == []  # the request only queued the mail
    await run_queued_jobs()

    [message] = mailbox.messages
    assert mailbox.recipients == [[invitee]]
    assert message["To"] == invitee
    assert message["From"] == SENDER
    assert "Northwind <Sales>" in message["Subject"]
    assert message.get_content_type() == "multipart/alternative"
    plain, html = _parts(message)
    link = invited.json()["accept_url"]
    assert link in plain
    assert f'href="{link}"' in html
    assert "Ada Seller" in plain and "admin" in plain
    assert "Northwind &lt;Sales&gt;" in html and "<Sales>" not in html

    [listed] = await pending(client, ws, owner)
    assert listed["mail_status"] == "sent"
    assert listed["mailed_at"] is not None
    assert listed["accept_url"] is None  # mailed: the secret is no longer kept

    headers = await register_and_sign_in(client, invitee)
    accepted = await accept(client, headers, invitation_token(link))
    assert accepted.status_code == 200
    assert accepted.json()["id"] == ws


async def test_the_queued_job_holds_no_secret(
    client: AsyncClient, mailbox: Mailbox, sync_engine: Engine
) -> None:
    owner = await make_user(client)
    ws = await make_workspace(client, owner)
    invited = await invite(client, ws, owner, stranger_email())
    token = invitation_token(invited.json()["accept_url"])
    with sync_engine.connect() as conn:
        args = conn.scalars(
            text("select args::text from procrastinate_jobs where task_name = 'invitations.mail'")
        ).all()
    assert len(args) == 1
    assert token not in args[0]


async def test_inviting_again_mails_a_fresh_link_and_only_it_works(
    client: AsyncClient, mailbox: Mailbox
) -> None:
    owner = await make_user(client)
    ws = await make_workspace(client, owner)
    invitee = stranger_email()
    await invite(client, ws, owner, invitee)
    await run_queued_jobs()
    await invite(client, ws, owner, invitee)
    await run_queued_jobs()

    links = [_parts(m)[0] for m in mailbox.messages]
    assert len(links) == 2
    first, second = (
        invitation_token(next(w for w in text_.split() if "/invitations/accept?" in w))
        for text_ in links
    )
    assert first != second
    headers = await register_and_sign_in(client, invitee)
    assert (await accept(client, headers, first)).status_code == 404
    assert (await accept(client, headers, second)).status_code == 200


async def test_when_mailing_gives_up_the_admins_are_shown_the_link(
    client: AsyncClient, mailbox: Mailbox, monkeypatch: pytest.MonkeyPatch
) -> None:
    owner = await make_user(client)
    ws = await make_workspace(client, owner)
    invited = await invite(client, ws, owner, stranger_email())
    invitation_id = uuid.UUID(invited.json()["id"])
    monkeypatch.setattr(settings, "smtp_port", free_port())  # nothing listens there

    with pytest.raises(MailNotSent):
        await mailing.run(invitation_id=invitation_id, final_attempt=False)
    [listed] = await pending(client, ws, owner)
    assert listed["mail_status"] == "queued"  # retried later

    with pytest.raises(MailNotSent):
        await mailing.run(invitation_id=invitation_id, final_attempt=True)
    [listed] = await pending(client, ws, owner)
    assert listed["mail_status"] == "failed"
    assert listed["accept_url"] == invited.json()["accept_url"]
    assert mailbox.messages == []


async def test_a_revoked_invitation_is_not_mailed(client: AsyncClient, mailbox: Mailbox) -> None:
    owner = await make_user(client)
    ws = await make_workspace(client, owner)
    invited = await invite(client, ws, owner, stranger_email())
    revoked = await client.delete(
        f"/api/v1/workspaces/{ws}/invitations/{invited.json()['id']}", headers=owner.headers
    )
    assert revoked.status_code == 204
    await run_queued_jobs()
    assert mailbox.messages == []
