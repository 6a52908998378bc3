"""Insight runs, request side: queue a run and its job in one transaction.

A run is triggered on demand (POST .../insights/generate), by the daily schedule, or after
a large sync (`start_run(..., trigger=Trigger.sync)`). While a run of the workspace is
queued or running, asking again returns that run instead of queueing a second one.
"""

import uuid
from datetime import UTC, date, datetime, timedelta
from enum import StrEnum

from sqlalchemy.ext.asyncio import AsyncSession

from backend.db import session_factory
from backend.insights.run_repository import RunRepository
from backend.insights.settings import generation_settings
from backend.models import InsightRun, RunStatus
from backend.worker.app import defer
from backend.worker.insight_tasks import generate_insights

WEEKLY_RUN_WEEKDAY = 0  # Monday


class Trigger(StrEnum):
    manual = "manual"
    schedule = "schedule"
    sync = "sync"


async def start_run(
    session: AsyncSession, workspace_id: uuid.UUID, *, trigger: Trigger
) -> InsightRun:
    """Queue a run of the workspace, or return the one already queued or running."""
    runs = RunRepository(session)
    since = datetime.now(UTC) - timedelta(hours=generation_settings.active_run_hours)
    active = await runs.active(workspace_id, since=since)
    if active is not None:
        return active
    run = await runs.add(
        InsightRun(workspace_id=workspace_id, trigger=trigger.value, status=RunStatus.queued)
    )
    await defer(
        session,
        generate_insights,
        # One run of a workspace at a time; they write the same open insights.
        lock=f"insights:{workspace_id}",
        workspace_id=str(workspace_id),
        run_id=str(run.id),
    )
    return run


async def schedule_all(today: date | None = None) -> int:
    """Queue a scheduled run for every workspace due one today; how many were queued.

    Daily workspaces are due every day, weekly ones on Mondays, those set to off never.
    """
    weekly_day = (today or datetime.now(UTC).date()).weekday() == WEEKLY_RUN_WEEKDAY
    async with session_factory()() as session:
        queued = 0
        for workspace_id in await RunRepository(session).workspaces_due(weekly_day=weekly_day):
            run = await start_run(session, workspace_id, trigger=Trigger.schedule)
            queued += run.trigger == Trigger.schedule and run.status == RunStatus.queued
        await session.commit()
        return queued
