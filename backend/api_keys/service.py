"""Workspace API keys: the secret is shown once and stored only as a hash."""

import secrets
import uuid
from datetime import UTC, datetime

from sqlalchemy.ext.asyncio import AsyncSession

from backend.api_keys.repository import ApiKeyRepository
from backend.api_keys.schemas import ApiKeyCreated, ApiKeyRead
from backend.auth.deps import API_KEY_PREFIX, WorkspaceContext
from backend.auth.security import hash_secret
from backend.models import ApiKey, Role
from kit.errors import Forbidden, NotFound


async def create(
    session: AsyncSession, ctx: WorkspaceContext, *, name: str, role: Role
) -> ApiKeyCreated:
    if role == Role.owner or not ctx.role.at_least(role):
        raise Forbidden("An API key can have at most your own role, and never owner.")
    prefix = secrets.token_hex(4)
    secret = f"{API_KEY_PREFIX}{prefix}_{secrets.token_urlsafe(32)}"
    key = await ApiKeyRepository(session).add(
        ApiKey(
            workspace_id=ctx.workspace_id,
            created_by_id=ctx.user_id,
            name=name,
            prefix=prefix,
            key_hash=hash_secret(secret),
            role=role,
        )
    )
    return ApiKeyCreated(**ApiKeyRead.model_validate(key).model_dump(), secret=secret)


async def list_keys(session: AsyncSession, ctx: WorkspaceContext) -> list[ApiKeyRead]:
    keys = await ApiKeyRepository(session).list(ctx.workspace_id)
    return [ApiKeyRead.model_validate(k) for k in keys]


async def revoke(session: AsyncSession, ctx: WorkspaceContext, key_id: uuid.UUID) -> None:
    key = await ApiKeyRepository(session).get(ctx.workspace_id, key_id)
    if key is None:
        raise NotFound("API key not found.")
    if key.revoked_at is None:
        key.revoked_at = datetime.now(UTC)
        await session.flush()
