"""The Notion integration's secrets (integration token, webhook verification tokens), kept in
the integration's encrypted credentials and shown only masked.

The webhook handshake is unauthenticated, so the token it delivers is only *pending* until
an admin confirms it in settings; events are verified with the *confirmed* token alone.
"""

from typing import Any

from backend.integrations import crypto
from backend.models import Integration

MASK = "••••"
MIN_CHARS_TO_HINT = 16
PENDING = "pending_verification_token"
CONFIRMED = "confirmed_verification_token"
# Before confirmation existed, the first handshake's token was stored under this name and
# trusted at once; it is only pending now.
LEGACY_PENDING = "verification_token"


def read(integration: Integration) -> dict[str, Any]:
    if integration.credentials_encrypted is None:
        return {}
    secret = crypto.decrypt(integration.credentials_encrypted)
    return secret if isinstance(secret, dict) else {}


def store(integration: Integration, **changes: str | None) -> None:
    """Set (or with None, remove) secrets, keeping the others."""
    secrets = {**read(integration), **changes}
    integration.credentials_encrypted = crypto.encrypt(
        {name: value for name, value in secrets.items() if value is not None}
    )


def masked(value: Any) -> str:
    if isinstance(value, str) and len(value) >= MIN_CHARS_TO_HINT:
        return MASK + value[-4:]
    return MASK


def pending_token(secrets: dict[str, Any]) -> str | None:
    """The last handshake's token, waiting for an admin to confirm it."""
    token = secrets.get(PENDING) or secrets.get(LEGACY_PENDING)
    return str(token) if token else None


def confirmed_token(secrets: dict[str, Any]) -> str | None:
    """The token an admin confirmed: the only key deliveries are verified with."""
    token = secrets.get(CONFIRMED)
    return str(token) if token else None
