"""The full sync: on connect and on "sync now", paged, resumable, progress visible."""

import uuid

import pytest
from httpx import AsyncClient
from sqlalchemy import Engine

from backend.notion import sync, sync_queue
from backend.notion.client import NotionUnavailable
from tests.backend.deals.factories import make_pipeline
from tests.backend.notion.factories import (
    connect,
    deal_page,
    deals,
    deals_database,
    mapping,
    note_page,
    notes_database,
    rows,
)
from tests.backend.worker.queued_jobs import run_queued_jobs
from tests.fakes.notion_api import FakeNotion


def fill(fake: FakeNotion, deals_db: str, count: int) -> list[str]:
    stages = ["Lead", "Qualified", "Won"]
    return [
        deal_page(fake, deals_db, f"Deal {i}", amount=i, stage=stages[i % 3])["id"]
        for i in range(count)
    ]


async def prepared(client: AsyncClient, fake: FakeNotion, count: int) -> tuple[dict, list[str]]:
    """A workspace whose deals database already holds `count` pages when it connects."""
    pipeline = await make_pipeline(client)
    deals_db = deals_database(fake)
    notes_db = notes_database(fake, deals_db)
    ids = fill(fake, deals_db, count)
    note_page(fake, notes_db, "Kickoff", deal_ids=[ids[0]])
    created = await client.post(
        f"/api/v1/workspaces/{pipeline.workspace_id}/integrations/notion",
        json=mapping(deals_db, notes_db),
        headers=pipeline.owner.headers,
    )
    assert created.status_code == 201, created.text
    return {"pipeline": pipeline, "deals_db": deals_db}, ids


async def test_connecting_syncs_every_page_through_notions_paging(
    client: AsyncClient, fake_notion: FakeNotion, sync_engine: Engine
) -> None:
    setup, ids = await prepared(client, fake_notion, 230)
    pipeline = setup["pipeline"]

    await run_queued_jobs()

    queries = [r for r in fake_notion.requests if r.path.endswith("/query")]
    assert [bool(q.body.get("start_cursor")) for q in queries] == [False, True, True, False]
    assert all(q.body["page_size"] == 100 for q in queries)
    assert sorted(deals(sync_engine)) == sorted(ids)
    runs = await client.get(
        f"/api/v1/workspaces/{pipeline.workspace_id}/integrations/notion/sync-runs",
        headers=pipeline.owner.headers,
    )
    [run] = runs.json()
    assert (run["status"], run["phase"], run["pages_seen"]) == ("succeeded", "done", 231)
    assert (run["deals_synced"], run["notes_synced"], run["pages_failed"]) == (230, 1, 0)
    connection = await client.get(
        f"/api/v1/workspaces/{pipeline.workspace_id}/integrations/notion/connection",
        headers=pipeline.owner.headers,
    )
    assert connection.json()["status"] == "connected"
    assert connection.json()["last_synced_at"] is not None


async def test_a_sync_interrupted_by_an_outage_resumes_where_it_stopped(
    client: AsyncClient, fake_notion: FakeNotion, sync_engine: Engine
) -> None:
    setup, ids = await prepared(client, fake_notion, 230)
    workspace_id = uuid.UUID(setup["pipeline"].workspace_id)
    [run] = rows(sync_engine, "select id from notion_sync_run")
    # The first result page comes through; the second stays unavailable through every retry.
    fake_notion.fail_next(503, times=6, path="/query", skip=1)

    with pytest.raises(NotionUnavailable):
        await sync.run(workspace_id=workspace_id, run_id=run.id, final_attempt=False)
    [halfway] = rows(
        sync_engine, "select status::text, phase, cursor, deals_synced, error from notion_sync_run"
    )
    synced_first = len(deals(sync_engine))
    await sync.run(workspace_id=workspace_id, run_id=run.id, final_attempt=False)

    assert (halfway.status, halfway.phase, halfway.deals_synced) == ("running", "deals", 100)
    assert halfway.cursor and "will retry" in halfway.error
    assert synced_first == 100
    resumed = [r for r in fake_notion.requests if r.path.endswith("/query") and r.status == 200]
    assert resumed[1].body["start_cursor"] == halfway.cursor
    assert sorted(deals(sync_engine)) == sorted(ids)
    [done] = rows(sync_engine, "select status::text, deals_synced, error from notion_sync_run")
    assert (done.status, done.deals_synced, done.error) == ("succeeded", 230, None)


