"""The queue's wiring: our database, jobs bound to the caller's transaction, retry policy."""

import importlib
from datetime import UTC, datetime

import pytest
from procrastinate.jobs import Job
from sqlalchemy import Engine, text
from sqlalchemy.engine import make_url

from backend.config import settings
from backend.db import session_factory
from backend.insights.settings import generation_settings
from backend.worker import hubspot_tasks, tasks
from backend.worker.app import app, conninfo, defer


def jobs(engine: Engine) -> list[str]:
    with engine.connect() as conn:
        return list(conn.scalars(text("select task_name from procrastinate_jobs")).all())


def test_the_queue_uses_the_database_the_process_is_configured_for(database: str) -> None:
    url = make_url(conninfo())

    assert url.drivername == "postgresql"
    assert url.set(drivername="postgresql+psycopg") == make_url(database)


async def test_a_job_deferred_in_a_rolled_back_transaction_never_exists(
    sync_engine: Engine,
) -> None:
    async with session_factory()() as session:
        await defer(session, tasks.retry_stalled_jobs, timestamp=0)
        await session.rollback()

    assert jobs(sync_engine) == []


async def test_a_job_deferred_in_a_committed_transaction_is_queued(sync_engine: Engine) -> None:
    async with session_factory()() as session:
        job_id = await defer(session, tasks.retry_stalled_jobs, timestamp=0)
        assert jobs(sync_engine) == []  # not visible before the commit
        await session.commit()

    assert job_id > 0
    assert jobs(sync_engine) == ["worker.retry_stalled_jobs"]


@pytest.mark.parametrize(
    ("attempts", "wait_seconds"), [(0, 2), (1, 4), (2, 8), (3, 16), (4, 32), (5, None)]
)
def test_imports_retry_with_exponential_backoff_then_stop(
    attempts: int, wait_seconds: int | None
) -> None:
    job = Job(
        id=1, queue="default", lock=None, queueing_lock=None, task_name="t", attempts=attempts
    )
    before = datetime.now(UTC)

    decision = tasks.IMPORT_RETRY.get_retry_decision(exception=ConnectionError(), job=job)

    if wait_seconds is None:
        assert decision is None
    else:
        assert decision is not None and decision.retry_at is not None
        assert round((decision.retry_at - before).total_seconds()) == wait_seconds


def test_the_tasks_and_their_schedules_are_registered() -> None:
    for path in app.import_paths:  # what a worker imports on start
        importlib.import_module(path)
    periodic = {task.task.name: task.cron for task in app.periodic_registry.periodic_tasks.values()}

    assert app.tasks["imports.process_csv"].retry_strategy is tasks.IMPORT_RETRY
    assert app.tasks["hubspot.sync"].retry_strategy is hubspot_tasks.HUBSPOT_SYNC_RETRY
    assert periodic == {
        "worker.retry_stalled_jobs": "* * * * *",
        "worker.remove_old_jobs": "17 3 * * *",
        "insights.schedule_runs": generation_settings.schedule_cron,
        "hubspot.schedule_syncs": settings.hubspot_sync_cron,
        "notion.schedule_reconcile": "41 * * * *",
        "analytics.compact_stage_funnel": "* * * * *",
    }
