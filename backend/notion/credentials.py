"""The Notion integration's secrets (integration token, webhook verification token), kept in
the integration's encrypted credentials and shown only masked."""

from typing import Any

from backend.integrations import crypto
from backend.models import Integration

MASK = "••••"
MIN_CHARS_TO_HINT = 16


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
