"""Events applied a batch per transaction give what applying them one by one gives.

Two workspaces receive the same events: one gets them one delivery (and one job run) at a
time, the other all at once. Deals, their history, the stage stays the database derives,
the timeline and every event's outcome must come out the same. A batch that dies before
it commits leaves nothing behind, and its events are applied by the next run.
"""

import uuid
from datetime import UTC, datetime
from typing import Any

import pytest
from httpx import AsyncClient
from sqlalchemy import Engine

from backend.webhooks import hubspot_processing
from backend.webhooks.repository import HubspotRepository, WebhookEventRepository
from tests.backend.webhooks.factories import (
    Connected,
    connect_hubspot,
    deliver,
    event,
    rows,
)
from tests.backend.worker.queued_jobs import run_queued_jobs

T = 1_764_000_000_000  # ms
DAY = 86_400_000
OWNER = "52550153"  # a HubSpot owner id, mapped to each workspace's owner


def early(portal: int) -> list[dict[str, Any]]:
    """A change that arrives before its deal's creation: it makes a placeholder deal."""
    return [
        event(
            "deal.propertyChange",
            2,
            T + 5,
            portal_id=portal,
            propertyName="amount",
            propertyValue="70",
        )
    ]


def late(portal: int) -> list[dict[str, Any]]:
    """A redelivered change older than the one applied since: ignored."""
    return [
        event(
            "deal.propertyChange",
            1,
            T + 1,
            portal_id=portal,
            propertyName="amount",
            propertyValue="9",
        )
    ]


def history(portal: int) -> list[dict[str, Any]]:
    """Creations, changes, a stale redelivery, a refused stage, deletion, restore, merge."""

    def at(kind: str, object_id: int, ms: int, **fields: Any) -> dict[str, Any]:
        return event(kind, object_id, T + ms, portal_id=portal, **fields)

    def change(object_id: int, name: str, value: str, ms: int) -> dict[str, Any]:
        return at("deal.propertyChange", object_id, ms, propertyName=name, propertyValue=value)

    return [
        at("deal.creation", 1, 0),
        change(1, "dealname", "Acme rollout", 1),
        change(1, "amount", "1200.50", 2),
        change(1, "closedate", str(T + 30 * DAY), 3),
        change(1, "hubspot_owner_id", OWNER, 4),
        change(1, "dealstage", "qualifiedtobuy", 10),
        change(1, "closedate", str(T + 60 * DAY), 11),  # a push
        change(1, "dealstage", "nosuchstage", 12),  # fails, alone
        change(1, "dealstage", "closedwon", 20),
        at("deal.deletion", 1, 30),
        at("deal.restore", 1, 40),
        at("deal.creation", 2, 0),
        change(2, "dealname", "Globex pilot", 6),
        at(
            "deal.associationChange",
            2,
            7,
            associationType="DEAL_TO_CONTACT",
            fromObjectId=2,
            toObjectId=501,
            associationRemoved=False,
        ),
        at("deal.creation", 3, 1),
        change(3, "dealstage", "closedlost", 8),
        at("deal.merge", 2, 50, primaryObjectId=2, mergedObjectIds=[3]),
        change(3, "dealname", "Merged away", 60),
        at("contact.creation", 9, 1),  # not handled
    ]


async def connect(client: AsyncClient, engine: Engine, portal: int) -> Connected:
    hub = await connect_hubspot(client, engine, portal_id=portal)
    owner = hub.pipeline.owner
    patched = await client.patch(
        f"/api/v1/workspaces/{hub.workspace_id}/integrations/{hub.integration_id}",
        json={"config": {"owner_map": {OWNER: str(owner.id)}}},
        headers=owner.headers,
    )
    assert patched.status_code == 200, patched.text
    return hub


