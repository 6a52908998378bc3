"""An ASGI client for the AI core, and the real backend served over HTTP for it to probe."""

import os
import socket
import subprocess
import sys
import time
from collections.abc import AsyncIterator, Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest
from httpx import ASGITransport, AsyncClient
from sqlalchemy.engine import make_url

from ai_core.app import create_app

ROOT_DIR = Path(__file__).resolve().parents[2]


@pytest.fixture
async def ai_client() -> AsyncIterator[AsyncClient]:
    transport = ASGITransport(app=create_app())
    async with AsyncClient(transport=transport, base_url="http://ai-core") as http:
        yield http


@contextmanager
def serve_backend(database_url: str) -> Iterator[str]:
    """The real backend under uvicorn in a subprocess, on a socket we bound (no port race)."""
    listener = socket.create_server(("127.0.0.1", 0))
    port = listener.getsockname()[1]
    uvicorn = [sys.executable, "-m", "uvicorn", "backend.app:create_app", "--factory"]
    process = subprocess.Popen(
        [*uvicorn, "--fd", str(listener.fileno()), "--log-level", "warning"],
        env={**os.environ, "DATABASE_URL": database_url},
        cwd=ROOT_DIR,
        pass_fds=[listener.fileno()],
    )
    listener.close()
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_until_alive(url, process)
        yield url
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def _wait_until_alive(url: str, process: subprocess.Popen[bytes], timeout: float = 90) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the backend exited with {process.returncode} before serving")
        try:
            if httpx.get(f"{url}/healthz", timeout=1).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.1)
    raise RuntimeError(f"the backend did not answer at {url} within {timeout:.0f}s")


@pytest.fixture(scope="module")
def ready_backend(database: str) -> Iterator[str]:
    """A backend whose database is reachable and migrated to head."""
    with serve_backend(database) as url:
        yield url


@pytest.fixture(scope="module")
def backend_without_database(database: str) -> Iterator[str]:
    """A backend that is alive but points at a database that does not exist."""
    missing = make_url(database).set(database="vectoros_missing_database")
    with serve_backend(missing.render_as_string(hide_password=False)) as url:
        yield url


@pytest.fixture
def closed_port() -> Iterator[int]:
    """A port bound by us but not listening: connections to it are refused at once."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        yield sock.getsockname()[1]
