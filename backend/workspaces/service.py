"""Workspaces and memberships: who may change roles, and a workspace always keeps an owner."""

import uuid

from sqlalchemy.ext.asyncio import AsyncSession

from backend.api_keys import service as api_keys
from backend.auth.deps import WorkspaceContext
from backend.auth.repository import UserRepository
from backend.invitations import service as invitations
from backend.invitations.schemas import InvitationRead
from backend.models import Membership, Role, User, Workspace
from backend.pipelines.service import create_default_stages
from backend.workspaces.repository import MemberRepository, WorkspaceRepository
from backend.workspaces.roles import ensure_may_grant
from backend.workspaces.schemas import MemberRead, WorkspaceRead
from kit.errors import Conflict, Forbidden, NotFound


async def create(session: AsyncSession, *, owner: User, name: str) -> WorkspaceRead:
    workspace = await WorkspaceRepository(session).add(Workspace(name=name))
    await MemberRepository(session).add(
        Membership(workspace_id=workspace.id, user_id=owner.id, role=Role.owner)
    )
    await create_default_stages(session, workspace.id)
    return _read(workspace, Role.owner)


async def list_for(session: AsyncSession, user: User) -> list[WorkspaceRead]:
    pairs = await WorkspaceRepository(session).list_for_user(user.id)
    return [_read(ws, role) for ws, role in pairs]


async def get(session: AsyncSession, ctx: WorkspaceContext) -> WorkspaceRead:
    workspace = await WorkspaceRepository(session).get(ctx.workspace_id)
    if workspace is None:
        raise NotFound("Workspace not found.")
    return _read(workspace, ctx.role)


async def rename(session: AsyncSession, ctx: WorkspaceContext, name: str | None) -> WorkspaceRead:
    workspace = await WorkspaceRepository(session).get(ctx.workspace_id)
    if workspace is None:
        raise NotFound("Workspace not found.")
    if name is not None:
        workspace.name = name
        await session.flush()
    return _read(workspace, ctx.role)


async def list_members(session: AsyncSession, ctx: WorkspaceContext) -> list[MemberRead]:
    return [_member(m, u) for m, u in await MemberRepository(session).list(ctx.workspace_id)]


async def add_member(
    session: AsyncSession, ctx: WorkspaceContext, *, email: str, role: Role
) -> InvitationRead:
    """Invite `email`: whoever owns it joins by accepting, never by the admin's say-so.

    The answer is the same invitation whether or not the email has an account, so adding a
    member does not tell who is registered. A current member's email is refused: that much
    the admin sees in the members list anyway.
    """
    ensure_may_grant(ctx, role)
    if await MemberRepository(session).has_member_with_email(ctx.workspace_id, email):
        raise Conflict("This person is already a member of the workspace.", code="already_member")
    return await invitations.invite(session, ctx, email=email, role=role)


async def change_role(
    session: AsyncSession, ctx: WorkspaceContext, *, user_id: uuid.UUID, role: Role
) -> MemberRead:
    members = MemberRepository(session)
    member = await _existing_member(members, ctx, user_id)
    ensure_may_grant(ctx, member.role)
    ensure_may_grant(ctx, role)
    if member.role == Role.owner and role != Role.owner:
        await _ensure_another_owner(members, ctx.workspace_id)
    member.role = role
    await session.flush()
    user = await UserRepository(session).get(user_id)
    assert user is not None
    return _member(member, user)


async def remove_member(session: AsyncSession, ctx: WorkspaceContext, user_id: uuid.UUID) -> None:
    leaving_self = ctx.user_id == user_id
    if not leaving_self and not ctx.role.at_least(Role.admin):
        raise Forbidden("This needs the admin role or higher in the workspace.")
    members = MemberRepository(session)
    member = await _existing_member(members, ctx, user_id)
    if not leaving_self:
        ensure_may_grant(ctx, member.role)
    if member.role == Role.owner:
        await _ensure_another_owner(members, ctx.workspace_id)
    await members.delete(member)
    # Their API keys belong to them: they stop working with the membership, in this transaction.
    await api_keys.revoke_keys_of(session, ctx.workspace_id, user_id)


async def _existing_member(
    members: MemberRepository, ctx: WorkspaceContext, user_id: uuid.UUID
) -> Membership:
    member = await members.get_for_update(ctx.workspace_id, user_id)
    if member is None:
        raise NotFound("Member not found.")
    return member


async def _ensure_another_owner(members: MemberRepository, workspace_id: uuid.UUID) -> None:
    if await members.count_owners_for_update(workspace_id) <= 1:
        raise Conflict(
            "A workspace must keep at least one owner; make someone else owner first.",
            code="last_owner",
        )


def _read(workspace: Workspace, role: Role) -> WorkspaceRead:
    return WorkspaceRead(
        id=workspace.id, name=workspace.name, role=role, created_at=workspace.created_at
    )


def _member(member: Membership, user: User) -> MemberRead:
    return MemberRead(
        user_id=user.id,
        email=user.email,
        name=user.name,
        role=member.role,
        joined_at=member.created_at,
    )
