"""POST .../insights/generate: 202 and a run to poll, one run at a time, members only."""

import socket

import pytest
from httpx import AsyncClient
from sqlalchemy import Engine, text

from backend.config import settings
from backend.insights import ai_core_client
from tests.backend.deals.factories import make_pipeline
from tests.backend.insights.generation_fixtures import AICore, add_deal, ai_core
from tests.backend.worker.queued_jobs import run_queued_jobs
from tests.factories import add_member, make_user

__all__ = ["ai_core"]  # fixtures


def generate_url(workspace_id: str) -> str:
    return f"/api/v1/workspaces/{workspace_id}/insights/generate"


async def test_generate_answers_202_with_a_run_that_shows_its_progress(
    client: AsyncClient, ai_core: AICore
) -> None:
    pipeline = await make_pipeline(client)
    await add_deal(pipeline, title="Globex renewal", idle_days=40.25, stage_days_ago=50)
    headers = pipeline.owner.headers

    started = await client.post(generate_url(pipeline.workspace_id), headers=headers)
    run_url = started.headers["Location"]
    queued = (await client.get(run_url, headers=headers)).json()
    await run_queued_jobs()
    finished = (await client.get(run_url, headers=headers)).json()

    assert started.status_code == 202
    assert run_url.endswith(f"/insights/runs/{started.json()['run_id']}")
    assert started.json()["status"] == "queued"
    assert (queued["status"], queued["trigger"], queued["started_at"]) == ("queued", "manual", None)
    assert finished["status"] == "succeeded"
    assert finished["started_at"] <= finished["finished_at"]


async def test_asking_again_while_a_run_is_queued_returns_that_run(
    client: AsyncClient, ai_core: AICore, sync_engine: Engine
) -> None:
    pipeline = await make_pipeline(client)
    headers = pipeline.owner.headers

    first = await client.post(generate_url(pipeline.workspace_id), headers=headers)
    second = await client.post(generate_url(pipeline.workspace_id), headers=headers)

    assert second.status_code == 202
    assert second.json()["run_id"] == first.json()["run_id"]
    with sync_engine.connect() as conn:
        jobs = conn.scalar(
            text("select count(*) from procrastinate_jobs where task_name = 'insights.generate'")
        )
    assert jobs == 1


async def test_a_viewer_cannot_start_a_run(client: AsyncClient, ai_core: AICore) -> None:
    pipeline = await make_pipeline(client)
    viewer = await make_user(client)
    await add_member(client, pipeline.workspace_id, pipeline.owner, viewer, "viewer")

    response = await client.post(generate_url(pipeline.workspace_id), headers=viewer.headers)

    assert response.status_code == 403


async def test_an_outsider_cannot_tell_the_workspace_exists(
    client: AsyncClient, ai_core: AICore
) -> None:
    pipeline = await make_pipeline(client)
    outsider = await make_user(client)

    response = await client.post(generate_url(pipeline.workspace_id), headers=outsider.headers)

    assert response.status_code == 404


async def test_a_member_can_start_a_run(client: AsyncClient, ai_core: AICore) -> None:
    pipeline = await make_pipeline(client)
    member = await make_user(client)
    await add_member(client, pipeline.workspace_id, pipeline.owner, member, "member")

    response = await client.post(generate_url(pipeline.workspace_id), headers=member.headers)

    assert response.status_code == 202


async def test_a_run_whose_ai_core_is_unreachable_fails_with_the_reason(
    client: AsyncClient, ai_core: AICore, monkeypatch: pytest.MonkeyPatch
) -> None:
    pipeline = await make_pipeline(client)
    await add_deal(pipeline, title="Globex renewal", idle_days=40.25, stage_days_ago=50)
    with socket.socket() as closed:  # bound, not listening: connections are refused
        closed.bind(("127.0.0.1", 0))
        monkeypatch.setattr(settings, "ai_core_url", f"http://127.0.0.1:{closed.getsockname()[1]}")
        ai_core_client.use_transport(None)
        started = await client.post(
            generate_url(pipeline.workspace_id), headers=pipeline.owner.headers
        )
        await run_queued_jobs()
    run = (await client.get(started.headers["Location"], headers=pipeline.owner.headers)).json()

    assert run["status"] == "failed"
    assert "AI core is not reachable" in run["error"]
    assert run["finished_at"] is not None
