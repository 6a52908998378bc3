"""Rate limits, server errors, a failure half-way and a revoked token."""

from httpx import AsyncClient
from sqlalchemy import Engine

from backend.hubspot import client as hubspot_client
from tests.backend.hubspot.factories import connect, make_retries_due, rows, sync
from tests.fakes import hubspot_records as records
from tests.fakes.hubspot_api import FakeHubSpot

DEALS = "/crm/v3/objects/deals"


def more_deals(fake: FakeHubSpot, n: int) -> None:
    fake.deals += [
        records.deal(
            str(9_000_000 + i), f"Deal {i}", "qualifiedtobuy", modified="2026-01-06T10:00:00.000Z"
        )
        for i in range(n)
    ]


async def test_a_429_is_retried_after_the_wait_hubspot_asks_for(
    client: AsyncClient, fake_hubspot: FakeHubSpot
) -> None:
    fake_hubspot.fail(DEALS, status=429, times=2, retry_after=1)
    connected = await connect(client, fake_hubspot)

    run = await sync(client, connected)

    statuses = [r.status for r in fake_hubspot.requests_to(DEALS)]
    assert statuses == [429, 429, 200]
    assert (run["status"], run["attempts"], run["counts"]["deals_created"]) == ("succeeded", 1, 2)


async def test_server_errors_are_retried_with_backoff(
    client: AsyncClient, fake_hubspot: FakeHubSpot
) -> None:
    fake_hubspot.fail("/crm/v3/pipelines/deals", status=502, times=1)
    fake_hubspot.fail("/crm/v3/objects/notes", status=500, times=3)
    connected = await connect(client, fake_hubspot)

    run = await sync(client, connected)

    assert [r.status for r in fake_hubspot.requests_to("/crm/v3/objects/notes")] == [500] * 3 + [
        200
    ]
    assert run["status"] == "succeeded"


async def test_a_backfill_failing_half_way_resumes_from_its_checkpoint(
    client: AsyncClient, fake_hubspot: FakeHubSpot, sync_engine: Engine
) -> None:
    more_deals(fake_hubspot, 230)
    # The second page fails more often than the client retries: the job fails this attempt.
    fake_hubspot.fail(DEALS, status=503, times=hubspot_client.MAX_ATTEMPTS, after="100")
    connected = await connect(client, fake_hubspot)

    interrupted = await sync(client, connected)
    [(checkpoint,)] = rows(sync_engine, "select sync_checkpoint from integration")
    [(kept,)] = rows(sync_engine, "select count(*) from deal")
    make_retries_due(sync_engine)
    finished = await sync(client, connected)

    assert interrupted["status"] == "running" and "retrying" in interrupted["error"]
    assert (checkpoint["phase"], checkpoint["after"]) == ("deals", "100")
    assert kept == 100  # the first page stayed committed
    assert (finished["status"], finished["attempts"]) == ("succeeded", 2)
    pages = [(r.query.get("after"), r.status) for r in fake_hubspot.requests_to(DEALS)]
    # The first page was not read again; the pipelines were not either.
    assert pages[0] == (None, 200) and pages[-2:] == [("100", 200), ("200", 200)]
    assert len(fake_hubspot.requests_to("/crm/v3/pipelines/deals")) == 1
    assert rows(sync_engine, "select count(*) from deal") == [(232,)]
    assert rows(sync_engine, "select sync_checkpoint from integration") == [(None,)]


async def test_a_revoked_token_fails_the_run_at_once_and_says_why(
    client: AsyncClient, fake_hubspot: FakeHubSpot
) -> None:
    connected = await connect(client, fake_hubspot)
    fake_hubspot.tokens.clear()

    run = await sync(client, connected)
    status = (await client.get(connected.url, headers=connected.headers)).json()

    assert (run["status"], run["attempts"]) == ("failed", 1)
    assert "401" in run["error"]
    assert (status["status"], status["last_error"]) == ("error", run["error"])


async def test_a_deal_in_an_unknown_stage_is_skipped_and_reported(
    client: AsyncClient, fake_hubspot: FakeHubSpot, sync_engine: Engine
) -> None:
    fake_hubspot.deals.append(
        records.deal("777", "Orphan", "stage-deleted-since", modified="2026-01-06T10:00:00.000Z")
    )
    connected = await connect(client, fake_hubspot)

    run = await sync(client, connected)

    assert run["status"] == "succeeded"
    assert run["problems"] == [
        {
            "object": "deal",
            "hubspot_id": "777",
            "message": "stage 'stage-deleted-since' is in no synced pipeline",
        }
    ]
    assert rows(sync_engine, "select count(*) from deal") == [(2,)]
