"""The scheduled refresh: one run per workspace with open deals, never two at a time."""

from datetime import date

import pytest
from httpx import AsyncClient
from sqlalchemy import Engine, text

from backend.insights import generation
from backend.insights.settings import generation_settings
from backend.worker.app import app
from tests.backend.deals.factories import make_pipeline
from tests.backend.insights.generation_fixtures import AICore, add_deal, ai_core
from tests.backend.worker.queued_jobs import run_queued_jobs

__all__ = ["ai_core"]  # fixtures


def runs(engine: Engine) -> list[tuple[str, str, str]]:
    with engine.connect() as conn:
        rows = conn.execute(text("select workspace_id, trigger, status from insight_run")).all()
    return sorted((str(r.workspace_id), r.trigger, r.status) for r in rows)


async def test_every_workspace_with_open_deals_gets_a_scheduled_run(
    client: AsyncClient, sync_engine: Engine
) -> None:
    busy = await make_pipeline(client)
    idle = await make_pipeline(client)
    await add_deal(busy, title="Globex renewal")

    queued = await generation.schedule_all()

    assert queued == 1
    assert runs(sync_engine) == [(busy.workspace_id, "schedule", "queued")]
    assert idle.workspace_id not in {r[0] for r in runs(sync_engine)}


MONDAY = date(2026, 11, 23)
WEDNESDAY = date(2026, 11, 25)


@pytest.mark.parametrize(
    ("schedule", "today", "due"),
    [
        ("daily", WEDNESDAY, True),
        ("weekly", WEDNESDAY, False),
        ("weekly", MONDAY, True),
        ("off", MONDAY, False),
    ],
)
async def test_the_schedule_follows_the_workspace_preference(
    client: AsyncClient, sync_engine: Engine, schedule: str, today: date, due: bool
) -> None:
    pipeline = await make_pipeline(client)
    await add_deal(pipeline, title="Globex renewal")
    response = await client.patch(
        f"/api/v1/workspaces/{pipeline.workspace_id}/preferences",
        json={"insight_schedule": schedule},
        headers=pipeline.owner.headers,
    )
    assert response.status_code == 200, response.text

    queued = await generation.schedule_all(today)

    assert queued == int(due)
    expected = [(pipeline.workspace_id, "schedule", "queued")] if due else []
    assert runs(sync_engine) == expected


async def test_the_schedule_leaves_a_workspace_with_a_run_under_way_alone(
    client: AsyncClient, sync_engine: Engine
) -> None:
    pipeline = await make_pipeline(client)
    await add_deal(pipeline, title="Globex renewal")
    await client.post(
        f"/api/v1/workspaces/{pipeline.workspace_id}/insights/generate",
        headers=pipeline.owner.headers,
    )

    queued = await generation.schedule_all()

    assert queued == 0
    assert runs(sync_engine) == [(pipeline.workspace_id, "manual", "queued")]


async def test_scheduled_runs_are_carried_out_by_the_worker(
    client: AsyncClient, ai_core: AICore, sync_engine: Engine
) -> None:
    pipeline = await make_pipeline(client)
    await add_deal(pipeline, title="Globex renewal", idle_days=40.25, stage_days_ago=50)

    await generation.schedule_all()
    await run_queued_jobs()

    assert runs(sync_engine) == [(pipeline.workspace_id, "schedule", "succeeded")]


def test_the_schedule_is_a_periodic_job_on_the_configured_cron() -> None:
    periodic = {t.task.name: t.cron for t in app.periodic_registry.periodic_tasks.values()}

    assert periodic["insights.schedule_runs"] == generation_settings.schedule_cron
    assert app.tasks["insights.generate"].name == "insights.generate"
