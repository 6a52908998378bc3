from typing import Any

import pytest
from pydantic import ValidationError

from ai_core.config import Settings


def settings_without_env_file(**values: Any) -> Settings:
    """The environment and `values` only, never a developer's `.env`."""
    return Settings(_env_file=None, **values)  # type: ignore[call-arg]


@pytest.mark.parametrize("environment", ["test", "production"])
def test_placeholder_service_token_is_refused_outside_development(environment: str) -> None:
    with pytest.raises(ValidationError, match="SERVICE_TOKEN"):
        settings_without_env_file(environment=environment, service_token="change-me-service-token")


def test_placeholder_service_token_is_accepted_in_development() -> None:
    config = settings_without_env_file(
        environment="development", service_token="change-me-service-token"
    )
    assert config.service_token == "change-me-service-token"


def test_an_empty_anthropic_key_means_no_llm(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ANTHROPIC_API_KEY", "")
    monkeypatch.setenv("ANTHROPIC_BASE_URL", "")
    config = settings_without_env_file()
    assert config.anthropic_api_key is None
    assert config.anthropic_base_url is None
    assert config.llm_configured is False


def test_the_anthropic_key_is_never_printed(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ANTHROPIC_API_KEY", "sk-ant-secret-value")
    config = settings_without_env_file()
    assert config.llm_configured is True
    assert "sk-ant-secret-value" not in repr(config)
