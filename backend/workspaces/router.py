import uuid

from fastapi import APIRouter, status

from backend.auth.deps import CurrentUser, WorkspaceAdmin, WorkspaceViewer
from backend.db import SessionDep
from backend.invitations.schemas import InvitationRead
from backend.workspaces import service
from backend.workspaces.schemas import (
    MemberCreate,
    MemberRead,
    MemberUpdate,
    WorkspaceCreate,
    WorkspaceRead,
    WorkspaceUpdate,
)

router = APIRouter(prefix="/api/v1/workspaces", tags=["workspaces"])


@router.post("", status_code=status.HTTP_201_CREATED, response_model=WorkspaceRead)
async def create_workspace(
    body: WorkspaceCreate, user: CurrentUser, session: SessionDep
) -> WorkspaceRead:
    """Create a workspace; you become its owner."""
    return await service.create(session, owner=user, name=body.name)


@router.get("", response_model=list[WorkspaceRead])
async def list_workspaces(user: CurrentUser, session: SessionDep) -> list[WorkspaceRead]:
    """The workspaces you belong to, with your role in each."""
    return await service.list_for(session, user)


@router.get("/{workspace_id}", response_model=WorkspaceRead)
async def read_workspace(ctx: WorkspaceViewer, session: SessionDep) -> WorkspaceRead:
    """One workspace."""
    return await service.get(session, ctx)


@router.patch("/{workspace_id}", response_model=WorkspaceRead)
async def update_workspace(
    body: WorkspaceUpdate, ctx: WorkspaceAdmin, session: SessionDep
) -> WorkspaceRead:
    """Rename a workspace (admin)."""
    return await service.rename(session, ctx, body.name)


@router.get("/{workspace_id}/members", response_model=list[MemberRead])
async def list_members(ctx: WorkspaceViewer, session: SessionDep) -> list[MemberRead]:
    """Members and their roles."""
    return await service.list_members(session, ctx)


@router.post(
    "/{workspace_id}/members",
    status_code=status.HTTP_202_ACCEPTED,
    response_model=InvitationRead,
)
async def add_member(
    body: MemberCreate, ctx: WorkspaceAdmin, session: SessionDep
) -> InvitationRead:
    """Invite someone by email (admin): they join with the role once they accept the link.

    The answer is the same whether or not the email has an account. Inviting a pending
    email again sends a fresh link (and sets the new role).
    """
    return await service.add_member(session, ctx, email=body.email, role=body.role)


@router.patch("/{workspace_id}/members/{user_id}", response_model=MemberRead)
async def change_member_role(
    user_id: uuid.UUID, body: MemberUpdate, ctx: WorkspaceAdmin, session: SessionDep
) -> MemberRead:
    """Change a member's role (admin; owner role only by an owner)."""
    return await service.change_role(session, ctx, user_id=user_id, role=body.role)


@router.delete("/{workspace_id}/members/{user_id}", status_code=status.HTTP_204_NO_CONTENT)
async def remove_member(user_id: uuid.UUID, ctx: WorkspaceViewer, session: SessionDep) -> None:
    """Remove a member (admin), or leave the workspace yourself."""
    await service.remove_member(session, ctx, user_id)
