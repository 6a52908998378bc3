import uuid

from fastapi import APIRouter, status

from backend.auth.deps import WorkspaceAdmin, WorkspaceViewer
from backend.db import SessionDep
from backend.hubspot.router import router as hubspot_router
from backend.integrations import service
from backend.integrations.schemas import IntegrationCreate, IntegrationRead, IntegrationUpdate
from backend.notion.router import router as notion_router

router = APIRouter(prefix="/api/v1/workspaces/{workspace_id}/integrations", tags=["integrations"])
# First, so `/hubspot` and `/notion` are not taken for an `{integration_id}`.
router.include_router(hubspot_router)
router.include_router(notion_router)


@router.get("", response_model=list[IntegrationRead])
async def list_integrations(ctx: WorkspaceViewer, session: SessionDep) -> list[IntegrationRead]:
    """Connected outside systems (HubSpot, Notion); credentials appear masked."""
    return await service.list_integrations(session, ctx)


@router.post("", status_code=status.HTTP_201_CREATED, response_model=IntegrationRead)
async def create_integration(
    body: IntegrationCreate, ctx: WorkspaceAdmin, session: SessionDep
) -> IntegrationRead:
    """Connect HubSpot or Notion; credentials are encrypted and never shown again in clear."""
    return await service.create(session, ctx, body)


@router.get("/{integration_id}", response_model=IntegrationRead)
async def read_integration(
    integration_id: uuid.UUID, ctx: WorkspaceViewer, session: SessionDep
) -> IntegrationRead:
    """One integration: status, config, last sync and last error."""
    return await service.get(session, ctx, integration_id)


@router.patch("/{integration_id}", response_model=IntegrationRead)
async def update_integration(
    integration_id: uuid.UUID, body: IntegrationUpdate, ctx: WorkspaceAdmin, session: SessionDep
) -> IntegrationRead:
    """Change config, replace credentials, or connect/disconnect."""
    return await service.update(session, ctx, integration_id, body)


@router.delete("/{integration_id}", status_code=status.HTTP_204_NO_CONTENT)
async def delete_integration(
    integration_id: uuid.UUID, ctx: WorkspaceAdmin, session: SessionDep
) -> None:
    """Remove an integration and its stored credentials."""
    await service.delete(session, ctx, integration_id)
