"""Backend settings, read from the environment and the shared root `.env`."""

from functools import cached_property
from pathlib import Path
from typing import Annotated, Literal

from pydantic import Field, field_validator, model_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

ROOT_DIR = Path(__file__).resolve().parent.parent
PLACEHOLDER_PREFIX = "change-me"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_file=ROOT_DIR / ".env", env_file_encoding="utf-8", extra="ignore"
    )

    environment: Literal["development", "test", "production"] = "development"
    log_level: str = "INFO"

    database_url: str = ""
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

    @field_validator("cors_origins", "encryption_keys", mode="before")
    @classmethod
    def _split_commas(cls, value: object) -> object:
        if isinstance(value, str):
            return [item.strip() for item in value.split(",") if item.strip()]
        return value

    @model_validator(mode="after")
    def _refuse_placeholders_outside_development(self) -> "Settings":
        if self.environment != "development":
            secrets = [self.jwt_secret, self.service_token, *self.encryption_keys]
            if any(s.startswith(PLACEHOLDER_PREFIX) for s in secrets):
                raise ValueError(
                    "placeholder secrets (JWT_SECRET, SERVICE_TOKEN, ENCRYPTION_KEYS) "
                    "must be replaced outside development"
                )
            if len(self.jwt_secret) < 32:
                raise ValueError("JWT_SECRET must be at least 32 characters outside development")
        return self

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
