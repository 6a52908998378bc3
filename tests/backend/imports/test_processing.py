"""The job survives crashes: committed batches stay, retries resume, the last failure shows."""

from typing import Any

import pytest
from httpx import AsyncClient
from sqlalchemy import Engine, text

from backend.deals import service as deals
from backend.imports import processing
from backend.worker.tasks import IMPORT_RETRY
from tests.backend.deals.factories import make_pipeline
from tests.backend.imports.factories import (
    drain_until_finished,
    hubspot_csv,
    hubspot_row,
    imports_url,
    upload,
)
from tests.backend.worker.queued_jobs import run_queued_jobs


class DatabaseWentAway(ConnectionError):
    pass


def crash_on_calls(monkeypatch: pytest.MonkeyPatch, calls: set[int]) -> None:
    """The real upsert, except that the given calls (1-based) fail as an outage would."""
    real = deals.upsert_by_external_id
    count = 0

    async def flaky(*args: Any, **kwargs: Any) -> Any:
        nonlocal count
        count += 1
        if count in calls:
            raise DatabaseWentAway("connection lost")
        return await real(*args, **kwargs)

    monkeypatch.setattr(deals, "upsert_by_external_id", flaky)


def job_state(engine: Engine) -> list[tuple[str, int]]:
    """The import jobs' (status, attempts): procrastinate counts every finished run."""
    with engine.connect() as conn:
        rows = conn.execute(
            text(
                "select status::text, attempts from procrastinate_jobs "
                "where task_name = 'imports.process_csv'"
            )
        ).all()
    return [(r.status, r.attempts) for r in rows]


async def test_a_crash_keeps_the_committed_batches_and_the_retry_resumes_without_duplicates(
    client: AsyncClient, sync_engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(processing, "BATCH_SIZE", 2)
    crash_on_calls(monkeypatch, {3})
    pipeline = await make_pipeline(client)
    started = await upload(
        client,
        pipeline.workspace_id,
        pipeline.owner,
        hubspot_csv([hubspot_row(i) for i in range(5)]),
    )
    url = f"{imports_url(pipeline.workspace_id)}/{started.json()['id']}"

    await run_queued_jobs()
    crashed = (await client.get(url, headers=pipeline.owner.headers)).json()
    assert (crashed["status"], crashed["processed_rows"], crashed["created_count"]) == (
        "queued",
        2,
        2,
    )
    assert job_state(sync_engine) == [("todo", 1)]

    finished = await drain_until_finished(
        client, pipeline.workspace_id, pipeline.owner, started.json()["id"]
    )

    assert (finished["status"], finished["processed_rows"]) == ("succeeded", 5)
    assert (finished["created_count"], finished["updated_count"], finished["errors"]) == (5, 0, [])
    listed = await client.get(pipeline.deals_url, headers=pipeline.owner.headers)
    assert listed.json()["total"] == 5
    assert job_state(sync_engine) == [("succeeded", 2)]


async def test_when_every_attempt_fails_the_import_and_its_job_are_marked_failed(
    client: AsyncClient, sync_engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(IMPORT_RETRY, "max_attempts", 1)
    crash_on_calls(monkeypatch, set(range(1, 100)))
    pipeline = await make_pipeline(client)
    started = await upload(
        client, pipeline.workspace_id, pipeline.owner, hubspot_csv([hubspot_row(1)])
    )

    finished = await drain_until_finished(
        client, pipeline.workspace_id, pipeline.owner, started.json()["id"]
    )

    assert finished["status"] == "failed"
    [error] = finished["errors"]
    assert (error["row"], error["column"]) == (None, None)
    assert "DatabaseWentAway" in error["reason"] and "after 2 attempts" in error["reason"]
    assert job_state(sync_engine) == [("failed", 2)]


async def test_a_file_broken_past_its_header_fails_the_import_without_retries(
    client: AsyncClient, sync_engine: Engine
) -> None:
    pipeline = await make_pipeline(client)
    content = hubspot_csv([hubspot_row(1)]) + b'2,"' + b"x" * 200_000 + b'"\r\n'
    started = await upload(client, pipeline.workspace_id, pipeline.owner, content)
    assert started.status_code == 202, started.text

    finished = await drain_until_finished(
        client, pipeline.workspace_id, pipeline.owner, started.json()["id"]
    )

    assert (finished["status"], finished["created_count"]) == ("failed", 0)
    assert "not valid CSV" in finished["errors"][0]["reason"]
    assert job_state(sync_engine) == [("succeeded", 1)]
