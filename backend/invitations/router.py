import uuid

from fastapi import APIRouter, status

from backend.auth.deps import WorkspaceAdmin, WorkspaceViewer
from backend.db import SessionDep
from backend.invitations import service
from backend.invitations.schemas import InvitationRead

router = APIRouter(prefix="/api/v1/workspaces/{workspace_id}/invitations", tags=["workspaces"])


@router.get("", response_model=list[InvitationRead])
async def list_invitations(ctx: WorkspaceViewer, session: SessionDep) -> list[InvitationRead]:
    """Pending invitations (people who join when they register), newest first."""
    return await service.list_pending(session, ctx)


@router.delete("/{invitation_id}", status_code=status.HTTP_204_NO_CONTENT)
async def revoke_invitation(
    invitation_id: uuid.UUID, ctx: WorkspaceAdmin, session: SessionDep
) -> None:
    """Revoke a pending invitation (admin; an owner invitation only by an owner)."""
    await service.revoke(session, ctx, invitation_id)
