"""An ASGI client for the AI core, and the real backend served over HTTP for it to probe."""

import os
import socket
from collections.abc import AsyncIterator, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from httpx import ASGITransport, AsyncClient
from sqlalchemy.engine import make_url

from ai_core.app import create_app
from tests.app_servers import serving, wait_until_alive


@pytest.fixture
async def ai_client() -> AsyncIterator[AsyncClient]:
    transport = ASGITransport(app=create_app())
    async with AsyncClient(transport=transport, base_url="http://ai-core") as http:
        yield http


@contextmanager
def serve_backend(database_url: str, log: Path) -> Iterator[str]:
    """The real backend under uvicorn in a subprocess, on a socket we bound (no port race)."""
    listener = socket.create_server(("127.0.0.1", 0))
    env = {**os.environ, "DATABASE_URL": database_url}
    with serving("backend.app:create_app", env, listener, log) as url:
        wait_until_alive(url, logs=[log])
        yield url


@pytest.fixture(scope="module")
def ready_backend(database: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A backend whose database is reachable and migrated to head."""
    with serve_backend(database, tmp_path_factory.mktemp("ready") / "backend.log") as url:
        yield url


@pytest.fixture(scope="module")
def backend_without_database(
    database: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[str]:
    """A backend that is alive but points at a database that does not exist."""
    missing = make_url(database).set(database="vectoros_missing_database")
    log = tmp_path_factory.mktemp("no-database") / "backend.log"
    with serve_backend(missing.render_as_string(hide_password=False), log) as url:
        yield url


@pytest.fixture
def closed_port() -> Iterator[int]:
    """A port bound by us but not listening: connections to it are refused at once."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        yield sock.getsockname()[1]
