"""Registration, login, refresh-token rotation with reuse detection, logout, profile."""

import uuid
from datetime import UTC, datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from backend.auth import rate_limit
from backend.auth.repository import RefreshTokenRepository, UserRepository
from backend.auth.schemas import TokenPair, UserUpdate
from backend.auth.security import (
    create_access_token,
    hash_password,
    hash_secret,
    new_secret,
    verify_password,
)
from backend.config import settings
from backend.invitations import service as invitations
from backend.models import RefreshToken, User
from kit.errors import BadRequest, Conflict, Unauthorized

INVALID_CREDENTIALS = "The email or password is incorrect."
INVALID_REFRESH = "The refresh token is invalid or has expired."


async def register(session: AsyncSession, *, email: str, password: str, name: str) -> User:
    users = UserRepository(session)
    if await users.get_by_email(email):
        raise Conflict("An account with this email already exists.", code="email_taken")
    user = await users.add(
        User(email=email.lower(), name=name, password_hash=hash_password(password))
    )
    # Same transaction: the new account lands in every workspace that invited its email.
    await invitations.accept_pending(session, user)
    return user


async def login(session: AsyncSession, *, email: str, password: str, client_ip: str) -> TokenPair:
    await rate_limit.ensure_login_allowed(email, client_ip)
    user = await UserRepository(session).get_by_email(email)
    if not verify_password(password, user.password_hash if user else None) or user is None:
        await rate_limit.record_failed_login(email, client_ip)
        raise Unauthorized(INVALID_CREDENTIALS, code="invalid_credentials")
    await invitations.accept_pending(session, user)
    return await _issue_tokens(session, user_id=user.id, family_id=uuid.uuid4())


async def refresh(session: AsyncSession, *, refresh_token: str) -> TokenPair:
    tokens = RefreshTokenRepository(session)
    now = datetime.now(UTC)
    stored = await tokens.get_by_hash_for_update(hash_secret(refresh_token))
    if stored is None or stored.revoked_at is not None or stored.expires_at <= now:
        raise Unauthorized(INVALID_REFRESH, code="invalid_refresh_token")
    if stored.used_at is not None:
        # A spent token came back: someone holds a copy. End the whole login.
        await tokens.revoke_family(stored.family_id, now)
        await session.commit()
        raise Unauthorized(
            "This refresh token was already used; the session has been ended for safety.",
            code="refresh_token_reused",
        )
    stored.used_at = now
    return await _issue_tokens(session, user_id=stored.user_id, family_id=stored.family_id)


async def logout(session: AsyncSession, *, refresh_token: str) -> None:
    tokens = RefreshTokenRepository(session)
    stored = await tokens.get_by_hash_for_update(hash_secret(refresh_token))
    if stored is not None:
        await tokens.revoke_family(stored.family_id, datetime.now(UTC))


async def update_profile(session: AsyncSession, user: User, changes: UserUpdate) -> User:
    if changes.name is not None:
        user.name = changes.name
    if changes.password is not None:
        if not changes.current_password or not verify_password(
            changes.current_password, user.password_hash
        ):
            raise BadRequest(
                "current_password is required and must match to set a new password.",
                code="invalid_current_password",
            )
        user.password_hash = hash_password(changes.password)
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
        access_token=create_access_token(user_id),
        refresh_token=secret,
        expires_in=settings.access_token_minutes * 60,
    )
