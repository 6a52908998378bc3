"""Integrations as records: config in clear, credentials encrypted and only ever shown masked."""

import uuid
from typing import Any

from pydantic import SecretStr
from sqlalchemy.ext.asyncio import AsyncSession

from backend.auth.deps import WorkspaceContext
from backend.integrations import crypto
from backend.integrations.repository import IntegrationRepository
from backend.integrations.schemas import IntegrationCreate, IntegrationRead, IntegrationUpdate
from backend.models import Integration, IntegrationStatus
from kit.errors import Conflict, NotFound

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
    integration = await _get(session, ctx.workspace_id, integration_id)
    if body.config is not None:
        integration.config = body.config
    if body.credentials is not None:
        integration.credentials_encrypted = _seal(body.credentials)
        integration.status = IntegrationStatus.connected
        integration.last_error = None
    if body.status is not None:
        integration.status = body.status
    await session.flush()
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


def _seal(credentials: dict[str, SecretStr]) -> str:
    return crypto.encrypt({name: value.get_secret_value() for name, value in credentials.items()})


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
