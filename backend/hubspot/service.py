"""Connecting a workspace to HubSpot, disconnecting it, and queueing its syncs."""

import uuid
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlencode

from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from backend.auth.deps import WorkspaceContext
from backend.config import settings
from backend.db import session_factory
from backend.hubspot import credentials, oauth_state
from backend.hubspot.client import (
    HubSpotAuthError,
    HubSpotClient,
    HubSpotError,
    Tokens,
    exchange_code,
    token_info,
)
from backend.hubspot.repository import HubspotSyncRepository
from backend.hubspot.schemas import (
    AuthorizeUrl,
    HubspotStatus,
    OAuthCallback,
    PrivateAppConnect,
    SyncRequest,
    SyncRun,
)
from backend.integrations.repository import is_portal_claimed
from backend.models import (
    HubspotSyncRun,
    Integration,
    IntegrationStatus,
    IntegrationType,
    RunStatus,
)
from backend.worker.app import defer
from kit.errors import BadRequest, Conflict, NotFound, ServiceUnavailable
from kit.pagination import cursor_datetime, cursor_uuid, decode_cursor, encode_cursor
from kit.schemas import Page

WEBHOOK_PATH = "/api/v1/webhooks/hubspot"


async def status(session: AsyncSession, ctx: WorkspaceContext) -> HubspotStatus:
    integration = await HubspotSyncRepository(session).integration(ctx.workspace_id)
    latest = await HubspotSyncRepository(session).latest_run(ctx.workspace_id)
    shown = HubspotStatus(
        connected=False,
        webhook_url=settings.public_base_url.rstrip("/") + WEBHOOK_PATH,
        oauth_available=bool(settings.hubspot_client_id and settings.hubspot_client_secret),
        latest_run=SyncRun.model_validate(latest) if latest else None,
    )
    if integration is None:
        return shown
    config = integration.config
    return shown.model_copy(
        update={
            "connected": integration.status != IntegrationStatus.disconnected,
            "integration_id": integration.id,
            "status": integration.status,
            "auth": config.get("auth") if integration.hubspot_portal_id is not None else None,
            "portal_id": integration.hubspot_portal_id,
            "owners_mapped": len(config.get("owner_map") or {}),
            "last_synced_at": integration.last_synced_at,
            "last_error": integration.last_error,
        }
    )


async def connect_private_app(
    session: AsyncSession, ctx: WorkspaceContext, body: PrivateAppConnect
) -> HubspotStatus:
    """Check the token against HubSpot, store it sealed, and queue the first backfill."""
    tokens = Tokens(access_token=body.access_token.get_secret_value())
    details = await _account(tokens)
    webhook_secret = body.client_secret.get_secret_value() if body.client_secret else None
    await _connect(
        session, ctx, tokens, auth="private_app", details=details, webhook_secret=webhook_secret
    )
    return await status(session, ctx)


def authorize_url(ctx: WorkspaceContext) -> AuthorizeUrl:
    if not (settings.hubspot_client_id and settings.hubspot_client_secret):
        raise BadRequest(
            "HubSpot OAuth is not configured on this server (HUBSPOT_CLIENT_ID); "
            "connect with a private app token instead.",
            code="oauth_not_configured",
        )
    state, expires = oauth_state.issue(ctx.workspace_id, ctx.user_id)
    query = urlencode(
        {
            "client_id": settings.hubspot_client_id,
            "redirect_uri": settings.hubspot_oauth_redirect_url,
            "scope": settings.hubspot_oauth_scopes,
            "state": state,
        }
    )
    return AuthorizeUrl(
        authorize_url=f"{settings.hubspot_authorize_url}?{query}",
        redirect_url=settings.hubspot_oauth_redirect_url,
        state_expires_at=expires,
    )


async def complete_oauth(
    session: AsyncSession, ctx: WorkspaceContext, body: OAuthCallback
) -> HubspotStatus:
    """Exchange the code for tokens (POST /oauth/v1/token), then connect as with a token."""
    oauth_state.check(body.state, ctx.workspace_id, ctx.user_id)
    try:
        tokens = await exchange_code(body.code)
        info = await token_info(tokens.access_token)
    except HubSpotAuthError as exc:
        raise BadRequest(
            f"HubSpot refused the authorization code: {exc}", code="hubspot_rejected"
        ) from exc
    except HubSpotError as exc:
        raise ServiceUnavailable(str(exc), code="hubspot_unavailable") from exc
    details = await _account(tokens)
    hub_id = info.get("hub_id")
    if details.get("portalId") is None:
        details["portalId"] = hub_id
    elif hub_id is not None and str(hub_id) != str(details["portalId"]):
        raise BadRequest(
            "HubSpot named two different portals for this token; connect again.",
            code="hubspot_rejected",
        )
    await _connect(session, ctx, tokens, auth="oauth", details=details)
    return await status(session, ctx)


async def sync_now(session: AsyncSession, ctx: WorkspaceContext, body: SyncRequest) -> SyncRun:
    """Queue a sync, or give the one already queued or running."""
    integration = await _connected(session, ctx.workspace_id)
    run = await start_run(session, integration, kind=body.kind, trigger="manual")
    return SyncRun.model_validate(run)


async def disconnect(session: AsyncSession, ctx: WorkspaceContext) -> None:
    """Forget the tokens and stop syncing; synced deals and the sync log stay."""
    repository = HubspotSyncRepository(session)
    integration = await repository.integration(ctx.workspace_id, for_update=True)
    if integration is None or integration.status == IntegrationStatus.disconnected:
        raise NotFound("HubSpot is not connected.", code="hubspot_not_connected")
    integration.status = IntegrationStatus.disconnected
    integration.credentials_encrypted = None
    integration.sync_checkpoint = None
    active = await repository.active_run(integration.id)
    if active is not None:
        active.status, active.finished_at = RunStatus.failed, datetime.now(UTC)
        active.error = "HubSpot was disconnected"
    await session.flush()


