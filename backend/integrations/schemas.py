import json
import re
import uuid
from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, SecretStr, StringConstraints

from backend.models import IntegrationStatus, IntegrationType
from kit.schemas import RequestModel

MAX_CONFIG_BYTES = 16_384
MAX_SECRET_CHARS = 4_096
# Names that mean "this is a secret": such values belong in `credentials`, which is encrypted.
SECRET_NAME = re.compile(r"token|secret|password|api_?key|private_?key|credential", re.IGNORECASE)

HEADER_SAFE = re.compile(r"[\x21-\x7e]+")

CredentialName = Annotated[
    str, StringConstraints(pattern=r"^[A-Za-z][A-Za-z0-9_]{0,63}$", max_length=64)
]


def _checked_config(config: dict[str, Any]) -> dict[str, Any]:
    try:
        # jsonb has no NaN or Infinity (nor 1E+200000, which JSON parsing makes infinite).
        size = len(json.dumps(config, allow_nan=False))
    except ValueError:
        raise ValueError("config numbers must be finite") from None
    if size > MAX_CONFIG_BYTES:
        raise ValueError(f"config must be at most {MAX_CONFIG_BYTES} bytes of JSON")
    for name in _names(config):
        if SECRET_NAME.search(name):
            raise ValueError(
                f"'{name}' looks like a secret: send it in credentials, which are encrypted"
            )
    return config


def _checked_credentials(credentials: dict[str, SecretStr]) -> dict[str, SecretStr]:
    # Messages here never include a value: a secret must not end up in an error response.
    if len(credentials) > 10:
        raise ValueError("at most 10 credentials")
    if not credentials.get("access_token") or not credentials["access_token"].get_secret_value():
        raise ValueError("an access_token is required")
    for name, value in credentials.items():
        if len(value.get_secret_value()) > MAX_SECRET_CHARS:
            raise ValueError(f"'{name}' is longer than {MAX_SECRET_CHARS} characters")
    return credentials


def _header_safe(token: SecretStr) -> SecretStr:
    # The token travels as `Authorization: Bearer <token>`: a character a header cannot carry
    # would fail the call to the vendor (a 503) instead of the input. No value in the message.
    if not HEADER_SAFE.fullmatch(token.get_secret_value()):
        raise ValueError("must be printable ASCII without spaces")
    return token


# An API token we send to HubSpot or Notion in a header.
VendorToken = Annotated[SecretStr, AfterValidator(_header_safe)]


def _names(value: Any) -> list[str]:
    if isinstance(value, dict):
        return [str(k) for k in value] + [n for v in value.values() for n in _names(v)]
    if isinstance(value, list):
        return [n for v in value for n in _names(v)]
    return []


Config = Annotated[dict[str, Any], AfterValidator(_checked_config)]
Credentials = Annotated[dict[CredentialName, SecretStr], AfterValidator(_checked_credentials)]


class IntegrationCreate(RequestModel):
    type: IntegrationType
    config: Config = {}
    credentials: Credentials


class IntegrationUpdate(RequestModel):
    """Sent fields replace the stored ones; new credentials reconnect the integration."""

    config: Config | None = None
    credentials: Credentials | None = None
    status: Literal[IntegrationStatus.connected, IntegrationStatus.disconnected] | None = None


class IntegrationRead(BaseModel):
    """Credentials appear masked (at most their last 4 characters), never in clear."""

    id: uuid.UUID
    type: IntegrationType
    status: IntegrationStatus
    config: dict[str, Any]
    credentials: dict[str, str]
    has_credentials: bool
    last_synced_at: datetime | None
    last_error: str | None
    created_at: datetime
    updated_at: datetime
