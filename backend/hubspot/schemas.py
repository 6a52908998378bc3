import uuid
from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import BaseModel, Field, SecretStr, StringConstraints

from backend.integrations.schemas import VendorToken
from backend.models import IntegrationStatus, RunStatus
from kit.schemas import ReadModel, RequestModel

Token = Annotated[str, StringConstraints(strip_whitespace=True, min_length=8, max_length=4096)]


class PrivateAppConnect(RequestModel):
    """A HubSpot private app's access token (Settings -> Integrations -> Private apps)."""

    access_token: VendorToken = Field(min_length=8, max_length=4096)
    # The private app's client secret (its Auth tab): HubSpot signs that app's webhooks with
    # it. Not needed when the server's HUBSPOT_CLIENT_SECRET is that app's secret.
    client_secret: SecretStr | None = Field(default=None, min_length=8, max_length=4096)


class OAuthCallback(RequestModel):
    """What HubSpot appended to the redirect URL after consent."""

    code: Token
    state: Token


class AuthorizeUrl(BaseModel):
    """Send the browser here; HubSpot returns it to the redirect URL with `code` and `state`."""

    authorize_url: str
    redirect_url: str
    state_expires_at: datetime


class SyncRequest(RequestModel):
    """`incremental` (the default) pulls changes since the last sync; `backfill` reads all."""

    kind: Literal["incremental", "backfill"] = "incremental"


class SyncRun(ReadModel):
    id: uuid.UUID
    kind: str
    trigger: str
    status: RunStatus
    phase: str | None
    counts: dict[str, int]
    problems: list[dict[str, Any]]
    attempts: int
    error: str | None
    created_at: datetime
    started_at: datetime | None
    finished_at: datetime | None


class HubspotStatus(BaseModel):
    """The workspace's HubSpot connection as the settings page shows it."""

    connected: bool
    integration_id: uuid.UUID | None = None
    status: IntegrationStatus | None = None
    auth: Literal["private_app", "oauth"] | None = None
    portal_id: int | None = None
    owners_mapped: int = 0
    last_synced_at: datetime | None = None
    last_error: str | None = None
    # The URL to enter as the app's webhook target (Target URL) in HubSpot.
    webhook_url: str
    # Whether "Connect with HubSpot" (OAuth) is configured on this server.
    oauth_available: bool
    latest_run: SyncRun | None = None
