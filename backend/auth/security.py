"""Password hashing, JWTs and opaque-secret hashing."""

import hashlib
import secrets
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from jose import JWTError, jwt

from backend.config import settings
from kit.errors import Unauthorized

_hasher = PasswordHasher()
# Verified against when the email is unknown, so both failures cost the same time.
_DUMMY_HASH = _hasher.hash("vectoros-timing-equaliser")


# Argon2 takes ~50 ms of CPU and 64 MiB by design: from async code, run hash_password and
# verify_password in a worker thread (`await run_in_threadpool(hash_password, ...)`), never
# on the event loop, where each call would stall every other request.


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(password: str, password_hash: str | None) -> bool:
    try:
        return _hasher.verify(password_hash or _DUMMY_HASH, password) and bool(password_hash)
    except (VerificationError, InvalidHashError):
        return False


def hash_secret(secret: str) -> str:
    """Refresh tokens and API keys are long random strings: SHA-256 is enough and indexable."""
    return hashlib.sha256(secret.encode()).hexdigest()


def new_secret(nbytes: int = 32) -> str:
    return secrets.token_urlsafe(nbytes)


def create_access_token(
    user_id: uuid.UUID, *, minutes: int | None = None, claims: dict[str, Any] | None = None
) -> str:
    now = datetime.now(UTC)
    payload = {
        "sub": str(user_id),
        "type": "access",
        "iat": int(now.timestamp()),
        "exp": int((now + timedelta(minutes=minutes or settings.access_token_minutes)).timestamp()),
        "jti": uuid.uuid4().hex,
        **(claims or {}),
    }
    return jwt.encode(payload, settings.jwt_secret, algorithm=settings.jwt_algorithm)


def decode_access_token(token: str) -> dict[str, Any]:
    try:
        payload = jwt.decode(token, settings.jwt_secret, algorithms=[settings.jwt_algorithm])
    except JWTError as exc:
        message = (
            "The access token has expired."
            if "expired" in str(exc).lower()
            else ("The access token is invalid.")
        )
        raise Unauthorized(message, code="invalid_token") from exc
    if payload.get("type") != "access" or "sub" not in payload:
        raise Unauthorized("The access token is invalid.", code="invalid_token")
    return payload
