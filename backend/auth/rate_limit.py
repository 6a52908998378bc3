"""Login throttling in Postgres, so every backend process shares the same counters."""

from datetime import UTC, datetime

from backend.auth.repository import RateLimitRepository
from backend.config import settings
from backend.db import session_factory
from kit.errors import TooManyRequests


def _window(now: datetime) -> tuple[datetime, int]:
    size = settings.login_window_seconds
    start = int(now.timestamp()) // size * size
    retry_after = start + size - int(now.timestamp())
    return datetime.fromtimestamp(start, UTC), max(retry_after, 1)


def _keys(email: str, client_ip: str) -> dict[str, int]:
    return {
        f"login:email:{email.lower()}": settings.login_max_attempts,
        f"login:ip:{client_ip}": settings.login_max_attempts * 4,
    }


async def ensure_login_allowed(email: str, client_ip: str) -> None:
    window_start, retry_after = _window(datetime.now(UTC))
    limits = _keys(email, client_ip)
    async with session_factory()() as session:
        counts = await RateLimitRepository(session).count(list(limits), window_start)
    if any(counts.get(key, 0) >= limit for key, limit in limits.items()):
        raise TooManyRequests(
            "Too many failed login attempts. Try again later.",
            details={"retry_after_seconds": retry_after},
            headers={"Retry-After": str(retry_after)},
        )


async def record_failed_login(email: str, client_ip: str) -> None:
    """Committed on its own: the request's transaction is rolled back when login fails."""
    window_start, _ = _window(datetime.now(UTC))
    async with session_factory()() as session, session.begin():
        await RateLimitRepository(session).increment(list(_keys(email, client_ip)), window_start)
