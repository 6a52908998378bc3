import uuid

from fastapi import APIRouter, status

from backend.api_keys import service
from backend.api_keys.schemas import ApiKeyCreate, ApiKeyCreated, ApiKeyRead
from backend.auth.deps import WorkspaceAdmin
from backend.db import SessionDep

router = APIRouter(prefix="/api/v1/workspaces/{workspace_id}/api-keys", tags=["api keys"])


@router.post("", status_code=status.HTTP_201_CREATED, response_model=ApiKeyCreated)
async def create_api_key(
    body: ApiKeyCreate, ctx: WorkspaceAdmin, session: SessionDep
) -> ApiKeyCreated:
    """Create an API key; its secret is in this response only."""
    return await service.create(session, ctx, name=body.name, role=body.role)


@router.get("", response_model=list[ApiKeyRead])
async def list_api_keys(ctx: WorkspaceAdmin, session: SessionDep) -> list[ApiKeyRead]:
    """API keys of the workspace (prefix, name, last use; never the secret)."""
    return await service.list_keys(session, ctx)


@router.delete("/{key_id}", status_code=status.HTTP_204_NO_CONTENT)
async def revoke_api_key(key_id: uuid.UUID, ctx: WorkspaceAdmin, session: SessionDep) -> None:
    """Revoke an API key: it stops working at once."""
    await service.revoke(session, ctx, key_id)
