"""AI core settings, read from the environment and the shared root `.env`."""

from pathlib import Path
from typing import Literal

from pydantic import SecretStr, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

ROOT_DIR = Path(__file__).resolve().parent.parent
PLACEHOLDER_PREFIX = "change-me"


class Settings(BaseSettings):
    """The AI core holds no database credentials: it reaches data only through the backend."""

    model_config = SettingsConfigDict(
        env_file=ROOT_DIR / ".env",
        env_file_encoding="utf-8",
        extra="ignore",
        # `ANTHROPIC_API_KEY=` in .env means "no key", not an empty-string key.
        env_ignore_empty=True,
    )

    environment: Literal["development", "test", "production"] = "development"
    log_level: str = "INFO"

    ai_core_host: str = "127.0.0.1"
    ai_core_port: int = 8100
    backend_url: str = "http://127.0.0.1:8000"
    backend_timeout_seconds: float = 5.0
    max_body_bytes: int = 1_048_576

    service_token: str = "change-me-service-token"

    anthropic_api_key: SecretStr | None = None
    anthropic_model: str = "claude-sonnet-4-6"
    anthropic_base_url: str | None = None

    @model_validator(mode="after")
    def _refuse_placeholders_outside_development(self) -> "Settings":
        if self.environment != "development" and self.service_token.startswith(PLACEHOLDER_PREFIX):
            raise ValueError("placeholder SERVICE_TOKEN must be replaced outside development")
        return self

    @property
    def llm_configured(self) -> bool:
        return self.anthropic_api_key is not None


settings = Settings()
