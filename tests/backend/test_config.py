from typing import Any

import pytest
from pydantic import ValidationError

from backend.config import Settings

JWT_SECRET = "J" * 40
SERVICE_TOKEN = "S" * 40
FERNET_KEY = "pq2vVt8wHC0cAQ2bKq5rZ3kc8T1G6pX9yW2mN4bV7sE="
PLACEHOLDERS = {
    "jwt_secret": "change-me-jwt-secret",
    "service_token": "change-me-service-token",
    "encryption_keys": ["change-me-00000000000000000000000000000000000="],
}
REAL = {"jwt_secret": JWT_SECRET, "service_token": SERVICE_TOKEN, "encryption_keys": [FERNET_KEY]}


def settings(**values: Any) -> Settings:
    """The environment and `values` only, never a developer's `.env`."""
    return Settings(_env_file=None, **values)  # type: ignore[call-arg]


@pytest.mark.parametrize("environment", ["production", "test"])
def test_placeholder_secrets_refused_outside_development(environment: str) -> None:
    with pytest.raises(ValidationError, match="placeholder secrets") as refused:
        settings(environment=environment, **PLACEHOLDERS)
    message = str(refused.value)
    assert "JWT_SECRET, SERVICE_TOKEN, ENCRYPTION_KEYS" in message
    assert "make secrets" in message


@pytest.mark.parametrize("secret", ["jwt_secret", "service_token"])
def test_a_short_secret_is_refused_outside_development(secret: str) -> None:
    with pytest.raises(ValidationError, match=f"{secret.upper()} must be at least 32 characters"):
        settings(environment="production", **{**REAL, secret: "x" * 31})


@pytest.mark.parametrize(
    "key",
    ["not-a-fernet-key", FERNET_KEY[:-2] + "=", "A" * 44, FERNET_KEY.replace("=", "!")],
    ids=["garbage", "too-short", "no-padding", "bad-character"],
)
def test_an_invalid_fernet_key_is_refused(key: str) -> None:
    with pytest.raises(ValidationError, match="ENCRYPTION_KEYS entry 2 is not a Fernet key"):
        settings(environment="production", **{**REAL, "encryption_keys": [FERNET_KEY, key]})


def test_no_encryption_key_at_all_is_refused_outside_development() -> None:
    with pytest.raises(ValidationError, match=r"placeholder secrets \(ENCRYPTION_KEYS\)"):
        settings(environment="production", **{**REAL, "encryption_keys": ""})


def test_real_secrets_are_accepted_in_production_on_any_address() -> None:
    production = settings(environment="production", backend_host="0.0.0.0", **REAL)
    assert production.encryption_keys == [FERNET_KEY]


@pytest.mark.parametrize("host", ["127.0.0.1", "localhost", "::1", "127.0.0.2"])
def test_placeholders_are_fine_in_development_on_loopback(host: str) -> None:
    dev = settings(environment="development", backend_host=host, **PLACEHOLDERS)
    assert dev.jwt_secret == "change-me-jwt-secret"


@pytest.mark.parametrize("host", ["0.0.0.0", "::", "192.168.1.20", "vectoros.example.com"])
def test_placeholders_are_refused_in_development_off_loopback(host: str) -> None:
    with pytest.raises(ValidationError, match="only allowed in development on a loopback") as err:
        settings(environment="development", backend_host=host, **PLACEHOLDERS)
    assert f"binds to {host}" in str(err.value)
    assert "make secrets" in str(err.value)


def test_one_placeholder_is_enough_to_refuse_an_exposed_development_server() -> None:
    with pytest.raises(ValidationError, match=r"placeholder secrets \(SERVICE_TOKEN\)"):
        settings(
            environment="development",
            backend_host="0.0.0.0",
            **{**REAL, "service_token": PLACEHOLDERS["service_token"]},
        )


def test_real_secrets_allow_development_off_loopback() -> None:
    dev = settings(environment="development", backend_host="0.0.0.0", **REAL)
    assert dev.backend_host == "0.0.0.0"


def test_the_defaults_are_a_loopback_development_setup(monkeypatch: pytest.MonkeyPatch) -> None:
    """What `make run` gets without a .env: it must keep starting."""
    for name in ("ENVIRONMENT", "JWT_SECRET", "SERVICE_TOKEN", "ENCRYPTION_KEYS", "BACKEND_HOST"):
        monkeypatch.delenv(name, raising=False)
    defaults = settings()
    assert defaults.environment == "development"
    assert defaults.backend_host == "127.0.0.1"
    assert defaults.jwt_secret.startswith("change-me")


def test_the_bind_address_is_read_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ENVIRONMENT", "development")
    for name in ("JWT_SECRET", "SERVICE_TOKEN", "ENCRYPTION_KEYS"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("BACKEND_HOST", "0.0.0.0")
    with pytest.raises(ValidationError, match="binds to 0.0.0.0"):
        settings()


def test_comma_separated_lists_are_read_from_the_environment(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("CORS_ORIGINS", "https://a.example, https://b.example")
    assert settings().cors_origins == ["https://a.example", "https://b.example"]
