"""Notion: the connection settings of a workspace, and the webhook Notion delivers to.

Settings live under `/integrations/notion/...` with a second path segment, so they never
collide with the generic `/integrations/{integration_id}` routes.
"""

import uuid

from fastapi import APIRouter, Request, Response, status
from fastapi.responses import JSONResponse

from backend.auth.deps import WorkspaceAdmin, WorkspaceViewer
from backend.db import SessionDep
from backend.notion import receiving, service
from backend.notion.schemas import (
    NotionConnect,
    NotionConnectionRead,
    NotionSyncRunRead,
    NotionUpdate,
    VerificationConfirm,
    VerificationTokenRead,
)

router = APIRouter(prefix="/notion", tags=["notion"])
webhook_router = APIRouter(prefix="/api/v1/webhooks", tags=["webhooks"])


@router.post("", status_code=status.HTTP_201_CREATED, response_model=NotionConnectionRead)
async def connect_notion(
    body: NotionConnect, ctx: WorkspaceAdmin, session: SessionDep
) -> NotionConnectionRead:
    """Connect Notion: token and property mapping checked with Notion, then a first sync."""
    return await service.connect(session, ctx, body)


@router.get("/connection", response_model=NotionConnectionRead)
async def read_notion_connection(ctx: WorkspaceViewer, session: SessionDep) -> NotionConnectionRead:
    """The Notion connection: status, mapping, webhook URL, last sync; the token masked."""
    return await service.read(session, ctx)


@router.patch("/connection", response_model=NotionConnectionRead)
async def update_notion_connection(
    body: NotionUpdate, ctx: WorkspaceAdmin, session: SessionDep
) -> NotionConnectionRead:
    """Replace the token, the databases or the mapping (checked again), then sync again."""
    return await service.update(session, ctx, body)


@router.delete("/connection", status_code=status.HTTP_204_NO_CONTENT)
async def disconnect_notion(ctx: WorkspaceAdmin, session: SessionDep) -> None:
    """Disconnect Notion and forget its tokens; synced deals and notes stay."""
    await service.disconnect(session, ctx)


@router.get("/verification-token", response_model=VerificationTokenRead)
async def read_notion_verification_token(
    ctx: WorkspaceAdmin, session: SessionDep
) -> VerificationTokenRead:
    """The webhook handshake's verification token, to paste into Notion (admins only)."""
    return await service.verification_token(session, ctx)


@router.post("/verification-token/confirm", response_model=VerificationTokenRead)
async def confirm_notion_verification_token(
    body: VerificationConfirm, ctx: WorkspaceAdmin, session: SessionDep
) -> VerificationTokenRead:
    """Confirm the token you pasted into Notion: from then on events are accepted."""
    return await service.confirm_verification(session, ctx, body)


@router.delete("/verification-token", status_code=status.HTTP_204_NO_CONTENT)
async def reset_notion_verification_token(ctx: WorkspaceAdmin, session: SessionDep) -> None:
    """Forget the verification token so a new webhook subscription can be verified."""
    await service.reset_verification(session, ctx)


@router.post("/sync-runs", status_code=status.HTTP_202_ACCEPTED, response_model=NotionSyncRunRead)
async def sync_notion_now(ctx: WorkspaceAdmin, session: SessionDep) -> NotionSyncRunRead:
    """Sync now: queue a full read of the mapped databases (or join the one waiting)."""
    return await service.sync_now(session, ctx)


@router.get("/sync-runs", response_model=list[NotionSyncRunRead])
async def list_notion_sync_runs(
    ctx: WorkspaceViewer, session: SessionDep
) -> list[NotionSyncRunRead]:
    """The latest sync runs, newest first, with their progress and errors."""
    return await service.list_runs(session, ctx)


@router.get("/sync-runs/{run_id}", response_model=NotionSyncRunRead)
async def read_notion_sync_run(
    run_id: uuid.UUID, ctx: WorkspaceViewer, session: SessionDep
) -> NotionSyncRunRead:
    """One sync run: status, the database being read, pages done and failed."""
    return await service.get_run(session, ctx, run_id)


@webhook_router.post("/notion/{integration_id}/{path_key}")
async def notion_webhook(
    integration_id: str, path_key: str, request: Request, session: SessionDep
) -> Response:
    """Notion's deliveries: the handshake (kept until an admin confirms its token), then
    events signed with the confirmed token, stored once and processed later."""
    body = await request.body()
    outcome = await receiving.receive(
        session, integration_id, path_key, body, request.headers.get("x-notion-signature")
    )
    # Committed before answering: a 2xx must mean the event is stored; a failure here is
    # a 5xx, which Notion retries.
    await session.commit()
    return JSONResponse({"status": outcome})
