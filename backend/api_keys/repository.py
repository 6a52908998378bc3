"""Queries for workspace API keys."""

import uuid
from datetime import UTC, datetime, timedelta

from sqlalchemy import and_, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from backend.models import ApiKey, Membership, Role, User

# `last_used_at` is a hint for the owner, not an audit log: writing it on every call would
# make every request of a busy key wait on the same row lock until the previous one commits.
TOUCH_EVERY = timedelta(minutes=1)


class ApiKeyRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def get_active_by_prefix(self, prefix: str) -> tuple[ApiKey, Role | None] | None:
        """An unrevoked key and its creator's current role in the key's workspace (None when
        the creator is no member, or the account is gone)."""
        row = (
            await self.session.execute(
                select(ApiKey, Membership.role)
                .outerjoin(
                    Membership,
                    and_(
                        Membership.workspace_id == ApiKey.workspace_id,
                        Membership.user_id == ApiKey.created_by_id,
                    ),
                )
                .where(ApiKey.prefix == prefix, ApiKey.revoked_at.is_(None))
            )
        ).first()
        return None if row is None else (row[0], row[1])

    async def get(self, workspace_id: uuid.UUID, key_id: uuid.UUID) -> ApiKey | None:
        return await self.session.scalar(
            select(ApiKey).where(ApiKey.workspace_id == workspace_id, ApiKey.id == key_id)
        )

    async def list(self, workspace_id: uuid.UUID) -> list[tuple[ApiKey, User | None]]:
        """The workspace's keys, newest first, each with its creator (None once deleted)."""
        rows = await self.session.execute(
            select(ApiKey, User)
            .outerjoin(User, User.id == ApiKey.created_by_id)
            .where(ApiKey.workspace_id == workspace_id)
            .order_by(ApiKey.created_at.desc(), ApiKey.id)
        )
        return [(key, user) for key, user in rows.all()]

    async def add(self, key: ApiKey) -> ApiKey:
        self.session.add(key)
        await self.session.flush()
        return key

    async def touch(self, key: ApiKey) -> None:
        """Record a use at most once a minute, never waiting for another request's lock."""
        now = datetime.now(UTC)
        if key.last_used_at is not None and key.last_used_at > now - TOUCH_EVERY:
            return
        stale = or_(ApiKey.last_used_at.is_(None), ApiKey.last_used_at <= now - TOUCH_EVERY)
        claimable = (
            select(ApiKey.id)
            .where(ApiKey.id == key.id, stale)
            .with_for_update(skip_locked=True)
            .scalar_subquery()
        )
        await self.session.execute(
            update(ApiKey)
            .where(ApiKey.id == claimable)
            .values(last_used_at=now)
            .execution_options(synchronize_session=False)
        )

    async def revoke_created_by(
        self, workspace_id: uuid.UUID, user_id: uuid.UUID, when: datetime
    ) -> None:
        """Revoke every key the user created in the workspace (they are leaving it)."""
        await self.session.execute(
            update(ApiKey)
            .where(
                ApiKey.workspace_id == workspace_id,
                ApiKey.created_by_id == user_id,
                ApiKey.revoked_at.is_(None),
            )
            .values(revoked_at=when)
        )
