"""Connecting Notion: the token checked with Notion, the mapping checked against the chosen
databases' schemas, then stored (token encrypted) and a first full sync queued."""

import hmac
import uuid
from datetime import UTC, datetime

from sqlalchemy.ext.asyncio import AsyncSession

from backend.auth.deps import WorkspaceContext
from backend.config import settings
from backend.integrations.repository import IntegrationRepository
from backend.models import Integration, IntegrationStatus, IntegrationType, Role
from backend.models.integration import new_webhook_path_key
from backend.notion import checks, credentials, sync_queue
from backend.notion.repository import NotionRepository
from backend.notion.schemas import (
    NotionConnect,
    NotionConnectionRead,
    NotionSyncRunRead,
    NotionUpdate,
    VerificationConfirm,
    VerificationTokenRead,
)
from backend.notion.values import timestamp
from kit.errors import Conflict, NotFound, UnprocessableEntity

WEBHOOK_PATH = "/api/v1/webhooks/notion/{integration_id}/{path_key}"
ADMIN_ROLES = (Role.owner, Role.admin)
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
            "webhook_path_key": new_webhook_path_key(),
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
    return await _read(session, integration, ctx)


async def read(session: AsyncSession, ctx: WorkspaceContext) -> NotionConnectionRead:
    return await _read(session, await _integration(session, ctx.workspace_id), ctx)


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
    integration.config = {
        **config,
        **{k: integration.config.get(k) for k in ("handshake_at", "verification_confirmed_at")},
    }
    credentials.store(integration, access_token=token)
    integration.webhook_path_key = integration.webhook_path_key or new_webhook_path_key()
    integration.status = IntegrationStatus.connected
    integration.last_error = None
    await session.flush()
    await sync_queue.queue(session, integration, trigger="settings")
    return await _read(session, integration, ctx)


async def disconnect(session: AsyncSession, ctx: WorkspaceContext) -> None:
    """Remove the integration and its secrets; synced deals and notes stay."""
    integration = await _integration(session, ctx.workspace_id)
    await IntegrationRepository(session).delete(integration)


async def verification_token(session: AsyncSession, ctx: WorkspaceContext) -> VerificationTokenRead:
    return _verification(await _integration(session, ctx.workspace_id))


async def confirm_verification(
    session: AsyncSession, ctx: WorkspaceContext, body: VerificationConfirm
) -> VerificationTokenRead:
    """Make the pending token the signing key, if it is exactly the one the admin sent."""
    integration = await _integration(session, ctx.workspace_id, for_update=True)
    pending = credentials.pending_token(credentials.read(integration))
    if pending is None:
        raise Conflict(
            "No verification token is waiting: create (or resend) the subscription in Notion "
            "so that Notion sends one to the webhook URL.",
            code="no_pending_verification",
        )
    if not hmac.compare_digest(pending.encode(), body.verification_token.encode()):
        raise UnprocessableEntity(
            "This is not the verification token Notion sent to the webhook URL.",
            code="verification_token_mismatch",
            details=[
                {
                    "field": "body.verification_token",
                    "message": "does not match the pending token",
                    "type": "value_error",
                }
            ],
        )
    credentials.store(
        integration,
        **{
            credentials.CONFIRMED: pending,
            credentials.PENDING: None,
            credentials.LEGACY_PENDING: None,
        },
    )
    integration.config = {
        **integration.config,
        "verification_confirmed_at": datetime.now(UTC).isoformat(),
    }
    await session.flush()
    return _verification(integration)


async def reset_verification(session: AsyncSession, ctx: WorkspaceContext) -> None:
    """Forget the pending and confirmed tokens: events wait for a new confirmed handshake."""
    integration = await _integration(session, ctx.workspace_id, for_update=True)
    credentials.store(
        integration,
        **{
            credentials.CONFIRMED: None,
            credentials.PENDING: None,
            credentials.LEGACY_PENDING: None,
        },
    )
    integration.config = {
        **integration.config,
        "handshake_at": None,
        "verification_confirmed_at": None,
    }
    await session.flush()


def _verification(integration: Integration) -> VerificationTokenRead:
    secrets = credentials.read(integration)
    pending = credentials.pending_token(secrets)
    return VerificationTokenRead(
        verification_token=pending,
        received_at=timestamp(integration.config.get("handshake_at")) if pending else None,
        confirmed=credentials.confirmed_token(secrets) is not None,
        confirmed_at=timestamp(integration.config.get("verification_confirmed_at")),
    )


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


async def _read(
    session: AsyncSession, integration: Integration, ctx: WorkspaceContext
) -> NotionConnectionRead:
    secrets = credentials.read(integration)
    runs = await NotionRepository(session).runs(integration.workspace_id, limit=1)
    return NotionConnectionRead(
        integration_id=integration.id,
        status=integration.status,
        access_token=credentials.masked(secrets.get("access_token")),
        webhook_url=webhook_url(integration) if ctx.role in ADMIN_ROLES else None,
        webhook_verified=credentials.confirmed_token(secrets) is not None,
        verification_pending=credentials.pending_token(secrets) is not None,
        handshake_at=timestamp(integration.config.get("handshake_at")),
        config=integration.config,
        last_synced_at=integration.last_synced_at,
        last_error=integration.last_error,
        latest_sync=NotionSyncRunRead.model_validate(runs[0]) if runs else None,
    )


def webhook_url(integration: Integration) -> str | None:
    """The full URL Notion delivers to; None until the integration has a URL key."""
    if not integration.webhook_path_key:
        return None
    path = WEBHOOK_PATH.format(integration_id=integration.id, path_key=integration.webhook_path_key)
    return settings.public_base_url.rstrip("/") + path