async def test_a_sync_that_never_gets_through_fails_visibly(
    client: AsyncClient, fake_notion: FakeNotion, sync_engine: Engine
) -> None:
    setup, _ = await prepared(client, fake_notion, 3)
    workspace_id = uuid.UUID(setup["pipeline"].workspace_id)
    [run] = rows(sync_engine, "select id from notion_sync_run")
    fake_notion.fail_next(503, times=6, path="/query")

    await sync.run(workspace_id=workspace_id, run_id=run.id, final_attempt=True)

    [failed] = rows(sync_engine, "select status::text, error from notion_sync_run")
    [integration] = rows(sync_engine, "select status::text, last_error from integration")
    assert failed.status == "failed" and "503" in failed.error
    assert integration.status == "error" and "503" in integration.last_error


async def test_pages_that_cannot_be_applied_are_counted_and_listed(
    client: AsyncClient, fake_notion: FakeNotion, sync_engine: Engine
) -> None:
    connected = await connect(client, fake_notion, notes=False)
    deal_page(fake_notion, connected.deals_db, "Fine", amount=10, stage="Lead")
    bad = deal_page(fake_notion, connected.deals_db, "Refund", amount=-5)
    odd = deal_page(fake_notion, connected.deals_db, "Odd stage", stage="Stalled")

    await run_queued_jobs()

    runs = await client.get(f"{connected.url}/sync-runs", headers=connected.headers)
    [run] = runs.json()
    assert (run["status"], run["deals_synced"], run["pages_failed"]) == ("succeeded", 2, 1)
    problems = {e["page_id"]: e["message"] for e in run["errors"]}
    assert "amount" in problems[bad["id"]]
    assert "'Stalled' matches no stage" in problems[odd["id"]]
    assert deals(sync_engine)[odd["id"]].stage == "Lead"  # the first open stage


async def test_sync_now_queues_a_run_and_joins_one_still_waiting(
    client: AsyncClient, fake_notion: FakeNotion, sync_engine: Engine
) -> None:
    connected = await connect(client, fake_notion, notes=False)
    await run_queued_jobs()
    page = deal_page(fake_notion, connected.deals_db, "Added later")

    first = await client.post(f"{connected.url}/sync-runs", headers=connected.headers)
    second = await client.post(f"{connected.url}/sync-runs", headers=connected.headers)
    await run_queued_jobs()
    shown = await client.get(
        f"{connected.url}/sync-runs/{first.json()['id']}", headers=connected.headers
    )

    assert (first.status_code, first.json()["status"], first.json()["trigger"]) == (
        202,
        "queued",
        "manual",
    )
    assert second.json()["id"] == first.json()["id"]
    assert shown.json()["status"] == "succeeded"
    assert page["id"] in deals(sync_engine)


async def test_a_resync_changes_nothing_that_did_not_change(
    client: AsyncClient, fake_notion: FakeNotion, sync_engine: Engine
) -> None:
    setup, ids = await prepared(client, fake_notion, 5)
    pipeline = setup["pipeline"]
    await run_queued_jobs()
    before = rows(sync_engine, "select count(*) as n from activity")[0].n

    response = await client.post(
        f"/api/v1/workspaces/{pipeline.workspace_id}/integrations/notion/sync-runs",
        headers=pipeline.owner.headers,
    )
    await run_queued_jobs()

    assert response.status_code == 202
    assert rows(sync_engine, "select count(*) as n from activity")[0].n == before
    assert rows(sync_engine, "select count(*) as n from deal_stage_change")[0].n == 5
    assert sorted(deals(sync_engine)) == sorted(ids)


async def test_a_resync_archives_deals_whose_pages_vanished_unannounced(
    client: AsyncClient, fake_notion: FakeNotion, sync_engine: Engine
) -> None:
    setup, ids = await prepared(client, fake_notion, 4)
    pipeline = setup["pipeline"]
    await run_queued_jobs()
    fake_notion.delete_page(ids[0])  # no webhook ever told us

    await client.post(
        f"/api/v1/workspaces/{pipeline.workspace_id}/integrations/notion/sync-runs",
        headers=pipeline.owner.headers,
    )
    await run_queued_jobs()

    archived = {page_id for page_id, d in deals(sync_engine).items() if d.archived_at}
    assert archived == {ids[0]}


async def test_the_hourly_reconcile_queues_one_sync_per_connected_workspace(
    client: AsyncClient, fake_notion: FakeNotion, sync_engine: Engine
) -> None:
    connected = await connect(client, fake_notion, notes=False)
    await run_queued_jobs()

    first = await sync_queue.schedule_all()
    second = await sync_queue.schedule_all()  # the first one is still waiting
    await run_queued_jobs()

    runs = await client.get(f"{connected.url}/sync-runs", headers=connected.headers)
    assert (first, second) == (1, 0)
    assert [(r["trigger"], r["status"]) for r in runs.json()] == [
        ("scheduled", "succeeded"),
        ("connect", "succeeded"),
    ]
