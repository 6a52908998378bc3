import uuid
from typing import Annotated

from fastapi import APIRouter, Query, status

from backend.auth.deps import WorkspaceAdmin, WorkspaceViewer
from backend.db import SessionDep
from backend.hubspot import service
from backend.hubspot.schemas import (
    AuthorizeUrl,
    HubspotStatus,
    OAuthCallback,
    PrivateAppConnect,
    SyncRequest,
    SyncRun,
)
from kit.schemas import Page

# Mounted by backend.integrations.router, before its `/{integration_id}` routes.
router = APIRouter(prefix="/hubspot", tags=["hubspot"])


@router.get("", response_model=HubspotStatus)
async def read_hubspot(ctx: WorkspaceViewer, session: SessionDep) -> HubspotStatus:
    """HubSpot connection: status, portal, last sync and its error, webhook URL, latest run."""
    return await service.status(session, ctx)


@router.post("/private-app", status_code=status.HTTP_201_CREATED, response_model=HubspotStatus)
async def connect_private_app(
    body: PrivateAppConnect, ctx: WorkspaceAdmin, session: SessionDep
) -> HubspotStatus:
    """Connect with a private app token (checked against HubSpot); queues the first backfill."""
    return await service.connect_private_app(session, ctx, body)


@router.get("/oauth/authorize", response_model=AuthorizeUrl)
async def oauth_authorize(ctx: WorkspaceAdmin) -> AuthorizeUrl:
    """Start "Connect with HubSpot": the consent URL, its state bound to you and this workspace."""
    return service.authorize_url(ctx)


@router.post("/oauth/callback", status_code=status.HTTP_201_CREATED, response_model=HubspotStatus)
async def oauth_callback(
    body: OAuthCallback, ctx: WorkspaceAdmin, session: SessionDep
) -> HubspotStatus:
    """Finish OAuth: post the `code` and `state` HubSpot redirected with; queues the backfill."""
    return await service.complete_oauth(session, ctx, body)


@router.post("/sync", status_code=status.HTTP_202_ACCEPTED, response_model=SyncRun)
async def sync_now(
    ctx: WorkspaceAdmin, session: SessionDep, body: SyncRequest | None = None
) -> SyncRun:
    """Sync now: queue a sync (or return the one already queued or running)."""
    return await service.sync_now(session, ctx, body or SyncRequest())


@router.get("/sync-runs", response_model=Page[SyncRun])
async def list_sync_runs(
    ctx: WorkspaceViewer,
    session: SessionDep,
    limit: Annotated[int, Query(ge=1, le=100)] = 20,
    cursor: str | None = None,
) -> Page[SyncRun]:
    """The sync log, newest first: status, phase, counts, skipped records, error."""
    return await service.list_runs(session, ctx, limit=limit, cursor=cursor)


@router.get("/sync-runs/{run_id}", response_model=SyncRun)
async def read_sync_run(run_id: uuid.UUID, ctx: WorkspaceViewer, session: SessionDep) -> SyncRun:
    """One sync run, for following its progress."""
    return await service.get_run(session, ctx, run_id)


@router.delete("", status_code=status.HTTP_204_NO_CONTENT)
async def disconnect(ctx: WorkspaceAdmin, session: SessionDep) -> None:
    """Disconnect: the tokens are deleted and syncing stops; synced deals stay."""
    await service.disconnect(session, ctx)
