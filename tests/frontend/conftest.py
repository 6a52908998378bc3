"""The real backend and the Reflex frontend as subprocesses, driven by the system's chromium."""

import logging
import os
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, Playwright, expect, sync_playwright

from devtools.browser import CHROMIUM, CHROMIUM_ARGS
from devtools.frontend import FRONTEND_DIR, frontend_command, wait_until_up_blocking
from devtools.pg import DATA_DIR, ROOT_DIR
from devtools.processes import free_port, stop_group

logger = logging.getLogger(__name__)

# Reflex runs the app from frontend/, so its package is importable from there only.
if str(FRONTEND_DIR) not in sys.path:
    sys.path.insert(0, str(FRONTEND_DIR))

BACKEND_START_TIMEOUT = 60.0
# The first run installs npm packages and builds the bundle; later runs only rebuild it.
FRONTEND_START_TIMEOUT = 420.0
# The tests' own build folder, so a `vectoros run` on the same checkout keeps its bundle.
# VECTOROS_TEST_WEB_DIR gives concurrent runs on one checkout a build folder each.
TEST_WEB_DIR = Path(os.environ.get("VECTOROS_TEST_WEB_DIR") or DATA_DIR / "frontend-test" / ".web")


@dataclass(frozen=True)
class Servers:
    backend_url: str
    frontend_url: str


@contextmanager
def serving(
    name: str,
    argv: list[str],
    env: dict[str, str],
    cwd: Path,
    url: str,
    timeout: float,
    log_dir: Path,
) -> Iterator[None]:
    """Run a server until the block ends; its output goes to a log file, shown if it fails."""
    log_path = log_dir / f"{name}.log"
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            argv, env=env, cwd=cwd, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
        )
        started = time.monotonic()
        try:
            try:
                wait_until_up_blocking(url, timeout=timeout, process=process)
            except (RuntimeError, TimeoutError) as exc:
                tail = log_path.read_text(errors="replace")[-4000:]
                message = f"{name} did not start: {exc}\n--- {log_path} ---\n{tail}"
                raise RuntimeError(message) from exc
            logger.info("%s up in %.1f s at %s", name, time.monotonic() - started, url)
            yield
        finally:
            stop_group(process)


def backend_argv(port: int) -> list[str]:
    uv = os.environ.get("UV") or shutil.which("uv")
    runner = [uv, "run", "--frozen"] if uv else [sys.executable, "-m"]
    return [
        *runner,
        "uvicorn",
        "backend.app:create_app",
        "--factory",
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
    ]


@pytest.fixture(scope="session")
def log_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("server-logs")


@pytest.fixture(scope="session")
def backend_url(database: str, log_dir: Path) -> Iterator[str]:
    """The real API under uvicorn, on the suite's database."""
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    # The suite's conftest already put ENVIRONMENT, JWT_SECRET, SERVICE_TOKEN and
    # ENCRYPTION_KEYS in os.environ; the subprocess inherits them.
    env = {**os.environ, "DATABASE_URL": database}
    with serving(
        "backend",
        backend_argv(port),
        env,
        ROOT_DIR,
        f"{url}/readyz",
        BACKEND_START_TIMEOUT,
        log_dir,
    ):
        yield url


@pytest.fixture(scope="module")
def servers(backend_url: str, log_dir: Path) -> Iterator[Servers]:
    """The API plus the Reflex app (production build, one port) that talks to it."""
    port = free_port()
    frontend_url = f"http://127.0.0.1:{port}"
    argv, env, cwd = frontend_command(port=port, backend_url=backend_url, web_dir=TEST_WEB_DIR)
    with serving("frontend", argv, env, cwd, frontend_url, FRONTEND_START_TIMEOUT, log_dir):
        yield Servers(backend_url=backend_url, frontend_url=frontend_url)


@pytest.fixture(scope="module")
def playwright() -> Iterator[Playwright]:
    if not Path(CHROMIUM).exists():
        pytest.skip(f"{CHROMIUM} is not installed")
    with sync_playwright() as pw:
        yield pw


@pytest.fixture(scope="module")
def browser(playwright: Playwright) -> Iterator[Browser]:
    browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
    yield browser
    browser.close()


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    # Generous: the machine may be busy, and every step is a websocket round trip.
    context.set_default_timeout(20_000)
    expect.set_options(timeout=20_000)
    page = context.new_page()
    yield page
    context.close()
