import uuid

from fastapi import APIRouter, status

from backend.auth.deps import CurrentUser, WorkspaceAdmin, WorkspaceViewer
from backend.db import SessionDep
from backend.invitations import service
from backend.invitations.schemas import InvitationAccept, InvitationRead
from backend.workspaces.schemas import WorkspaceRead

router = APIRouter(prefix="/api/v1/workspaces/{workspace_id}/invitations", tags=["workspaces"])
accept_router = APIRouter(prefix="/api/v1/invitations", tags=["workspaces"])


@router.get("", response_model=list[InvitationRead])
async def list_invitations(ctx: WorkspaceViewer, session: SessionDep) -> list[InvitationRead]:
    """Pending invitations, newest first; admins also see each link not mailed yet."""
    return await service.list_pending(session, ctx)


@router.delete("/{invitation_id}", status_code=status.HTTP_204_NO_CONTENT)
async def revoke_invitation(
    invitation_id: uuid.UUID, ctx: WorkspaceAdmin, session: SessionDep
) -> None:
    """Revoke a pending invitation (admin; an owner invitation only by an owner)."""
    await service.revoke(session, ctx, invitation_id)


@accept_router.post(
    "/accept",
    response_model=WorkspaceRead,
    responses={
        status.HTTP_404_NOT_FOUND: {
            "description": "Unknown, expired, revoked or used link, or another account's.",
        }
    },
)
async def accept_invitation(
    body: InvitationAccept, user: CurrentUser, session: SessionDep
) -> WorkspaceRead:
    """Accept an invitation link sent to your account's email: you join its workspace."""
    return await service.accept(session, user, body.token)
