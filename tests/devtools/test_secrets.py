"""`make secrets`: random strong secrets in .env, made from .env.example, real values kept."""

import stat
import subprocess
import sys
from pathlib import Path

import pytest
from cryptography.fernet import Fernet

from ai_core.config import Settings as AiCoreSettings
from backend.config import Settings as BackendSettings
from devtools import cli, secrets
from devtools.pg import ROOT_DIR
from kit.secrets import is_fernet_key, is_placeholder

EXAMPLE = ROOT_DIR / ".env.example"
NAMES = ["JWT_SECRET", "SERVICE_TOKEN", "ENCRYPTION_KEYS", "POSTGRES_PASSWORD"]


def values(env_file: Path) -> dict[str, str]:
    lines = env_file.read_text().splitlines()
    return dict(line.split("=", 1) for line in lines if "=" in line and not line.startswith("#"))


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_a_missing_env_file_is_made_from_the_example_with_strong_secrets(tmp_path: Path) -> None:
    env_file = tmp_path / ".env"
    assert secrets.write_secrets(env_file, EXAMPLE) == NAMES
    assert mode(env_file) == 0o600
    written = values(env_file)
    for name in ["JWT_SECRET", "SERVICE_TOKEN", "POSTGRES_PASSWORD"]:
        assert not is_placeholder(written[name]) and len(written[name]) >= 32, name
    assert is_fernet_key(written["ENCRYPTION_KEYS"])
    Fernet(written["ENCRYPTION_KEYS"].encode())
    # Url-safe: the password goes into DATABASE_URL as it is.
    assert written["POSTGRES_PASSWORD"].replace("-", "").replace("_", "").isalnum()
    # Everything else, comments included, is the example's.
    example = EXAMPLE.read_text().splitlines()
    kept = [line for line in example if line.split("=", 1)[0] not in NAMES]
    assert [line for line in env_file.read_text().splitlines() if line in kept] == kept


def test_two_runs_never_make_the_same_secrets(tmp_path: Path) -> None:
    secrets.write_secrets(tmp_path / "a.env", EXAMPLE)
    secrets.write_secrets(tmp_path / "b.env", EXAMPLE)
    first, second = values(tmp_path / "a.env"), values(tmp_path / "b.env")
    assert all(first[name] != second[name] for name in NAMES)


def test_the_secrets_written_start_the_services_in_production(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    env_file = tmp_path / ".env"
    secrets.write_secrets(env_file, EXAMPLE)
    for name in [*NAMES, "ENVIRONMENT"]:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("ENVIRONMENT", "production")
    backend = BackendSettings(_env_file=env_file)  # type: ignore[call-arg]
    ai_core = AiCoreSettings(_env_file=env_file)  # type: ignore[call-arg]
    assert backend.service_token == ai_core.service_token == values(env_file)["SERVICE_TOKEN"]


def test_real_values_are_kept_placeholders_replaced_and_missing_ones_added(
    tmp_path: Path,
) -> None:
    env_file = tmp_path / ".env"
    env_file.write_text(
        "# mine\nLOG_LEVEL=DEBUG\nJWT_SECRET=my-own-jwt-secret-0123456789abcdef0123\n"
        "SERVICE_TOKEN=change-me-service-token\nexport ENCRYPTION_KEYS=\n"
    )
    env_file.chmod(0o644)
    assert secrets.write_secrets(env_file, EXAMPLE) == [
        "SERVICE_TOKEN",
        "ENCRYPTION_KEYS",
        "POSTGRES_PASSWORD",
    ]
    lines = env_file.read_text().splitlines()
    assert lines[:3] == [
        "# mine",
        "LOG_LEVEL=DEBUG",
        "JWT_SECRET=my-own-jwt-secret-0123456789abcdef0123",
    ]
    written = values(env_file)
    assert not is_placeholder(written["SERVICE_TOKEN"])
    assert is_fernet_key(written["ENCRYPTION_KEYS"])
    assert written["POSTGRES_PASSWORD"]
    assert mode(env_file) == 0o600


def test_a_second_run_changes_nothing_but_the_file_mode(tmp_path: Path) -> None:
    env_file = tmp_path / ".env"
    secrets.write_secrets(env_file, EXAMPLE)
    before = env_file.read_text()
    env_file.chmod(0o644)
    assert secrets.write_secrets(env_file, EXAMPLE) == []
    assert env_file.read_text() == before
    assert mode(env_file) == 0o600


def test_a_key_list_holding_a_real_key_is_left_alone(tmp_path: Path) -> None:
    """Dropping a key would lose what it encrypted; the settings name the bad entry instead."""
    real = Fernet.generate_key().decode()
    env_file = tmp_path / ".env"
    env_file.write_text(f"ENCRYPTION_KEYS={real},change-me-old\n")
    assert "ENCRYPTION_KEYS" not in secrets.write_secrets(env_file, EXAMPLE)
    assert values(env_file)["ENCRYPTION_KEYS"] == f"{real},change-me-old"


def test_make_secrets_needs_nothing_but_the_standard_library(tmp_path: Path) -> None:
    """It runs before anything is installed: `python3 -m devtools.secrets`, no site-packages."""
    env_file = tmp_path / ".env"
    done = subprocess.run(
        [sys.executable, "-S", "-m", "devtools.secrets", "--env-file", str(env_file)],
        cwd=ROOT_DIR,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    assert f"wrote random {', '.join(NAMES)}" in done.stdout
    assert is_fernet_key(values(env_file)["ENCRYPTION_KEYS"])
    again = subprocess.run(
        [sys.executable, "-S", "-m", "devtools.secrets", "--env-file", str(env_file)],
        cwd=ROOT_DIR,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert f"kept the {', '.join(NAMES)} already set" in again.stdout


def test_the_make_target_and_the_cli_command_run_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    dry_run = subprocess.run(
        ["make", "-n", "secrets"], cwd=ROOT_DIR, capture_output=True, text=True, timeout=60
    )
    assert dry_run.returncode == 0, dry_run.stderr
    assert "python3 -m devtools.secrets" in dry_run.stdout
    monkeypatch.setattr(secrets, "ENV_FILE", tmp_path / ".env")
    cli.main(["secrets"])
    assert is_fernet_key(values(tmp_path / ".env")["ENCRYPTION_KEYS"])
