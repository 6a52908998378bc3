"""The agent in-process: its tools read the real backend app (ASGI) with a scoped token, and
Claude is the fake Anthropic server on 127.0.0.1, driven through the real SDK."""

import uuid
from collections.abc import AsyncIterator, Callable
from datetime import UTC, datetime

import pytest
from httpx import ASGITransport, AsyncClient
from langchain_anthropic import ChatAnthropic
from pydantic import SecretStr
from sqlalchemy import Engine

from ai_core import config
from ai_core.agents.context import ChatContext
from ai_core.clients.workspace_api import WorkspaceApi
from ai_core.llm import chat_model
from backend.app import create_app as create_backend
from backend.auth.deps import WorkspaceContext
from backend.chat.service import assistant_token
from backend.models import Role
from tests.ai_core.agents.factories import Seeded, seed_workspaces
from tests.fakes.anthropic_server import FakeAnthropic, anthropic_server, fake_anthropic

__all__ = ["anthropic_server", "fake_anthropic"]

MakeContext = Callable[..., ChatContext]


@pytest.fixture
async def seeded(client: AsyncClient, sync_engine: Engine) -> Seeded:
    return await seed_workspaces(client, sync_engine)


@pytest.fixture
async def make_context(database: str) -> AsyncIterator[MakeContext]:
    """Contexts as /v1/chat builds them: the user's 5-minute read-only token for a workspace."""
    transport = ASGITransport(app=create_backend())
    apis: list[WorkspaceApi] = []

    def make(user_id: uuid.UUID, workspace_id: str) -> ChatContext:
        workspace = uuid.UUID(workspace_id)
        token = assistant_token(WorkspaceContext(workspace, Role.owner, user_id, None))
        api = WorkspaceApi("http://backend", workspace, token, timeout=10, transport=transport)
        apis.append(api)
        return ChatContext(workspace_id=workspace, user_id=user_id, api=api, now=datetime.now(UTC))

    yield make
    for api in apis:
        await api.__aexit__(None, None, None)


@pytest.fixture
def claude(fake_anthropic: FakeAnthropic) -> ChatAnthropic:
    """The production model factory, pointed at the fake; no retries, so errors show at once."""
    settings = config.Settings(
        anthropic_api_key=SecretStr("test-key"), anthropic_base_url=fake_anthropic.base_url
    )
    model = chat_model(settings, max_retries=0, timeout_seconds=10)
    assert model is not None
    return model
