"""A job whose worker died (no heartbeat any more) is queued again and finished by another."""

from httpx import AsyncClient
from sqlalchemy import Engine, text

from backend.db import session_factory
from backend.worker.app import defer
from backend.worker.tasks import retry_stalled_jobs
from tests.backend.deals.factories import make_pipeline
from tests.backend.imports.factories import (
    drain_until_finished,
    hubspot_csv,
    hubspot_row,
    upload,
)


def leave_running_on_a_dead_worker(engine: Engine) -> None:
    """The state a SIGKILLed worker leaves: its job `doing`, its heartbeat minutes old."""
    with engine.begin() as conn:
        worker_id = conn.scalar(
            text(
                "insert into procrastinate_workers (last_heartbeat) "
                "values (now() - interval '10 minutes') returning id"
            )
        )
        conn.execute(
            text("update procrastinate_jobs set status = 'doing', worker_id = :w"),
            {"w": worker_id},
        )
        conn.execute(text("update csv_import set status = 'running'"))


async def test_a_dead_workers_import_is_picked_up_again_and_finished(
    client: AsyncClient, sync_engine: Engine
) -> None:
    pipeline = await make_pipeline(client)
    started = await upload(
        client, pipeline.workspace_id, pipeline.owner, hubspot_csv([hubspot_row(1), hubspot_row(2)])
    )
    leave_running_on_a_dead_worker(sync_engine)
    async with session_factory()() as session:
        await defer(session, retry_stalled_jobs, timestamp=0)
        await session.commit()

    finished = await drain_until_finished(
        client, pipeline.workspace_id, pipeline.owner, started.json()["id"]
    )

    assert (finished["status"], finished["created_count"]) == ("succeeded", 2)
    with sync_engine.connect() as conn:
        job = conn.execute(
            text(
                "select status::text, attempts from procrastinate_jobs "
                "where task_name = 'imports.process_csv'"
            )
        ).one()
    # One attempt for the dead worker's run, one for the run that finished it.
    assert tuple(job) == ("succeeded", 2)
