"""The AI core in-process for the backend's insight runs, Claude faked on 127.0.0.1, and deals
written straight to Postgres with exact timestamps (so the tests can recompute them in SQL)."""

import json
import os
import re
import socket
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

import httpx
import pytest
from httpx import AsyncClient
from pydantic import SecretStr

from ai_core.app import create_app as create_ai_core
from ai_core.config import Settings as AICoreSettings
from ai_core.insights.config import insight_settings
from ai_core.insights.router import insight_model
from ai_core.llm import chat_model
from backend import db
from backend.config import settings as backend_settings
from backend.insights import ai_core_client
from backend.models import Activity, ActivityType, Deal, DealSource, PipelineStage
from tests.app_servers import serving, wait_until_alive
from tests.backend.deals.factories import Pipeline
from tests.backend.worker.queued_jobs import run_queued_jobs
from tests.fakes.anthropic_server import FakeAnthropic
from tests.fakes.anthropic_wire import JSON, Structured, structured

MODEL = "claude-sonnet-4-6"
DATA_BLOCK = re.compile(r"<crm_data>\n(.*)\n</crm_data>", re.S)


@dataclass
class AICore:
    """The AI core app the backend's client talks to; choose how it reaches Claude."""

    app: Any

    def use_claude(self, fake: FakeAnthropic, *, max_retries: int = 2) -> None:
        settings = AICoreSettings(
            _env_file=None,  # type: ignore[call-arg]
            anthropic_api_key=SecretStr("test"),
            anthropic_base_url=fake.base_url,
            anthropic_model=MODEL,
        )
        self.app.dependency_overrides[insight_model] = lambda: chat_model(
            settings, max_retries=max_retries, timeout_seconds=10
        )

    def without_key(self) -> None:
        self.app.dependency_overrides[insight_model] = lambda: None


@pytest.fixture
def ai_core() -> Iterator[AICore]:
    app = create_ai_core()
    core = AICore(app)
    core.without_key()
    ai_core_client.use_transport(httpx.ASGITransport(app=app))
    yield core
    ai_core_client.use_transport(None)


