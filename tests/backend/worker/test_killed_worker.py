"""A worker SIGKILLed in the middle of a HubSpot backfill: another worker finishes the job.

Two real `python -m backend.worker` processes against the fake HubSpot API. The first is
killed while its request for the second page of deals is held open by the fake; the
second worker, once the first one's heartbeat is stale, takes the job over and the
backfill resumes from the checkpoint the first left (page one is not read again).
"""

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from typing import Any

import pytest
from httpx import AsyncClient
from procrastinate.exceptions import AlreadyEnqueued
from sqlalchemy import Engine, text

from backend.db import session_factory
from backend.worker.app import defer
from backend.worker.tasks import retry_stalled_jobs
from devtools.pg import ROOT_DIR
from tests.backend.hubspot.factories import connect
from tests.fakes import hubspot_records as records
from tests.fakes.hubspot_api import FakeHubSpot, fake_hubspot, hubspot_server

__all__ = ["fake_hubspot", "hubspot_server"]

DEALS = "/crm/v3/objects/deals"
WAIT_SECONDS = 180


def start_worker(database: str, fake: FakeHubSpot) -> subprocess.Popen[bytes]:
    env = {
        **os.environ,
        "DATABASE_URL": database,
        "HUBSPOT_API_BASE_URL": fake.base_url,
        # No scheduled syncs in this test: only the backfill it starts.
        "HUBSPOT_SYNC_CRON": "0 0 1 1 *",
    }
    return subprocess.Popen(
        [sys.executable, "-m", "backend.worker", "--concurrency", "1"],
        cwd=ROOT_DIR,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


@pytest.fixture
def workers() -> Iterator[list[subprocess.Popen[bytes]]]:
    started: list[subprocess.Popen[bytes]] = []
    yield started
    for worker in started:
        if worker.poll() is None:
            worker.kill()
        worker.wait()


def one(engine: Engine, sql: str, **params: Any) -> Any:
    with engine.connect() as conn:
        return conn.execute(text(sql), params).one()


def wait_for(condition: Any, what: str) -> None:
    deadline = time.monotonic() + WAIT_SECONDS
    while not condition():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.2)


async def test_a_killed_workers_backfill_is_finished_by_another_worker(
    client: AsyncClient,
    fake_hubspot: FakeHubSpot,
    database: str,
    sync_engine: Engine,
    workers: list[subprocess.Popen[bytes]],
) -> None:
    fake_hubspot.deals += [
        records.deal(
            str(9_000_000 + i), f"Deal {i}", "qualifiedtobuy", modified="2026-01-06T10:00:00.000Z"
        )
        for i in range(150)
    ]
    held = fake_hubspot.hold(DEALS, after="100")
    connected = await connect(client, fake_hubspot)
    assert connected.response.status_code == 201, connected.response.text

    first = start_worker(database, fake_hubspot)
    workers.append(first)
    assert held.reached.wait(WAIT_SECONDS), "the first worker never asked for page two"
    first.send_signal(signal.SIGKILL)
    first.wait()
    job = one(
        sync_engine,
        "select status::text, worker_id from procrastinate_jobs where task_name = 'hubspot.sync'",
    )
    deals_before = one(sync_engine, "select count(*) from deal")[0]
    fake_hubspot.release()
    # A dead worker's heartbeat stops; make it as old as a minute of silence would.
    with sync_engine.begin() as conn:
        conn.execute(
            text(
                "update procrastinate_workers "
                "set last_heartbeat = now() - interval '10 minutes' where id = :w"
            ),
            {"w": job.worker_id},
        )
    second = start_worker(database, fake_hubspot)
    workers.append(second)
    try:
        async with session_factory()() as session:
            await defer(session, retry_stalled_jobs, timestamp=0)
            await session.commit()
    except AlreadyEnqueued:
        pass  # the first worker's schedule had queued it already: the second one runs it

    wait_for(
        lambda: one(sync_engine, "select status::text from hubspot_sync_run")[0] == "succeeded",
        "the second worker to finish the backfill",
    )
    second.send_signal(signal.SIGTERM)
    second.wait(timeout=WAIT_SECONDS)

    assert job.status == "doing"  # what the killed worker left behind
    assert deals_before == 100  # page one was committed before the kill
    run = one(sync_engine, "select attempts, counts from hubspot_sync_run")
    finished = one(
        sync_engine,
        "select status::text, attempts from procrastinate_jobs where task_name = 'hubspot.sync'",
    )
    # One attempt died with the first worker, the second finished.
    assert run.attempts == 2 and tuple(finished) == ("succeeded", 2)
    assert one(sync_engine, "select count(*) from deal")[0] == 152
    first_pages = [r for r in fake_hubspot.requests_to(DEALS) if r.query.get("after") is None]
    assert len(first_pages) == 1  # resumed from the checkpoint, not from the start
