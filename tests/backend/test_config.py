import pytest
from pydantic import ValidationError

from backend.config import Settings


@pytest.mark.parametrize("environment", ["production", "test"])
def test_placeholder_secrets_refused_outside_development(environment: str) -> None:
    with pytest.raises(ValidationError, match="placeholder secrets"):
        Settings(
            environment=environment,
            jwt_secret="change-me-jwt-secret",
            service_token="change-me-service-token",
            encryption_keys=["change-me-key"],
            _env_file=None,
        )


def test_placeholders_are_fine_in_development() -> None:
    dev = Settings(environment="development", jwt_secret="change-me-jwt-secret", _env_file=None)
    assert dev.environment == "development"


def test_comma_separated_lists_are_read_from_the_environment(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("CORS_ORIGINS", "https://a.example, https://b.example")
    assert Settings(_env_file=None).cors_origins == ["https://a.example", "https://b.example"]
