"""Workspace API keys: the secret is shown once and stored only as a hash.

A key belongs to the person who created it (a key created with a key belongs to that key's
creator): it acts with at most their current role in the workspace (see
backend/auth/deps.py), is revoked when they leave or are removed, and is refused once their
account is gone. Admins see every key of the workspace with its creator.
"""

import secrets
import uuid
from datetime import UTC, datetime

from sqlalchemy.ext.asyncio import AsyncSession

from backend.api_keys.repository import ApiKeyRepository
from backend.api_keys.schemas import ApiKeyCreated, ApiKeyRead
from backend.auth.deps import API_KEY_PREFIX, WorkspaceContext
from backend.auth.security import hash_secret
from backend.models import ApiKey, Role, User
from kit.errors import Forbidden, NotFound


async def create(
    session: AsyncSession, ctx: WorkspaceContext, *, name: str, role: Role
) -> ApiKeyCreated:
    # ctx.role is the caller's current role (a key's is already capped by its creator's).
    if role == Role.owner or not ctx.role.at_least(role):
        raise Forbidden("An API key can have at most your own role, and never owner.")
    creator_id = ctx.user_id or ctx.api_key_creator_id
    if creator_id is None:
        raise Forbidden("An API key needs a person it belongs to.")
    prefix = secrets.token_hex(4)
    secret = f"{API_KEY_PREFIX}{prefix}_{secrets.token_urlsafe(32)}"
    key = await ApiKeyRepository(session).add(
        ApiKey(
            workspace_id=ctx.workspace_id,
            created_by_id=creator_id,
            name=name,
            prefix=prefix,
            key_hash=hash_secret(secret),
            role=role,
        )
    )
    creator = await session.get(User, creator_id)
    return ApiKeyCreated(**_read(key, creator).model_dump(), secret=secret)


async def list_keys(session: AsyncSession, ctx: WorkspaceContext) -> list[ApiKeyRead]:
    return [
        _read(key, creator)
        for key, creator in await ApiKeyRepository(session).list(ctx.workspace_id)
    ]


async def revoke(session: AsyncSession, ctx: WorkspaceContext, key_id: uuid.UUID) -> None:
    key = await ApiKeyRepository(session).get(ctx.workspace_id, key_id)
    if key is None:
        raise NotFound("API key not found.")
    if key.revoked_at is None:
        key.revoked_at = datetime.now(UTC)
        await session.flush()


async def revoke_keys_of(
    session: AsyncSession, workspace_id: uuid.UUID, user_id: uuid.UUID
) -> None:
    """The member is leaving the workspace: their keys stop working (same transaction)."""
    await ApiKeyRepository(session).revoke_created_by(workspace_id, user_id, datetime.now(UTC))


def _read(key: ApiKey, creator: User | None) -> ApiKeyRead:
    return ApiKeyRead(
        id=key.id,
        name=key.name,
        prefix=key.prefix,
        role=key.role,
        created_at=key.created_at,
        last_used_at=key.last_used_at,
        revoked_at=key.revoked_at,
        created_by_id=creator.id if creator else None,
        created_by_name=creator.name if creator else None,
        created_by_email=creator.email if creator else None,
    )