def outcome(engine: Engine, workspace_id: str) -> dict[str, Any]:
    """Everything the events produced in the workspace, without ids and clock times."""
    ws = {"w": workspace_id}
    deals = rows(
        engine,
        "select d.external_id, d.title, d.amount, s.name as stage, d.expected_close_date, "
        "d.close_date_push_count, d.closed_at, d.stage_entered_at, d.created_at, "
        "d.archived_at, d.lost_reason, d.owner_id = m.user_id as owned from deal d "
        "join pipeline_stage s on s.id = d.stage_id "
        "left join workspace_member m "
        "on m.workspace_id = d.workspace_id and m.user_id = d.owner_id "
        "where d.workspace_id = :w order by d.external_id",
        **ws,
    )
    stage_changes = rows(
        engine,
        "select d.external_id, f.name as from_stage, t.name as to_stage, c.changed_at, "
        "c.source::text from deal_stage_change c join deal d on d.id = c.deal_id "
        "left join pipeline_stage f on f.id = c.from_stage_id "
        "join pipeline_stage t on t.id = c.to_stage_id "
        "where c.workspace_id = :w order by d.external_id, c.changed_at, t.name",
        **ws,
    )
    close_dates = rows(
        engine,
        "select d.external_id, c.from_date, c.to_date, c.changed_at from deal_close_date_change c "
        "join deal d on d.id = c.deal_id where c.workspace_id = :w "
        "order by d.external_id, c.changed_at",
        **ws,
    )
    stays = rows(
        engine,
        "select d.external_id, y.seq, s.name, y.entered_at, y.left_at, y.first_visit, "
        "y.archived from deal_stage_stay y join deal d on d.id = y.deal_id "
        "join pipeline_stage s on s.id = y.stage_id where y.workspace_id = :w "
        "order by d.external_id, y.seq",
        **ws,
    )
    timeline = rows(
        engine,
        "select d.external_id, a.system_event::text, a.subject, a.occurred_at, a.source::text, "
        "a.details - 'webhook_event_id' - 'stage_id' - 'from_stage_id' - 'to_stage_id' "
        "as details from activity a join deal d on d.id = a.deal_id where a.workspace_id = :w "
        "order by d.external_id, a.occurred_at, a.system_event, a.subject",
        **ws,
    )
    events = rows(
        engine,
        "select payload->>'subscriptionType' as type, payload->>'objectId' as object_id, "
        "occurred_at, status, error from webhook_event where workspace_id = :w "
        "order by occurred_at, type, object_id, payload->>'propertyName'",
        **ws,
    )
    return {
        "deals": [tuple(r) for r in deals],
        "stage_changes": [tuple(r) for r in stage_changes],
        "close_dates": [tuple(r) for r in close_dates],
        "stays": [tuple(r) for r in stays],
        "timeline": [tuple(r) for r in timeline],
        "events": [tuple(r) for r in events],
    }


@pytest.mark.parametrize("batch_size", [500, 4])
async def test_a_batch_gives_the_same_deals_history_and_timeline_as_events_one_by_one(
    client: AsyncClient, sync_engine: Engine, monkeypatch: pytest.MonkeyPatch, batch_size: int
) -> None:
    one_by_one = await connect(client, sync_engine, 1001)
    batched = await connect(client, sync_engine, 1002)
    for delivery in (early(1001), early(1002)):
        assert (await deliver(client, delivery)).status_code == 204
    await run_queued_jobs()
    # One at a time, in the order a batch applies them (occurredAt).
    for single in sorted(history(1001), key=lambda e: e["occurredAt"]):
        assert (await deliver(client, [single])).status_code == 204
        await run_queued_jobs()

    monkeypatch.setattr(hubspot_processing, "BATCH_SIZE", batch_size)
    assert (await deliver(client, history(1002))).status_code == 204
    await run_queued_jobs()
    for delivery in (late(1001), late(1002)):
        assert (await deliver(client, delivery)).status_code == 204
    await run_queued_jobs()

    expected = outcome(sync_engine, one_by_one.workspace_id)
    found = outcome(sync_engine, batched.workspace_id)
    for name, produced in expected.items():
        assert found[name] == produced, name
    # The history is the one described, not an empty one on both sides.
    deals = {d[0]: d for d in expected["deals"]}
    pushed_to = datetime.fromtimestamp((T + 60 * DAY) / 1000, UTC).date()
    assert (deals["1"][1], str(deals["1"][2]), deals["1"][3], deals["1"][4]) == (
        "Acme rollout",
        "1200.50",
        "Won",
        pushed_to,
    )
    assert deals["1"][5] == 1 and deals["1"][9] is None and deals["1"][11]  # pushed, restored
    assert (deals["2"][1], str(deals["2"][2]), deals["2"][9]) == ("Globex pilot", "70.00", None)
    assert deals["3"][9] is not None and deals["3"][1] == "Merged away"
    statuses = [e[3] for e in expected["events"]]
    assert statuses.count("failed") == 1 and statuses.count("ignored") == 2
    # Stays: Lead, Qualified, Won (1); Lead (2); Lead, Lost (3).
    assert len(expected["stays"]) == 6 and len(expected["timeline"]) > 20


