"""Backend settings, read from the environment and the shared root `.env`."""

from functools import cached_property
from pathlib import Path
from typing import Annotated, Literal

from pydantic import Field, field_validator, model_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from kit.secrets import PLACEHOLDER_PREFIX as PLACEHOLDER_PREFIX
from kit.secrets import check_secrets

ROOT_DIR = Path(__file__).resolve().parent.parent


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_file=ROOT_DIR / ".env", env_file_encoding="utf-8", extra="ignore"
    )

    environment: Literal["development", "test", "production"] = "development"
    log_level: str = "INFO"

    database_url: str = ""
    # The address the API listens on (`vectoros run` and docker-compose.yml bind to it): with
    # placeholder secrets, development is allowed on loopback only.
    backend_host: str = "127.0.0.1"
    backend_port: int = 8000
    ai_core_url: str = "http://127.0.0.1:8100"
    cors_origins: Annotated[list[str], NoDecode] = Field(
        default_factory=lambda: ["http://localhost:3000", "http://127.0.0.1:3000"]
    )
    max_body_bytes: int = 1_048_576
    # Deal CSV uploads only (POST .../imports); every other route keeps max_body_bytes.
    max_import_bytes: int = 20 * 1_048_576

    jwt_secret: str = "change-me-jwt-secret"
    jwt_algorithm: str = "HS256"
    access_token_minutes: int = 15
    refresh_token_days: int = 30
    service_token: str = "change-me-service-token"
    encryption_keys: Annotated[list[str], NoDecode] = Field(
        default_factory=lambda: ["change-me-00000000000000000000000000000000000="]
    )

    # Where HubSpot reaches us (scheme + host, no trailing slash): v2/v3 signatures cover the URL.
    public_base_url: str = "http://127.0.0.1:8000"
    hubspot_client_secret: str = ""
    # HubSpot's API (tests point it at a fake), and the public app used for the OAuth flow.
    hubspot_api_base_url: str = "https://api.hubapi.com"
    hubspot_authorize_url: str = "https://app.hubspot.com/oauth/authorize"
    hubspot_client_id: str = ""
    # Where HubSpot sends the browser back after consent: the frontend page that posts the
    # code and state to .../integrations/hubspot/oauth/callback.
    hubspot_oauth_redirect_url: str = "http://localhost:3000/settings/integrations/hubspot"
    hubspot_oauth_scopes: str = (
        "oauth crm.objects.deals.read crm.objects.owners.read crm.schemas.deals.read "
        "crm.objects.contacts.read sales-email-read"
    )
    # Incremental HubSpot sync of every connected workspace (cron, UTC).
    hubspot_sync_cron: str = "*/15 * * * *"
    # Notion's REST API (the tests point it at a fake on 127.0.0.1) and the version we speak.
    notion_api_base_url: str = "https://api.notion.com"
    notion_version: str = "2022-06-28"

    login_max_attempts: int = 5
    login_window_seconds: int = 300

    # The frontend's public address (scheme + host, no trailing slash): links in mail and
    # in settings point there. Empty: http://localhost:FRONTEND_PORT.
    frontend_url: str = ""
    frontend_port: int = 3000
    # How long an invitation link stays valid.
    invitation_days: int = 7
    # Outgoing mail (invitation links). Empty host: nothing is mailed; the link is logged
    # and shown to the workspace's admins instead.
    smtp_host: str = ""
    smtp_port: int = 587
    smtp_username: str = ""
    smtp_password: str = ""
    smtp_from: str = "VectorOS <no-reply@localhost>"
    # STARTTLS on a plain connection (port 587), or TLS from the start (port 465; wins).
    smtp_starttls: bool = True
    smtp_tls: bool = False

    @field_validator("cors_origins", "encryption_keys", mode="before")
    @classmethod
    def _split_commas(cls, value: object) -> object:
        if isinstance(value, str):
            return [item.strip() for item in value.split(",") if item.strip()]
        return value

    @model_validator(mode="after")
    def _refuse_unfit_secrets(self) -> "Settings":
        """Placeholders only in development on loopback; real, long secrets everywhere else."""
        check_secrets(
            environment=self.environment,
            bind_host=self.backend_host,
            secrets={"JWT_SECRET": self.jwt_secret, "SERVICE_TOKEN": self.service_token},
            fernet_keys=self.encryption_keys,
        )
        return self

    @property
    def public_frontend_url(self) -> str:
        return (self.frontend_url or f"http://localhost:{self.frontend_port}").rstrip("/")

    @property
    def mail_configured(self) -> bool:
        return bool(self.smtp_host)

    @cached_property
    def async_database_url(self) -> str:
        return to_psycopg_url(self.database_url)


def to_psycopg_url(url: str) -> str:
    """Accept plain `postgresql://` URLs and use the psycopg 3 driver for them."""
    for prefix in ("postgresql://", "postgres://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


settings = Settings()
