"""Invitations: a seat kept for an email with no account, taken when that person registers."""

import uuid
from datetime import UTC, datetime

from sqlalchemy.ext.asyncio import AsyncSession

from backend.auth.deps import WorkspaceContext
from backend.invitations.repository import InvitationRepository
from backend.invitations.schemas import InvitationRead
from backend.models import Membership, Role, User
from backend.workspaces.repository import MemberRepository
from backend.workspaces.roles import ensure_may_grant
from kit.errors import Conflict, NotFound


async def invite(
    session: AsyncSession, ctx: WorkspaceContext, *, email: str, role: Role
) -> InvitationRead:
    """Keep a seat for `email`; the caller has checked that no account uses it."""
    ensure_may_grant(ctx, role)
    invitation = await InvitationRepository(session).add_pending(
        workspace_id=ctx.workspace_id, email=email.lower(), role=role, invited_by_id=ctx.user_id
    )
    if invitation is None:
        raise Conflict(
            "This email already has a pending invitation; revoke it first to change the role.",
            code="already_invited",
        )
    return InvitationRead.model_validate(invitation)


async def list_pending(session: AsyncSession, ctx: WorkspaceContext) -> list[InvitationRead]:
    invitations = await InvitationRepository(session).list_pending(ctx.workspace_id)
    return [InvitationRead.model_validate(i) for i in invitations]


async def revoke(session: AsyncSession, ctx: WorkspaceContext, invitation_id: uuid.UUID) -> None:
    invitations = InvitationRepository(session)
    invitation = await invitations.get_pending(ctx.workspace_id, invitation_id)
    if invitation is None:
        raise NotFound("Invitation not found.")
    ensure_may_grant(ctx, invitation.role)
    await invitations.delete(invitation)


async def accept_pending(session: AsyncSession, user: User) -> None:
    """Turn every pending invitation for the account's email into a membership.

    Run on registration and on every login: an invitation sent while its recipient was
    registering is picked up the next time they sign in. A workspace they joined meanwhile
    (added directly) keeps their current role.
    """
    accepted = await InvitationRepository(session).accept_all(user.email, datetime.now(UTC))
    members = MemberRepository(session)
    for workspace_id, role in accepted:
        if await members.role_of(workspace_id, user.id) is None:
            await members.add(Membership(workspace_id=workspace_id, user_id=user.id, role=role))