async def list_runs(
    session: AsyncSession, ctx: WorkspaceContext, *, limit: int, cursor: str | None
) -> Page[SyncRun]:
    after = None
    if cursor:
        created_at, run_id = decode_cursor(cursor, cursor_datetime, cursor_uuid)
        after = (created_at, run_id)
    repository = HubspotSyncRepository(session)
    runs = await repository.page_runs(ctx.workspace_id, limit=limit + 1, after=after)
    more = len(runs) > limit
    runs = runs[:limit]
    return Page(
        items=[SyncRun.model_validate(r) for r in runs],
        total=await repository.count_runs(ctx.workspace_id),
        next_cursor=encode_cursor([runs[-1].created_at, runs[-1].id]) if more else None,
    )


async def get_run(session: AsyncSession, ctx: WorkspaceContext, run_id: uuid.UUID) -> SyncRun:
    run = await HubspotSyncRepository(session).run(ctx.workspace_id, run_id)
    if run is None:
        raise NotFound("Sync run not found.")
    return SyncRun.model_validate(run)


async def start_run(
    session: AsyncSession, integration: Integration, *, kind: str, trigger: str
) -> HubspotSyncRun:
    """A queued run and its job, in the caller's transaction; the active run if there is one."""
    from backend.worker.hubspot_tasks import sync_hubspot  # the task module imports this one

    repository = HubspotSyncRepository(session)
    active = await repository.active_run(integration.id)
    if active is not None:
        return active
    run = await repository.add_run(
        HubspotSyncRun(
            id=uuid.uuid4(),
            workspace_id=integration.workspace_id,
            integration_id=integration.id,
            kind=kind,
            trigger=trigger,
            status=RunStatus.queued,
            counts={},
            problems=[],
            attempts=0,
        )
    )
    await defer(
        session,
        sync_hubspot,
        lock=f"hubspot_sync:{integration.id}",
        workspace_id=str(integration.workspace_id),
        run_id=str(run.id),
    )
    return run


async def schedule_incremental_syncs() -> int:
    """Queue an incremental sync for every connected workspace not syncing already."""
    queued = 0
    async with session_factory()() as session:
        repository = HubspotSyncRepository(session)
        for integration in await repository.connected_integrations():
            if await repository.active_run(integration.id) is not None:
                continue
            kind = "incremental" if integration.sync_watermark else "backfill"
            await start_run(session, integration, kind=kind, trigger="schedule")
            queued += 1
        await session.commit()
    return queued


async def _connected(session: AsyncSession, workspace_id: uuid.UUID) -> Integration:
    integration = await HubspotSyncRepository(session).integration(workspace_id, for_update=True)
    if (
        integration is None
        or integration.status == IntegrationStatus.disconnected
        or integration.credentials_encrypted is None
    ):
        raise NotFound("HubSpot is not connected.", code="hubspot_not_connected")
    return integration


async def _account(tokens: Tokens) -> dict[str, Any]:
    try:
        async with HubSpotClient(tokens) as client:
            return await client.account_details()
    except HubSpotAuthError as exc:
        raise BadRequest(
            f"HubSpot did not accept this token: {exc}", code="hubspot_rejected"
        ) from exc
    except HubSpotError as exc:
        raise ServiceUnavailable(str(exc), code="hubspot_unavailable") from exc


async def _connect(
    session: AsyncSession,
    ctx: WorkspaceContext,
    tokens: Tokens,
    *,
    auth: str,
    details: dict[str, Any],
    webhook_secret: str | None = None,
) -> Integration:
    # The portal comes from HubSpot's answer for this token, never from the request.
    portal_id = _portal(details.get("portalId"))
    repository = HubspotSyncRepository(session)
    integration = await repository.integration(ctx.workspace_id, for_update=True)
    if await repository.portal_claimed_by_another(
        integration.id if integration else None, portal_id
    ):
        raise _portal_conflict(portal_id)
    config = {"auth": auth, "currency": str(details.get("companyCurrency") or "USD").upper()}
    if integration is None:
        integration = repository.add_integration(
            Integration(
                id=uuid.uuid4(),
                workspace_id=ctx.workspace_id,
                type=IntegrationType.hubspot,
                status=IntegrationStatus.connected,
                config=config,
            )
        )
    elif integration.hubspot_portal_id == portal_id:
        integration.config = {**integration.config, **config}
    else:  # another portal (or none proven yet): nothing of the old sync state applies
        integration.config = config
        integration.sync_checkpoint = None
        integration.sync_watermark = None
    integration.hubspot_portal_id = portal_id
    integration.credentials_encrypted = credentials.seal(tokens, webhook_secret=webhook_secret)
    integration.status = IntegrationStatus.connected
    integration.last_error = None
    try:
        await session.flush()
    except IntegrityError as exc:  # another workspace proved it at the same moment
        if not is_portal_claimed(exc):
            raise
        raise _portal_conflict(portal_id) from exc
    await start_run(session, integration, kind="backfill", trigger="connect")
    return integration


def _portal(value: Any) -> int:
    try:
        portal_id = int(value)
    except (TypeError, ValueError):
        portal_id = 0
    if not 0 < portal_id < 2**63:
        raise ServiceUnavailable(
            "HubSpot did not say which portal the token belongs to.", code="hubspot_unavailable"
        )
    return portal_id


def _portal_conflict(portal_id: int) -> Conflict:
    return Conflict(
        f"HubSpot portal {portal_id} is already connected to a workspace; it must be "
        "disconnected there first.",
        code="portal_connected_elsewhere",
    )
