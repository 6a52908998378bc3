"""A HubSpot integration's tokens, sealed with the integrations' encryption keys."""

from datetime import datetime
from typing import Any

from backend.hubspot.client import HubSpotAuthError, Tokens
from backend.integrations import crypto
from backend.models import Integration


def seal(tokens: Tokens, *, webhook_secret: str | None = None) -> str:
    """The tokens (and a private app's own webhook signing secret) as one encrypted value."""
    secret: dict[str, Any] = {"access_token": tokens.access_token}
    if webhook_secret:
        secret["webhook_secret"] = webhook_secret
    if tokens.refresh_token:
        secret["refresh_token"] = tokens.refresh_token
    if tokens.expires_at:
        secret["expires_at"] = tokens.expires_at.isoformat()
    return crypto.encrypt(secret)


def tokens(integration: Integration) -> Tokens:
    """The integration's tokens; HubSpotAuthError when there are none to use."""
    if integration.credentials_encrypted is None:
        raise HubSpotAuthError("no HubSpot credentials are stored: connect again")
    try:
        secret = crypto.decrypt(integration.credentials_encrypted)
    except crypto.UndecryptableSecret as exc:
        raise HubSpotAuthError(str(exc)) from exc
    if not isinstance(secret, dict) or not secret.get("access_token"):
        raise HubSpotAuthError("the stored HubSpot credentials hold no access token")
    expires = secret.get("expires_at")
    return Tokens(
        access_token=str(secret["access_token"]),
        refresh_token=secret.get("refresh_token"),
        expires_at=datetime.fromisoformat(expires) if expires else None,
    )


def webhook_secret(integration: Integration) -> str | None:
    """The private app's client secret its webhooks are signed with, when one was given."""
    try:
        secret = crypto.decrypt(integration.credentials_encrypted or "")
    except crypto.UndecryptableSecret:
        return None
    value = secret.get("webhook_secret") if isinstance(secret, dict) else None
    return str(value) if value else None
