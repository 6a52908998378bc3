"""Connecting Notion: the token checked with Notion, the mapping checked against the chosen
databases' schemas, then stored (token encrypted) and a first full sync queued."""

import uuid

from sqlalchemy.ext.asyncio import AsyncSession

from backend.auth.deps import WorkspaceContext
from backend.config import settings
from backend.integrations.repository import IntegrationRepository
from backend.models import Integration, IntegrationStatus, IntegrationType
from backend.notion import checks, credentials, sync_queue
from backend.notion.repository import NotionRepository
from backend.notion.schemas import (
    NotionConnect,
    NotionConnectionRead,
    NotionSyncRunRead,
    NotionUpdate,
    VerificationTokenRead,
)
from backend.notion.values import timestamp
from kit.errors import Conflict, NotFound, UnprocessableEntity

WEBHOOK_PATH = "/api/v1/webhooks/notion/{integration_id}"
RUNS_LISTED = 20


async def connect(
    session: AsyncSession, ctx: WorkspaceContext, body: NotionConnect
) -> NotionConnectionRead:
    token = body.access_token.get_secret_value()
    mapping = checks.Mapping(
        body.deals_database_id,
        body.deal_properties,
        body.stage_aliases,
        body.notes_database_id,
        body.note_properties,
    )
    config = await checks.checked_config(session, ctx.workspace_id, token, mapping)
    integration = await IntegrationRepository(session).add_unless_type_exists(
        {
            "id": uuid.uuid4(),
            "workspace_id": ctx.workspace_id,
            "type": IntegrationType.notion,
            "status": IntegrationStatus.connected,
            "config": config,
            "credentials_encrypted": None,
        }
    )
    if integration is None:
        raise Conflict(
            "This workspace already has a Notion integration; change or delete it instead.",
            code="integration_exists",
        )
    credentials.store(integration, access_token=token)
    await session.flush()
    await sync_queue.queue(session, integration, trigger="connect")
    return await _read(session, integration)


async def read(session: AsyncSession, ctx: WorkspaceContext) -> NotionConnectionRead:
    return await _read(session, await _integration(session, ctx.workspace_id))


async def update(
    session: AsyncSession, ctx: WorkspaceContext, body: NotionUpdate
) -> NotionConnectionRead:
    integration = await _integration(session, ctx.workspace_id, for_update=True)
    sent = body.model_fields_set
    current = checks.stored_mapping(integration.config)
    notes_id = body.notes_database_id if "notes_database_id" in sent else current.notes_database_id
    note_properties = body.note_properties or (current.note_properties if notes_id else None)
    if notes_id is not None and note_properties is None:
        raise UnprocessableEntity(
            "A meeting-notes database needs note_properties.",
            code="notion_mapping_invalid",
            details=[{"field": "note_properties", "message": "required with notes_database_id"}],
        )
    mapping = checks.Mapping(
        body.deals_database_id or current.deals_database_id,
        body.deal_properties or current.deal_properties,
        body.stage_aliases if body.stage_aliases is not None else current.stage_aliases,
        notes_id,
        note_properties,
    )
    token = (
        body.access_token.get_secret_value()
        if body.access_token
        else str(credentials.read(integration).get("access_token") or "")
    )
    config = await checks.checked_config(session, ctx.workspace_id, token, mapping)
    # The webhook handshake belongs to the subscription, not to the mapping: keep it.
    integration.config = {**config, "handshake_at": integration.config.get("handshake_at")}
    credentials.store(integration, access_token=token)
    integration.status = IntegrationStatus.connected
    integration.last_error = None
    await session.flush()
    await sync_queue.queue(session, integration, trigger="settings")
    return await _read(session, integration)


async def disconnect(session: AsyncSession, ctx: WorkspaceContext) -> None:
    """Remove the integration and its secrets; synced deals and notes stay."""
    integration = await _integration(session, ctx.workspace_id)
    await IntegrationRepository(session).delete(integration)


async def verification_token(session: AsyncSession, ctx: WorkspaceContext) -> VerificationTokenRead:
    integration = await _integration(session, ctx.workspace_id)
    token = credentials.read(integration).get("verification_token")
    return VerificationTokenRead(
        verification_token=str(token) if token else None,
        received_at=timestamp(integration.config.get("handshake_at")),
    )


async def reset_verification(session: AsyncSession, ctx: WorkspaceContext) -> None:
    """Forget the verification token so the next subscription's handshake is accepted."""
    integration = await _integration(session, ctx.workspace_id, for_update=True)
    credentials.store(integration, verification_token=None)
    integration.config = {**integration.config, "handshake_at": None}
    await session.flush()


async def sync_now(session: AsyncSession, ctx: WorkspaceContext) -> NotionSyncRunRead:
    integration = await _integration(session, ctx.workspace_id)
    if integration.status == IntegrationStatus.disconnected:
        raise Conflict("The Notion integration is disconnected.", code="integration_disconnected")
    run = await sync_queue.queue(session, integration, trigger="manual")
    return NotionSyncRunRead.model_validate(run)


async def list_runs(session: AsyncSession, ctx: WorkspaceContext) -> list[NotionSyncRunRead]:
    await _integration(session, ctx.workspace_id)
    runs = await NotionRepository(session).runs(ctx.workspace_id, limit=RUNS_LISTED)
    return [NotionSyncRunRead.model_validate(r) for r in runs]


async def get_run(
    session: AsyncSession, ctx: WorkspaceContext, run_id: uuid.UUID
) -> NotionSyncRunRead:
    run = await NotionRepository(session).run(ctx.workspace_id, run_id)
    if run is None:
        raise NotFound("Sync run not found.")
    return NotionSyncRunRead.model_validate(run)


async def _integration(
    session: AsyncSession, workspace_id: uuid.UUID, *, for_update: bool = False
) -> Integration:
    integration = await NotionRepository(session).integration(workspace_id, for_update=for_update)
    if integration is None:
        raise NotFound("Notion is not connected to this workspace.", code="notion_not_connected")
    return integration


async def _read(session: AsyncSession, integration: Integration) -> NotionConnectionRead:
    secrets = credentials.read(integration)
    runs = await NotionRepository(session).runs(integration.workspace_id, limit=1)
    return NotionConnectionRead(
        integration_id=integration.id,
        status=integration.status,
        access_token=credentials.masked(secrets.get("access_token")),
        webhook_url=settings.public_base_url.rstrip("/")
        + WEBHOOK_PATH.format(integration_id=integration.id),
        webhook_verified=bool(secrets.get("verification_token")),
        handshake_at=timestamp(integration.config.get("handshake_at")),
        config=integration.config,
        last_synced_at=integration.last_synced_at,
        last_error=integration.last_error,
        latest_sync=NotionSyncRunRead.model_validate(runs[0]) if runs else None,
    )