async def test_a_batch_that_dies_before_committing_leaves_nothing_and_is_applied_again(
    client: AsyncClient, sync_engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    hub = await connect(client, sync_engine, 1001)
    batch = early(1001) + history(1001) + late(1001)
    assert (await deliver(client, batch)).status_code == 204

    async def crash(*_args: Any, **_kwargs: Any) -> None:
        raise RuntimeError("worker killed")

    # The last step of a batch: every deal, history and timeline row is written by then.
    with monkeypatch.context() as patched:
        patched.setattr(WebhookEventRepository, "finish_many", crash)
        with pytest.raises(RuntimeError, match="worker killed"):
            await hubspot_processing.run(workspace_id=uuid.UUID(hub.workspace_id))

    left = rows(
        sync_engine,
        "select (select count(*) from deal) as deals, "
        "(select count(*) from deal_stage_change) as stage_changes, "
        "(select count(*) from deal_stage_stay) as stays, "
        "(select count(*) from activity) as timeline, "
        "(select count(*) from hubspot_property_version) as versions, "
        "(select count(*) from webhook_event where status <> 'received') as handled",
    )
    assert tuple(left[0]) == (0, 0, 0, 0, 0, 0)

    await run_queued_jobs()

    assert rows(sync_engine, "select count(*) from webhook_event where status = 'received'") == [
        (0,)
    ]
    assert [r.external_id for r in rows(sync_engine, "select external_id from deal")] != []


async def test_a_newer_version_stored_meanwhile_makes_the_batch_retry_not_overwrite(
    client: AsyncClient, sync_engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    hub = await connect(client, sync_engine, 1001)
    creation = event("deal.creation", 1, T, portal_id=1001)
    change = event(
        "deal.propertyChange", 1, T + 1, portal_id=1001, propertyName="amount", propertyValue="5"
    )
    assert (await deliver(client, [creation, change])).status_code == 204
    # Another writer (a sync) stores a newer amount after the batch read the versions.
    with sync_engine.begin() as conn:
        conn.exec_driver_sql(
            "insert into hubspot_property_version values (%s, 1, 'amount', %s)",
            (hub.workspace_id, "2030-01-01T00:00:00Z"),
        )

    async def none_stored(*_args: Any, **_kwargs: Any) -> dict[tuple[int, str], Any]:
        return {}

    monkeypatch.setattr(HubspotRepository, "versions_locked", none_stored)
    with pytest.raises(hubspot_processing.ConcurrentVersion):
        await hubspot_processing.run(workspace_id=uuid.UUID(hub.workspace_id))

    assert rows(sync_engine, "select count(*) from deal") == [(0,)]
    assert rows(sync_engine, "select count(*) from webhook_event where status = 'received'") == [
        (2,)
    ]
