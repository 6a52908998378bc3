from typing import Any

import pytest
from pydantic import ValidationError

from ai_core.config import Settings

PLACEHOLDER = "change-me-service-token"


def settings_without_env_file(**values: Any) -> Settings:
    """The environment and `values` only, never a developer's `.env`."""
    return Settings(_env_file=None, **values)  # type: ignore[call-arg]


@pytest.mark.parametrize("environment", ["test", "production"])
def test_placeholder_service_token_is_refused_outside_development(environment: str) -> None:
    with pytest.raises(ValidationError, match=r"placeholder secrets \(SERVICE_TOKEN\)") as err:
        settings_without_env_file(environment=environment, service_token=PLACEHOLDER)
    assert "make secrets" in str(err.value)


def test_a_short_service_token_is_refused_outside_development() -> None:
    with pytest.raises(ValidationError, match="SERVICE_TOKEN must be at least 32 characters"):
        settings_without_env_file(environment="production", service_token="s" * 31)


def test_a_long_service_token_is_accepted_in_production_on_any_address() -> None:
    config = settings_without_env_file(
        environment="production", ai_core_host="0.0.0.0", service_token="s" * 32
    )
    assert config.ai_core_host == "0.0.0.0"


@pytest.mark.parametrize("host", ["127.0.0.1", "localhost", "::1"])
def test_placeholder_service_token_is_accepted_in_development_on_loopback(host: str) -> None:
    config = settings_without_env_file(
        environment="development", ai_core_host=host, service_token=PLACEHOLDER
    )
    assert config.service_token == PLACEHOLDER


@pytest.mark.parametrize("host", ["0.0.0.0", "10.1.2.3"])
def test_placeholder_service_token_is_refused_in_development_off_loopback(host: str) -> None:
    with pytest.raises(ValidationError, match=f"only allowed in development .* binds to {host}"):
        settings_without_env_file(
            environment="development", ai_core_host=host, service_token=PLACEHOLDER
        )


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
