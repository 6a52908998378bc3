"""AI core settings, read from the environment and the shared root `.env`."""

from pathlib import Path
from typing import Literal

from pydantic import SecretStr, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from kit.secrets import check_secrets

ROOT_DIR = Path(__file__).resolve().parent.parent


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

    # The address the AI core listens on (`vectoros run` and docker-compose.yml bind to it):
    # with a placeholder SERVICE_TOKEN, development is allowed on loopback only.
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
    def _refuse_unfit_secrets(self) -> "Settings":
        """A placeholder token only in development on loopback; a long random one elsewhere."""
        check_secrets(
            environment=self.environment,
            bind_host=self.ai_core_host,
            secrets={"SERVICE_TOKEN": self.service_token},
        )
        return self

    @property
    def llm_configured(self) -> bool:
        return self.anthropic_api_key is not None


settings = Settings()
