"""The whole chat path on real servers: the backend and the AI core under uvicorn, each calling
the other over HTTP, and Claude as the fake Anthropic server on 127.0.0.1."""

import os
import socket
from collections.abc import AsyncIterator, Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest
from httpx import AsyncClient
from sqlalchemy import Engine

from tests.ai_core.agents.factories import Seeded, seed_workspaces
from tests.app_servers import serving, wait_until_alive
from tests.fakes.anthropic_server import FakeAnthropic, anthropic_server, fake_anthropic

__all__ = ["anthropic_server", "fake_anthropic"]


@dataclass(frozen=True)
class Stack:
    backend_url: str
    ai_core_url: str


@contextmanager
def serve_stacks(
    database: str, log_dir: Path, ai_envs: dict[str, dict[str, str]]
) -> Iterator[dict[str, Stack]]:
    """One backend + AI core pair per entry of `ai_envs`, all started at once (imports are slow)."""
    base = {k: v for k, v in os.environ.items() if not k.startswith("ANTHROPIC_")}
    base["DATABASE_URL"] = database
    stacks: dict[str, Stack] = {}
    logs: list[Path] = []
    with ExitStack() as running:
        for name, ai_env in ai_envs.items():
            backend_socket = socket.create_server(("127.0.0.1", 0))
            ai_socket = socket.create_server(("127.0.0.1", 0))
            backend_url = f"http://127.0.0.1:{backend_socket.getsockname()[1]}"
            ai_core_url = f"http://127.0.0.1:{ai_socket.getsockname()[1]}"
            logs += [log_dir / f"{name}-backend.log", log_dir / f"{name}-ai_core.log"]
            backend_env = {**base, "AI_CORE_URL": ai_core_url}
            ai_core_env = {**base, "BACKEND_URL": backend_url, **ai_env}
            running.enter_context(
                serving("backend.app:create_app", backend_env, backend_socket, logs[-2])
            )
            running.enter_context(
                serving("ai_core.app:create_app", ai_core_env, ai_socket, logs[-1])
            )
            stacks[name] = Stack(backend_url=backend_url, ai_core_url=ai_core_url)
        urls = [url for stack in stacks.values() for url in (stack.backend_url, stack.ai_core_url)]
        wait_until_alive(*urls, logs=logs)
        yield stacks


@pytest.fixture(scope="session")
def stacks(
    database: str, anthropic_server: FakeAnthropic, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[dict[str, Stack]]:
    """`claude`: with an Anthropic key, Claude being the fake server; `no_key`: without one."""
    envs = {
        "claude": {
            "ANTHROPIC_API_KEY": "test-key",
            "ANTHROPIC_BASE_URL": anthropic_server.base_url,
        },
        "no_key": {},
    }
    with serve_stacks(database, tmp_path_factory.mktemp("chat-stacks"), envs) as running:
        yield running


@pytest.fixture
async def seeded(client: AsyncClient, sync_engine: Engine) -> Seeded:
    return await seed_workspaces(client, sync_engine)


@pytest.fixture
async def claude_api(stacks: dict[str, Stack]) -> AsyncIterator[AsyncClient]:
    async with AsyncClient(base_url=stacks["claude"].backend_url, timeout=60) as http:
        yield http


@pytest.fixture
async def no_key_api(stacks: dict[str, Stack]) -> AsyncIterator[AsyncClient]:
    async with AsyncClient(base_url=stacks["no_key"].backend_url, timeout=60) as http:
        yield http
