"""Queries for users, refresh tokens and login rate limits."""

import uuid
from datetime import datetime

from sqlalchemy import delete, select, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from backend.models import RateLimitBucket, RefreshToken, User


class UserRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def get(self, user_id: uuid.UUID) -> User | None:
        return await self.session.get(User, user_id)

    async def get_by_email(self, email: str) -> User | None:
        return await self.session.scalar(select(User).where(User.email == email.lower()))

    async def add(self, user: User) -> User:
        self.session.add(user)
        await self.session.flush()
        return user


class RefreshTokenRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def get_by_hash_for_update(self, token_hash: str) -> RefreshToken | None:
        return await self.session.scalar(
            select(RefreshToken).where(RefreshToken.token_hash == token_hash).with_for_update()
        )

    async def add(self, token: RefreshToken) -> None:
        self.session.add(token)
        await self.session.flush()

    async def revoke_family(self, family_id: uuid.UUID, when: datetime) -> None:
        await self.session.execute(
            update(RefreshToken)
            .where(RefreshToken.family_id == family_id, RefreshToken.revoked_at.is_(None))
            .values(revoked_at=when)
        )


class RateLimitRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def count(self, keys: list[str], window_start: datetime) -> dict[str, int]:
        rows = await self.session.execute(
            select(RateLimitBucket.key, RateLimitBucket.count).where(
                RateLimitBucket.key.in_(keys), RateLimitBucket.window_start == window_start
            )
        )
        return {key: count for key, count in rows.all()}

    async def increment(self, keys: list[str], window_start: datetime) -> None:
        stmt = insert(RateLimitBucket).values(
            [{"key": key, "window_start": window_start, "count": 1} for key in keys]
        )
        await self.session.execute(
            stmt.on_conflict_do_update(
                index_elements=["key", "window_start"],
                set_={"count": RateLimitBucket.count + 1},
            )
        )
        await self.session.execute(
            delete(RateLimitBucket).where(RateLimitBucket.window_start < window_start)
        )
