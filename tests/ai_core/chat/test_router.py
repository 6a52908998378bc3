"""`POST /v1/chat`: only the backend may call it, and it streams the answer as SSE."""

import uuid
from collections.abc import Iterator

import pytest
from httpx import AsyncClient
from pydantic import SecretStr
from sqlalchemy import Engine

from ai_core.config import settings
from backend.auth.deps import WorkspaceContext
from backend.chat.service import assistant_token
from backend.models import Role
from tests.ai_core.agents.factories import Seeded, seed_workspaces
from tests.ai_core.chat.sse import answer_text, parse_sse
from tests.fakes.anthropic_server import FakeAnthropic, anthropic_server, fake_anthropic
from tests.fakes.anthropic_wire import text, tool_use

__all__ = ["anthropic_server", "fake_anthropic"]

SERVICE = {"Authorization": f"Bearer {settings.service_token}"}


@pytest.fixture
def reads_the_real_backend(ready_backend: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setattr(settings, "backend_url", ready_backend)
    monkeypatch.setattr(settings, "anthropic_api_key", None)
    yield


def turn(seeded: Seeded, question: str) -> dict:
    workspace = uuid.UUID(seeded.a.workspace_id)
    ctx = WorkspaceContext(workspace, Role.owner, seeded.owner.id, None)
    return {
        "workspace_id": str(workspace),
        "user_id": str(seeded.owner.id),
        "user_token": assistant_token(ctx),
        "messages": [
            {"role": "user", "content": "Hello"},
            {"role": "assistant", "content": "Hi, how can I help?"},
            {"role": "user", "content": question},
        ],
    }


async def test_chat_refuses_a_caller_without_the_service_token(ai_client: AsyncClient) -> None:
    body = {
        "workspace_id": str(uuid.uuid4()),
        "user_token": "x",
        "messages": [{"role": "user", "content": "hi"}],
    }
    response = await ai_client.post("/v1/chat", json=body)

    assert response.status_code == 401
    assert response.json()["error"]["code"] == "invalid_service_token"


async def test_chat_needs_a_question_last(ai_client: AsyncClient) -> None:
    body = {
        "workspace_id": str(uuid.uuid4()),
        "user_token": "x",
        "messages": [{"role": "assistant", "content": "hi"}],
    }
    response = await ai_client.post("/v1/chat", json=body, headers=SERVICE)

    assert response.status_code == 422
    assert response.json()["error"]["details"][0]["field"] == "body.messages"


async def test_chat_without_a_key_streams_a_no_ai_answer(
    ai_client: AsyncClient, client: AsyncClient, sync_engine: Engine, reads_the_real_backend: None
) -> None:
    seeded = await seed_workspaces(client, sync_engine)

    response = await ai_client.post(
        "/v1/chat", json=turn(seeded, "Which deals are at risk?"), headers=SERVICE
    )

    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/event-stream")
    events = parse_sse(response.text)
    names = [name for name, _ in events]
    assert names[:2] == ["tool", "tool"]
    assert names[-1] == "done" and set(names[2:-1]) == {"token"}
    started, finished = events[0][1], events[1][1]
    assert (started["name"], started["status"]) == ("at_risk_deals", "started")
    assert (finished["status"], finished["ok"], finished["summary"]) == (
        "finished",
        True,
        "1 deal at risk",
    )
    assert events[-1][1]["used_ai"] is False
    assert "[Initech expansion]" in answer_text(events)


async def test_chat_with_claude_streams_tokens_and_tools(
    ai_client: AsyncClient,
    client: AsyncClient,
    sync_engine: Engine,
    reads_the_real_backend: None,
    fake_anthropic: FakeAnthropic,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(settings, "anthropic_api_key", SecretStr("test-key"))
    monkeypatch.setattr(settings, "anthropic_base_url", fake_anthropic.base_url)
    seeded = await seed_workspaces(client, sync_engine)
    fake_anthropic.script(
        tool_use("pipeline_summary", {}), text("Your open pipeline holds three deals today.")
    )

    response = await ai_client.post("/v1/chat", json=turn(seeded, "Pipeline?"), headers=SERVICE)

    events = parse_sse(response.text)
    assert [(n, d.get("status")) for n, d in events if n == "tool"] == [
        ("tool", "started"),
        ("tool", "finished"),
    ]
    assert answer_text(events) == "Your open pipeline holds three deals today."
    assert events[-1] == ("done", events[-1][1]) and events[-1][1]["used_ai"] is True
    history = fake_anthropic.bodies[0]["messages"]
    assert [m["role"] for m in history] == ["user", "assistant", "user"]