@pytest.fixture(scope="module")
def served_ai_core(
    anthropic_server: FakeAnthropic, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[str]:
    """The AI core under uvicorn, as deployed (TCP, its body limits); Claude is the fake."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("ANTHROPIC_", "INSIGHTS_"))}
    env |= {
        "ANTHROPIC_API_KEY": "test-key",
        "ANTHROPIC_BASE_URL": anthropic_server.base_url,
        "ANTHROPIC_MODEL": MODEL,
    }
    log = tmp_path_factory.mktemp("served-ai-core") / "ai_core.log"
    listener = socket.create_server(("127.0.0.1", 0))
    with serving("ai_core.app:create_app", env, listener, log) as url:
        wait_until_alive(url, logs=[log])
        yield url


@pytest.fixture
def over_http(served_ai_core: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """The backend's client talks to the served AI core over the network."""
    monkeypatch.setattr(backend_settings, "ai_core_url", served_ai_core)
    ai_core_client.use_transport(None)
    yield served_ai_core
    ai_core_client.use_transport(None)


@pytest.fixture
def top_k(monkeypatch: pytest.MonkeyPatch) -> int:
    monkeypatch.setattr(insight_settings, "top_k", 5)
    return 5


def crm_data(body: JSON) -> dict[str, Any]:
    """The JSON block of the last user message, as Claude received it."""
    content = body["messages"][-1]["content"]
    text = content if isinstance(content, str) else "".join(b.get("text", "") for b in content)
    match = DATA_BLOCK.search(text)
    assert match, "the request has no <crm_data> block"
    return json.loads(match.group(1))


def faithful_claude(body: JSON) -> Structured:
    """A Claude that writes every signal up, citing only numbers from its evidence."""
    data = crm_data(body)
    insights = []
    for signal in reversed(data["signals"]):  # its own ranking: reversed
        evidence = signal["evidence"]
        if signal["type"] == "prediction":
            text = f"Likely outcome {evidence['p50']} this period."
        else:
            text = f"{signal['concerns']['deal']} is at risk; it is worth {evidence['amount']}."
        insights.append(
            {
                "signal_key": signal["signal_key"],
                "title": f"AI: {signal['concerns'].get('deal') or 'Forecast'}",
                "description": text,
                "suggested_actions": ["Call the buyer this week"],
                "priority": "high",
            }
        )
    summary = data["summary"]["evidence"]
    return structured(
        {
            "insights": insights,
            "summary": {
                "title": "AI summary",
                "description": f"{summary['open_deals']} open deals, {summary['deals_at_risk']} "
                "at risk.",
                "suggested_actions": ["Review the riskiest deals"],
            },
        }
    )


async def run_generation(
    client: AsyncClient, workspace_id: str, headers: dict[str, str]
) -> dict[str, Any]:
    """POST generate, run the queued jobs in this process, return the finished run."""
    started = await client.post(
        f"/api/v1/workspaces/{workspace_id}/insights/generate", headers=headers
    )
    assert started.status_code == 202, started.text
    await run_queued_jobs()
    run = await client.get(
        f"/api/v1/workspaces/{workspace_id}/insights/runs/{started.json()['run_id']}",
        headers=headers,
    )
    assert run.status_code == 200, run.text
    return run.json()


async def insights_of(
    client: AsyncClient, workspace_id: str, headers: dict[str, str]
) -> list[dict[str, Any]]:
    listed = await client.get(
        f"/api/v1/workspaces/{workspace_id}/insights", params={"limit": 200}, headers=headers
    )
    assert listed.status_code == 200, listed.text
    return listed.json()["items"]


def days_ago(days: float, now: datetime | None = None) -> datetime:
    return (now or datetime.now(UTC)) - timedelta(days=days)


async def add_deal(
    pipeline: Pipeline,
    *,
    title: str,
    stage: str = "proposal",
    amount: str = "10000.00",
    created_days_ago: float = 60.5,
    stage_days_ago: float = 10.25,
    idle_days: float | None = 1.25,
    pushes: int = 0,
    close_in_days: int | None = 45,
    contact_email: str | None = "buyer@example.com",
    owner_id: uuid.UUID | None = None,
) -> str:
    """An open deal with exact timestamps relative to now (no history rows needed)."""
    async with db.session_factory()() as session:
        deal = Deal(
            workspace_id=uuid.UUID(pipeline.workspace_id),
            title=title,
            amount=Decimal(amount),
            currency="USD",
            stage_id=uuid.UUID(pipeline.stages[stage]),
            expected_close_date=(
                date.today() + timedelta(days=close_in_days) if close_in_days is not None else None
            ),
            contact_email=contact_email,
            source=DealSource.manual,
            owner_id=owner_id or pipeline.owner.id,
            created_at=days_ago(created_days_ago),
            stage_entered_at=days_ago(stage_days_ago),
            last_activity_at=days_ago(idle_days) if idle_days is not None else None,
            close_date_push_count=pushes,
        )
        session.add(deal)
        await session.commit()
        return str(deal.id)


async def add_activity(
    pipeline: Pipeline,
    deal_id: str,
    *,
    type: ActivityType = ActivityType.call,
    done_days_ago: float | None = 1.0,
    scheduled_in_days: float | None = None,
) -> None:
    async with db.session_factory()() as session:
        when = (
            days_ago(done_days_ago)
            if done_days_ago is not None
            else datetime.now(UTC) + timedelta(days=scheduled_in_days or 1)
        )
        session.add(
            Activity(
                workspace_id=uuid.UUID(pipeline.workspace_id),
                deal_id=uuid.UUID(deal_id),
                type=type,
                subject=f"{type.value} with the buyer",
                completed_at=when if done_days_ago is not None else None,
                scheduled_at=None if done_days_ago is not None else when,
                occurred_at=when,
                owner_id=pipeline.owner.id,
                source=DealSource.manual,
            )
        )
        await session.commit()


async def stage_rotting_days(pipeline: Pipeline, stage: str) -> int | None:
    async with db.session_factory()() as session:
        found = await session.get(PipelineStage, uuid.UUID(pipeline.stages[stage]))
        assert found is not None
        return found.rotting_days
