"""Invitations: membership is offered by an admin and taken by the invited email's owner.

An invitation carries a secret link. Accepting it needs the link (mailed to the address,
or passed on by an admin when no mail server is configured) and a signed-in account with
the invited email, so neither registering someone's email nor being added by an admin
puts anyone in a workspace. Only the link's hash is kept to look it up; the secret itself
stays encrypted until it has been mailed, so the admins can be shown it meanwhile.
"""

import uuid
from datetime import UTC, datetime, timedelta

import structlog
from sqlalchemy.ext.asyncio import AsyncSession

from backend.auth.deps import WorkspaceContext
from backend.auth.security import hash_secret, new_secret
from backend.config import settings
from backend.integrations import crypto
from backend.invitations.links import accept_url
from backend.invitations.repository import InvitationRepository, Link
from backend.invitations.schemas import InvitationRead
from backend.models import InvitationMail, Membership, Role, User, WorkspaceInvitation
from backend.worker.app import defer
from backend.worker.mail_tasks import mail_invitation
from backend.workspaces.repository import MemberRepository, WorkspaceRepository
from backend.workspaces.roles import ensure_may_grant
from backend.workspaces.schemas import WorkspaceRead
from kit.errors import Forbidden, NotFound

log = structlog.get_logger(__name__)

INVALID_LINK = (
    "This invitation link is not valid: it may have expired, been revoked or used already, "
    "or it was sent to another email address than the one you are signed in with."
)


async def invite(
    session: AsyncSession, ctx: WorkspaceContext, *, email: str, role: Role
) -> InvitationRead:
    """Offer `email` a seat with a fresh link; inviting it again replaces the link."""
    ensure_may_grant(ctx, role)
    token = new_secret()
    mailing = settings.mail_configured
    invitation = await InvitationRepository(session).offer(
        workspace_id=ctx.workspace_id,
        email=email.lower(),
        role=role,
        invited_by_id=ctx.user_id,
        link=Link(
            token_hash=hash_secret(token),
            token_sealed=crypto.encrypt(token),
            expires_at=datetime.now(UTC) + timedelta(days=settings.invitation_days),
            mail_status=InvitationMail.queued if mailing else InvitationMail.unsent,
        ),
        may_replace_owner=ctx.role == Role.owner,
    )
    if invitation is None:
        raise Forbidden("Only an owner can change an invitation that offers the owner role.")
    if mailing:
        # Sent by a worker after this transaction commits: the request never waits on SMTP.
        await defer(session, mail_invitation, invitation_id=str(invitation.id))
    else:
        log.warning(
            "invitation_link_not_mailed",
            reason="no mail server configured (SMTP_HOST); an admin must pass the link on",
            workspace_id=str(ctx.workspace_id),
            invitation_id=str(invitation.id),
            email=invitation.email,
            accept_url=accept_url(token),
        )
    return _read(invitation, show_link=True)


async def list_pending(session: AsyncSession, ctx: WorkspaceContext) -> list[InvitationRead]:
    invitations = await InvitationRepository(session).list_pending(ctx.workspace_id)
    show_link = ctx.role.at_least(Role.admin)
    return [_read(i, show_link=show_link) for i in invitations]


async def revoke(session: AsyncSession, ctx: WorkspaceContext, invitation_id: uuid.UUID) -> None:
    invitations = InvitationRepository(session)
    invitation = await invitations.get_pending(ctx.workspace_id, invitation_id)
    if invitation is None:
        raise NotFound("Invitation not found.")
    ensure_may_grant(ctx, invitation.role)
    await invitations.delete(invitation)


async def accept(session: AsyncSession, user: User, token: str) -> WorkspaceRead:
    """Join the workspace the link invites the signed-in user's email to.

    Every refusal is the same 404: nothing tells a link's holder which workspace it is for,
    or whether it exists.
    """
    invitation = await InvitationRepository(session).get_pending_by_token_for_update(
        hash_secret(token)
    )
    now = datetime.now(UTC)
    if invitation is None or invitation.expires_at <= now or invitation.email != user.email:
        raise NotFound(INVALID_LINK, code="invitation_not_found")
    invitation.accepted_at = now
    invitation.accepted_by_id = user.id
    invitation.token_sealed = None
    members = MemberRepository(session)
    # Someone who is a member already keeps the role they have.
    role = await members.role_of(invitation.workspace_id, user.id)
    if role is None:
        role = invitation.role
        await members.add(
            Membership(workspace_id=invitation.workspace_id, user_id=user.id, role=role)
        )
    workspace = await WorkspaceRepository(session).get(invitation.workspace_id)
    assert workspace is not None  # the invitation goes with its workspace
    return WorkspaceRead(
        id=workspace.id, name=workspace.name, role=role, created_at=workspace.created_at
    )


def _read(invitation: WorkspaceInvitation, *, show_link: bool) -> InvitationRead:
    expired = invitation.expires_at <= datetime.now(UTC)
    link = None
    if show_link and not expired and invitation.token_sealed is not None:
        try:
            link = accept_url(str(crypto.decrypt(invitation.token_sealed)))
        except crypto.UndecryptableSecret:
            log.warning("invitation_link_undecryptable", invitation_id=str(invitation.id))
    return InvitationRead(
        id=invitation.id,
        email=invitation.email,
        role=invitation.role,
        invited_by_id=invitation.invited_by_id,
        created_at=invitation.created_at,
        expires_at=invitation.expires_at,
        expired=expired,
        mail_status=invitation.mail_status,
        mailed_at=invitation.mailed_at,
        accept_url=link,
    )
