"""One processing job per workspace waits at a time, and no delivered event is left behind."""

import json
from typing import Any

import pytest
from httpx import ASGITransport, AsyncClient
from sqlalchemy import Engine, text

from backend import db
from backend.webhooks import hubspot_processing, service
from backend.webhooks.schemas import parse_batch
from tests.backend.webhooks.factories import change, connect_hubspot, deliver, event, rows
from tests.backend.worker.queued_jobs import run_queued_jobs


def jobs(engine: Engine) -> list[Any]:
    return rows(engine, "select id, status from procrastinate_jobs order by id")


def statuses(engine: Engine) -> list[str]:
    return sorted(r.status for r in rows(engine, "select status from webhook_event"))


def fetch_job(engine: Engine) -> int | None:
    """What a worker does to start a job: the id it got, or None."""
    with engine.begin() as conn:
        worker = conn.scalar(text("select worker_id from procrastinate_register_worker_v1()"))
        return conn.scalar(
            text("select (procrastinate_fetch_job_v2(null, :worker)).id"), {"worker": worker}
        )


async def test_a_delivery_while_the_job_waits_queues_no_second_one(
    client: AsyncClient, sync_engine: Engine
) -> None:
    await connect_hubspot(client, sync_engine)
    await deliver(client, [event("deal.creation", 1, 1000)])

    response = await deliver(client, [change(1, "amount", "10", 2000)])

    assert response.status_code == 204
    assert len(jobs(sync_engine)) == 1
    await run_queued_jobs()
    assert statuses(sync_engine) == ["processed", "processed"]


async def test_a_job_waiting_to_retry_after_a_failure_does_not_take_new_deliveries(
    client: AsyncClient, sync_engine: Engine
) -> None:
    await connect_hubspot(client, sync_engine)
    await deliver(client, [event("deal.creation", 1, 1000)])
    with sync_engine.begin() as conn:  # as procrastinate leaves a job it will retry
        conn.execute(text("update procrastinate_jobs set attempts = 1"))

    response = await deliver(client, [change(1, "amount", "10", 2000)])

    assert response.status_code == 204
    assert len(jobs(sync_engine)) == 2
    await run_queued_jobs()
    assert statuses(sync_engine) == ["processed", "processed"]


async def test_a_waiting_job_cannot_start_before_a_delivery_counting_on_it_commits(
    client: AsyncClient, sync_engine: Engine
) -> None:
    await connect_hubspot(client, sync_engine)
    await deliver(client, [event("deal.creation", 1, 1000)])
    [queued] = jobs(sync_engine)
    body = json.dumps([change(1, "amount", "10", 2000)]).encode()

    async with db.session_factory()() as session:
        await service.receive_hubspot(session, parse_batch(body))
        started_meanwhile = fetch_job(sync_engine)
        await session.commit()

    assert started_meanwhile is None
    assert fetch_job(sync_engine) == queued.id
    assert len(jobs(sync_engine)) == 1


async def test_an_event_arriving_after_the_job_read_its_last_batch_is_still_processed(
    client: AsyncClient, sync_engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    await connect_hubspot(client, sync_engine)
    await deliver(client, [event("deal.creation", 1, 1000)])
    real_run = hubspot_processing.run
    late: list[int] = []

    async def run_then_an_event_arrives(*, workspace_id: Any) -> int:
        handled = await real_run(workspace_id=workspace_id)
        if not late:  # the job found nothing more, but is not finished yet
            late.append((await deliver(client, [change(1, "amount", "10", 2000)])).status_code)
        return handled

    monkeypatch.setattr(hubspot_processing, "run", run_then_an_event_arrives)
    await run_queued_jobs()
    await run_queued_jobs()

    assert late == [204]
    assert len(jobs(sync_engine)) == 2
    assert statuses(sync_engine) == ["processed", "processed"]


async def test_a_disconnected_portal_is_ignored_from_the_next_delivery(
    client: AsyncClient, sync_engine: Engine
) -> None:
    hub = await connect_hubspot(client, sync_engine)
    await deliver(client, [event("deal.creation", 1, 1000)])
    with sync_engine.begin() as conn:
        conn.execute(
            text("update integration set status = 'disconnected' where id = :id"),
            {"id": hub.integration_id},
        )

    await deliver(client, [change(1, "amount", "10", 2000)])

    assert statuses(sync_engine) == ["ignored", "received"]


async def test_an_outage_after_the_insert_while_a_job_waits_is_5xx_and_stores_nothing(
    client: AsyncClient, sync_engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    await connect_hubspot(client, sync_engine)
    await deliver(client, [event("deal.creation", 1, 1000)])
    real_add = service.WebhookEventRepository.add_new_hubspot

    async def connection_dies(self: Any, *args: Any, **kwargs: Any) -> list[Any]:
        added = await real_add(self, *args, **kwargs)
        # The events are inserted and no job is needed; now the server drops the connection.
        connection = await self.session.connection()
        await connection.exec_driver_sql("select pg_terminate_backend(pg_backend_pid())")
        return added

    monkeypatch.setattr(service.WebhookEventRepository, "add_new_hubspot", connection_dies)
    transport = ASGITransport(app=client._transport.app, raise_app_exceptions=False)  # type: ignore[attr-defined]
    async with AsyncClient(transport=transport, base_url="http://testserver") as http:
        response = await deliver(http, [change(1, "amount", "10", 2000)])

    assert response.status_code >= 500
    assert statuses(sync_engine) == ["received"]
    assert len(jobs(sync_engine)) == 1
