"""Integrations as records: config in clear, credentials encrypted and only ever shown masked."""

import uuid
from typing import Any

from pydantic import SecretStr
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from backend.auth.deps import WorkspaceContext
from backend.integrations import crypto, identity
from backend.integrations.repository import IntegrationRepository, is_portal_claimed
from backend.integrations.schemas import IntegrationCreate, IntegrationRead, IntegrationUpdate
from backend.models import Integration, IntegrationStatus
from kit.errors import Conflict, NotFound, UnprocessableEntity

MASK = "••••"
# Shorter secrets show no characters at all: four of them would give too much away.
MIN_CHARS_TO_HINT = 16


async def list_integrations(session: AsyncSession, ctx: WorkspaceContext) -> list[IntegrationRead]:
    return [_read(i) for i in await IntegrationRepository(session).list(ctx.workspace_id)]


async def get(
    session: AsyncSession, ctx: WorkspaceContext, integration_id: uuid.UUID
) -> IntegrationRead:
    return _read(await _get(session, ctx.workspace_id, integration_id))


async def create(
    session: AsyncSession, ctx: WorkspaceContext, body: IntegrationCreate
) -> IntegrationRead:
    _refuse_identity(body.config, body.credentials)
    integration = await IntegrationRepository(session).add_unless_type_exists(
        {
            "id": uuid.uuid4(),
            "workspace_id": ctx.workspace_id,
            "type": body.type,
            "status": IntegrationStatus.connected,
            "config": body.config,
            "credentials_encrypted": _seal(body.credentials),
        }
    )
    if integration is None:
        raise Conflict(
            f"This workspace already has a {body.type.value} integration; "
            "change or delete it instead.",
            code="integration_exists",
        )
    return _read(integration)


async def update(
    session: AsyncSession,
    ctx: WorkspaceContext,
    integration_id: uuid.UUID,
    body: IntegrationUpdate,
) -> IntegrationRead:
    _refuse_identity(body.config, body.credentials)
    integration = await _get(session, ctx.workspace_id, integration_id)
    if body.config is not None:
        # What the connect flows proved (portal, Notion databases, handshake) stays.
        integration.config = {**body.config, **identity.kept_config(integration.config)}
    if body.credentials is not None:
        integration.credentials_encrypted = _seal(
            body.credentials, keep=_identity_secrets(integration.credentials_encrypted)
        )
        integration.status = IntegrationStatus.connected
        integration.last_error = None
    if body.status is not None:
        integration.status = body.status
    portal_id = integration.hubspot_portal_id  # a failed flush expires the instance
    try:
        await session.flush()
    except IntegrityError as exc:
        if not is_portal_claimed(exc):
            raise
        # Reconnecting a portal that another workspace proved while this one was off.
        raise Conflict(
            f"HubSpot portal {portal_id} is connected to another workspace; it must be "
            "disconnected there first.",
            code="portal_connected_elsewhere",
        ) from exc
    return _read(integration)


async def delete(session: AsyncSession, ctx: WorkspaceContext, integration_id: uuid.UUID) -> None:
    integration = await _get(session, ctx.workspace_id, integration_id)
    await IntegrationRepository(session).delete(integration)


async def _get(
    session: AsyncSession, workspace_id: uuid.UUID, integration_id: uuid.UUID
) -> Integration:
    integration = await IntegrationRepository(session).get(workspace_id, integration_id)
    if integration is None:
        raise NotFound("Integration not found.")
    return integration


def _refuse_identity(
    config: dict[str, Any] | None, credentials: dict[str, SecretStr] | None
) -> None:
    problems = identity.problems(config, credentials)
    if problems:
        fields = ", ".join(p["field"] for p in problems)
        raise UnprocessableEntity(
            f"Vendor identity fields are set only by connecting the vendor: {fields}.",
            code="validation_error",
            details=problems,
        )


def _identity_secrets(token: str | None) -> dict[str, Any]:
    if token is None:
        return {}
    try:
        return identity.kept_credentials(crypto.decrypt(token))
    except crypto.UndecryptableSecret:
        return {}


def _seal(credentials: dict[str, SecretStr], *, keep: dict[str, Any] | None = None) -> str:
    return crypto.encrypt(
        {**{name: value.get_secret_value() for name, value in credentials.items()}, **(keep or {})}
    )


def _read(integration: Integration) -> IntegrationRead:
    return IntegrationRead(
        id=integration.id,
        type=integration.type,
        status=integration.status,
        config=integration.config,
        credentials=_masked(integration.credentials_encrypted),
        has_credentials=integration.credentials_encrypted is not None,
        last_synced_at=integration.last_synced_at,
        last_error=integration.last_error,
        created_at=integration.created_at,
        updated_at=integration.updated_at,
    )


def _masked(token: str | None) -> dict[str, str]:
    if token is None:
        return {}
    try:
        secret = crypto.decrypt(token)
    except crypto.UndecryptableSecret:
        # Still show that credentials exist; the sync reports the key problem as its error.
        return {}
    if not isinstance(secret, dict):
        return {}
    return {name: _mask(value) for name, value in secret.items()}


def _mask(value: Any) -> str:
    if isinstance(value, str) and len(value) >= MIN_CHARS_TO_HINT:
        return MASK + value[-4:]
    return MASK
