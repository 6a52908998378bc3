"""Queries for users, their sessions, refresh tokens and login rate limits."""

import uuid
from datetime import datetime

from sqlalchemy import delete, exists, select, true, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from backend.models import RateLimitBucket, RefreshToken, User, UserSession


class UserRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def get(self, user_id: uuid.UUID) -> User | None:
        return await self.session.get(User, user_id)

    async def get_with_session(
        self, user_id: uuid.UUID, session_id: uuid.UUID | None
    ) -> tuple[User, bool] | None:
        """The user and whether the login `session_id` is still open, in one query.

        Without a session id there is nothing to check (the second value is True)."""
        alive = (
            exists().where(
                UserSession.id == session_id,
                UserSession.user_id == User.id,
                UserSession.revoked_at.is_(None),
            )
            if session_id is not None
            else true()
        )
        row = (
            await self.session.execute(select(User, alive.label("alive")).where(User.id == user_id))
        ).first()
        return None if row is None else (row[0], bool(row[1]))

    async def get_by_email(self, email: str) -> User | None:
        return await self.session.scalar(select(User).where(User.email == email.lower()))

    async def add(self, user: User) -> User:
        self.session.add(user)
        await self.session.flush()
        return user

    async def add_if_new(self, *, email: str, name: str, password_hash: str) -> uuid.UUID | None:
        """Insert the account unless the email is taken: the new id, or None."""
        return await self.session.scalar(
            insert(User)
            .values(email=email, name=name, password_hash=password_hash)
            .on_conflict_do_nothing(index_elements=["email"])
            .returning(User.id)
        )


class SessionRepository:
    """Logins: a session is revoked together with every refresh token of its family."""

    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def add(self, user_id: uuid.UUID) -> UserSession:
        login = UserSession(id=uuid.uuid4(), user_id=user_id)
        self.session.add(login)
        await self.session.flush()
        return login

    async def revoke(self, session_id: uuid.UUID, when: datetime) -> None:
        await self.session.execute(
            update(UserSession)
            .where(UserSession.id == session_id, UserSession.revoked_at.is_(None))
            .values(revoked_at=when)
        )
        await RefreshTokenRepository(self.session).revoke_family(session_id, when)

    async def revoke_all_but(
        self, user_id: uuid.UUID, keep: uuid.UUID | None, when: datetime
    ) -> None:
        """End every login of the user except `keep` (the caller's own)."""
        others = [UserSession.user_id == user_id, UserSession.revoked_at.is_(None)]
        tokens = [RefreshToken.user_id == user_id, RefreshToken.revoked_at.is_(None)]
        if keep is not None:
            others.append(UserSession.id != keep)
            tokens.append(RefreshToken.family_id != keep)
        await self.session.execute(update(UserSession).where(*others).values(revoked_at=when))
        await self.session.execute(update(RefreshToken).where(*tokens).values(revoked_at=when))


class RefreshTokenRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def get_by_hash_for_update(self, token_hash: str) -> tuple[RefreshToken, bool] | None:
        """The token (locked) and whether its login is still open.

        The session row is read, not locked: a revocation racing a rotation may miss the new
        token, but never the session, so that token is refused at its next use."""
        row = (
            await self.session.execute(
                select(RefreshToken, UserSession.revoked_at.is_(None))
                .join(UserSession, UserSession.id == RefreshToken.family_id)
                .where(RefreshToken.token_hash == token_hash)
                .with_for_update(of=RefreshToken)
            )
        ).first()
        return None if row is None else (row[0], bool(row[1]))

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
