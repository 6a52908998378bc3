"""Vendor identity: which account an integration speaks for, and so where webhooks go.

Only a vendor's own answer may set these (HubSpot's account-info or token info in the
connect flows, Notion's handshake confirmed by an admin): an integration record written
through the generic routes cannot set them, and replacing its config or credentials keeps
the ones stored.
"""

import re
from typing import Any

# Config keys naming the vendor account or what a webhook is matched to, compared
# case-insensitively and ignoring punctuation (`portalId` is `portal_id`).
IDENTITY_CONFIG_KEYS = frozenset(
    {
        # HubSpot: the portal (hub) whose deliveries route here, and how it was proven.
        "portalid",
        "hubid",
        "hubspotportalid",
        "auth",
        # Notion: the workspace and bot the token belongs to, the synced databases, and
        # the webhook handshake's state.
        "notionworkspace",
        "notionworkspaceid",
        "workspaceid",
        "botid",
        "integrationid",
        "subscriptionid",
        "databaseid",
        "dealsdatabase",
        "dealsdatabaseid",
        "notesdatabase",
        "notesdatabaseid",
        "handshakeat",
        "verificationconfirmedat",
        "webhookpathkey",
    }
)
# Credentials that decide which workspace a signed delivery is accepted for.
IDENTITY_CREDENTIAL_KEYS = frozenset(
    {
        "webhooksecret",
        "clientsecret",
        "verificationtoken",
        "pendingverificationtoken",
        "confirmedverificationtoken",
    }
)
_PUNCTUATION = re.compile(r"[^a-z0-9]")


def _normal(name: str) -> str:
    return _PUNCTUATION.sub("", name.lower())


def is_identity_config(name: str) -> bool:
    return _normal(name) in IDENTITY_CONFIG_KEYS


def is_identity_credential(name: str) -> bool:
    return _normal(name) in IDENTITY_CREDENTIAL_KEYS


def problems(
    config: dict[str, Any] | None, credentials: dict[str, Any] | None
) -> list[dict[str, str]]:
    """One error detail per identity field a request tried to set (field and message)."""
    found = [
        {
            "field": f"body.config.{name}",
            "message": f"'{name}' identifies the vendor account and is set only by its "
            "connect flow (integrations/hubspot or integrations/notion), not by a record",
            "type": "vendor_identity",
        }
        for name in config or {}
        if is_identity_config(name)
    ]
    found += [
        {
            "field": f"body.credentials.{name}",
            "message": f"'{name}' decides which workspace signed webhooks reach and is set "
            "only by the vendor's connect flow, not by a record",
            "type": "vendor_identity",
        }
        for name in credentials or {}
        if is_identity_credential(name)
    ]
    return found


def kept_config(stored: dict[str, Any]) -> dict[str, Any]:
    """The identity keys of a stored config, which a replacement config keeps."""
    return {name: value for name, value in stored.items() if is_identity_config(name)}


def kept_credentials(stored: Any) -> dict[str, Any]:
    """The identity secrets of stored credentials, which replacement credentials keep."""
    if not isinstance(stored, dict):
        return {}
    return {name: value for name, value in stored.items() if is_identity_credential(name)}
