"""Mailing an invitation's link: the worker job's body and the message it sends.

The database is not held while the mail server is talked to: the link is read in one
transaction, mailed, and the outcome recorded in another (only if the link is still the
one that was mailed: a re-invite meanwhile queued its own job).
"""

import uuid
from datetime import UTC, datetime
from html import escape

import structlog

from backend.db import session_factory
from backend.integrations import crypto
from backend.invitations.links import accept_url
from backend.invitations.repository import InvitationRepository, MailContext
from backend.mail import sender
from backend.models import InvitationMail

log = structlog.get_logger(__name__)


async def run(*, invitation_id: uuid.UUID, final_attempt: bool) -> None:
    """Mail the invitation's current link; raise to be retried when the server fails."""
    async with session_factory()() as session:
        context = await InvitationRepository(session).mail_context(invitation_id)
    if context is None:
        return  # accepted or revoked meanwhile
    invitation = context.invitation
    if invitation.token_sealed is None or invitation.expires_at <= datetime.now(UTC):
        return  # already mailed by an earlier job, or too late to be of use
    token_hash = invitation.token_hash
    try:
        token = str(crypto.decrypt(invitation.token_sealed))
    except crypto.UndecryptableSecret:
        # Its key was dropped from ENCRYPTION_KEYS: no retry helps; inviting again does.
        log.error("invitation_link_undecryptable", invitation_id=str(invitation_id))
        await _record(invitation_id, token_hash, InvitationMail.failed)
        return
    mail = invitation_mail(context, url=accept_url(token))
    try:
        await sender.send(mail)
    except sender.MailNotSent as exc:
        log.warning(
            "invitation_mail_failed",
            invitation_id=str(invitation_id),
            error=str(exc),
            final_attempt=final_attempt,
        )
        if final_attempt:
            await _record(invitation_id, token_hash, InvitationMail.failed)
        raise
    await _record(invitation_id, token_hash, InvitationMail.sent)
    log.info("invitation_mailed", invitation_id=str(invitation_id))


async def _record(invitation_id: uuid.UUID, token_hash: str, status: InvitationMail) -> None:
    async with session_factory()() as session:
        await InvitationRepository(session).record_mail(
            invitation_id, token_hash, status, datetime.now(UTC)
        )
        await session.commit()


def invitation_mail(context: MailContext, *, url: str) -> sender.Mail:
    invitation = context.invitation
    workspace = " ".join(context.workspace_name.split())
    who = " ".join(context.inviter_name.split()) if context.inviter_name else "An admin"
    expires = invitation.expires_at.astimezone(UTC).strftime("%d %B %Y, %H:%M UTC")
    role = invitation.role.value
    text = (
        f"{who} invited you to join the workspace “{workspace}” on VectorOS as {role}.\n\n"
        f"Accept the invitation:\n{url}\n\n"
        f"Sign in (or create your account) with this email address, {invitation.email}: "
        "the invitation is for it alone.\n"
        f"The link works once, until {expires}.\n\n"
        "If you did not expect this, ignore this mail: nothing happens unless you accept.\n"
    )
    html = f"""\
<!doctype html>
<html><body style="font-family: sans-serif; line-height: 1.5; color: #1c2024;">
<p>{escape(who)} invited you to join the workspace <strong>{escape(workspace)}</strong>
on VectorOS as <strong>{escape(role)}</strong>.</p>
<p><a href="{escape(url, quote=True)}"
  style="display: inline-block; padding: 10px 18px; background: #3e63dd; color: #ffffff;
  text-decoration: none; border-radius: 6px;">Accept the invitation</a></p>
<p>Or open this link: <a href="{escape(url, quote=True)}">{escape(url)}</a></p>
<p>Sign in (or create your account) with this email address,
{escape(invitation.email)}: the invitation is for it alone.
The link works once, until {escape(expires)}.</p>
<p style="color: #60646c;">If you did not expect this, ignore this mail: nothing happens
unless you accept.</p>
</body></html>
"""
    return sender.Mail(
        to=invitation.email,
        subject=f"You are invited to {workspace} on VectorOS",
        text=text,
        html=html,
    )
