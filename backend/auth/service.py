"""Registration, login, refresh-token rotation with reuse detection, logout, profile."""

import uuid
from datetime import UTC, datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession
from starlette.concurrency import run_in_threadpool

from backend.auth import rate_limit
from backend.auth.repository import RefreshTokenRepository, SessionRepository, UserRepository
from backend.auth.schemas import TokenPair, UserUpdate
from backend.auth.security import (
    create_access_token,
    hash_password,
    hash_secret,
    new_secret,
    verify_password,
)
from backend.config import settings
from backend.models import RefreshToken, User
from kit.errors import BadRequest, Unauthorized

INVALID_CREDENTIALS = "The email or password is incorrect."
INVALID_REFRESH = "The refresh token is invalid or has expired."


async def register(session: AsyncSession, *, email: str, password: str, name: str) -> None:
    """Create the account unless the email has one; the caller cannot tell which happened.

    Both cases hash the password and run the same insert (which skips a taken email), so
    neither the answer nor its timing says whether an account exists. Joining a workspace
    takes an invitation link, never just registering its email.
    """
    await UserRepository(session).add_if_new(
        email=email.lower(),
        name=name,
        password_hash=await run_in_threadpool(hash_password, password),
    )


async def login(session: AsyncSession, *, email: str, password: str, client_ip: str) -> TokenPair:
    await rate_limit.ensure_login_allowed(email, client_ip)
    user = await UserRepository(session).get_by_email(email)
    known_hash = user.password_hash if user else None
    if not await run_in_threadpool(verify_password, password, known_hash) or user is None:
        await rate_limit.record_failed_login(email, client_ip)
        raise Unauthorized(INVALID_CREDENTIALS, code="invalid_credentials")
    login = await SessionRepository(session).add(user.id)
    return await _issue_tokens(session, user_id=user.id, family_id=login.id)


async def refresh(session: AsyncSession, *, refresh_token: str) -> TokenPair:
    tokens = RefreshTokenRepository(session)
    now = datetime.now(UTC)
    found = await tokens.get_by_hash_for_update(hash_secret(refresh_token))
    if found is None:
        raise Unauthorized(INVALID_REFRESH, code="invalid_refresh_token")
    stored, session_open = found
    if not session_open or stored.revoked_at is not None or stored.expires_at <= now:
        raise Unauthorized(INVALID_REFRESH, code="invalid_refresh_token")
    if stored.used_at is not None:
        # A spent token came back: someone holds a copy. End the whole login, access tokens
        # included.
        await SessionRepository(session).revoke(stored.family_id, now)
        await session.commit()
        raise Unauthorized(
            "This refresh token was already used; the session has been ended for safety.",
            code="refresh_token_reused",
        )
    stored.used_at = now
    return await _issue_tokens(session, user_id=stored.user_id, family_id=stored.family_id)


async def logout(session: AsyncSession, *, refresh_token: str) -> None:
    """End the login: its refresh tokens and its access tokens (by their `sid`) stop at once."""
    found = await RefreshTokenRepository(session).get_by_hash_for_update(hash_secret(refresh_token))
    if found is not None:
        await SessionRepository(session).revoke(found[0].family_id, datetime.now(UTC))


async def update_profile(
    session: AsyncSession, user: User, changes: UserUpdate, *, session_id: uuid.UUID | None
) -> User:
    """Name and password; a new password ends every other login of the user (`session_id`,
    the caller's own, stays signed in)."""
    if changes.name is not None:
        user.name = changes.name
    if changes.password is not None:
        if not changes.current_password or not await run_in_threadpool(
            verify_password, changes.current_password, user.password_hash
        ):
            raise BadRequest(
                "current_password is required and must match to set a new password.",
                code="invalid_current_password",
            )
        user.password_hash = await run_in_threadpool(hash_password, changes.password)
        await SessionRepository(session).revoke_all_but(user.id, session_id, datetime.now(UTC))
    await session.flush()
    return user


async def _issue_tokens(
    session: AsyncSession, *, user_id: uuid.UUID, family_id: uuid.UUID
) -> TokenPair:
    secret = new_secret()
    await RefreshTokenRepository(session).add(
        RefreshToken(
            user_id=user_id,
            family_id=family_id,
            token_hash=hash_secret(secret),
            expires_at=datetime.now(UTC) + timedelta(days=settings.refresh_token_days),
        )
    )
    return TokenPair(
        # `sid`: the login this token belongs to; revoking it refuses the token at once.
        access_token=create_access_token(user_id, claims={"sid": str(family_id)}),
        refresh_token=secret,
        expires_in=settings.access_token_minutes * 60,
    )
