"""The processing job: idempotent, order-tolerant, history and timeline as HubSpot says."""

import json
import random
from typing import Any

from httpx import AsyncClient
from sqlalchemy import Engine

from tests.backend.webhooks.factories import (
    Connected,
    change,
    connect_hubspot,
    deliver,
    event,
    rows,
)
from tests.backend.worker.queued_jobs import run_queued_jobs
from tests.shared_data import SHARED_DATA

PAYLOADS = SHARED_DATA / "hubspot" / "payloads"
T = 1_764_000_000_000  # ms


def deals(engine: Engine) -> dict[str, Any]:
    found = rows(
        engine,
        "select d.external_id, d.title, d.amount, s.name as stage, d.expected_close_date, "
        "d.archived_at is not null as archived, d.id from deal d "
        "join pipeline_stage s on s.id = d.stage_id",
    )
    return {r.external_id: r for r in found}


def stage_changes(engine: Engine) -> list[tuple[str, str | None, str, str]]:
    found = rows(
        engine,
        "select d.external_id, f.name, t.name, c.source::text from deal_stage_change c "
        "join deal d on d.id = c.deal_id left join pipeline_stage f on f.id = c.from_stage_id "
        "join pipeline_stage t on t.id = c.to_stage_id order by d.external_id, c.changed_at",
    )
    return [tuple(r) for r in found]


def statuses(engine: Engine) -> dict[str, int]:
    found = rows(engine, "select status, count(*) as n from webhook_event group by status")
    return {r.status: r.n for r in found}


async def process(client: AsyncClient, batch: list[dict[str, Any]]) -> None:
    response = await deliver(client, batch)
    assert response.status_code == 204, response.text
    await run_queued_jobs()


def lifecycle() -> list[dict[str, Any]]:
    """Two deals: created, named, priced, moved twice, one closed won."""
    return [
        event("deal.creation", 11, T),
        change(11, "dealname", "Acme rollout", T + 1),
        change(11, "amount", "1200.50", T + 2),
        change(11, "dealstage", "qualifiedtobuy", T + 10),
        change(11, "closedate", str(T + 86_400_000 * 30), T + 11),
        change(11, "dealstage", "closedwon", T + 20),
        event("deal.creation", 22, T + 5),
        change(22, "dealname", "Globex pilot", T + 6),
        change(22, "dealstage", "qualifiedtobuy", T + 30),
        change(22, "amount", "99", T + 31),
    ]


def assert_lifecycle_applied(engine: Engine) -> None:
    found = deals(engine)
    assert sorted(found) == ["11", "22"]
    assert (found["11"].title, str(found["11"].amount), found["11"].stage) == (
        "Acme rollout",
        "1200.50",
        "Won",
    )
    assert (found["22"].title, str(found["22"].amount), found["22"].stage) == (
        "Globex pilot",
        "99.00",
        "Qualified",
    )
    assert stage_changes(engine) == [
        ("11", None, "Lead", "hubspot"),
        ("11", "Lead", "Qualified", "hubspot"),
        ("11", "Qualified", "Won", "hubspot"),
        ("22", None, "Lead", "hubspot"),
        ("22", "Lead", "Qualified", "hubspot"),
    ]


async def test_a_deal_lifecycle_lands_in_deals_history_and_timeline(
    client: AsyncClient, sync_engine: Engine
) -> None:
    await connect_hubspot(client, sync_engine)

    await process(client, lifecycle())

    assert_lifecycle_applied(sync_engine)
    assert statuses(sync_engine) == {"processed": 10}
    synced = rows(
        sync_engine,
        "select count(*) as n from activity where system_event = 'synced_from_hubspot' "
        "and source = 'hubspot'",
    )
    assert synced[0].n == 10
    moved = rows(sync_engine, "select subject from activity where system_event = 'stage_changed'")
    assert sorted(r.subject for r in moved) == [
        "Moved from Lead to Qualified",
        "Moved from Lead to Qualified",
        "Moved from Qualified to Won",
    ]


async def test_replaying_shuffling_and_duplicating_a_batch_gives_the_same_deals_and_history(
    client: AsyncClient, sync_engine: Engine
) -> None:
    await connect_hubspot(client, sync_engine)
    rng = random.Random(7)

    for _ in range(10):
        batch = lifecycle() + rng.sample(lifecycle(), 4)
        rng.shuffle(batch)
        assert (await deliver(client, batch)).status_code == 204
    await run_queued_jobs()

    assert_lifecycle_applied(sync_engine)
    assert statuses(sync_engine) == {"processed": 10}


async def test_an_older_change_arriving_after_a_newer_one_does_not_overwrite_it(
    client: AsyncClient, sync_engine: Engine
) -> None:
    await connect_hubspot(client, sync_engine)
    await process(client, [event("deal.creation", 11, T), change(11, "amount", "500", T + 20)])

    await process(client, [change(11, "amount", "100", T + 10)])
    await process(client, [change(11, "dealstage", "closedwon", T + 30)])
    await process(client, [change(11, "dealstage", "qualifiedtobuy", T + 25)])

    found = deals(sync_engine)["11"]
    assert (str(found.amount), found.stage) == ("500.00", "Won")
    assert statuses(sync_engine) == {"processed": 3, "ignored": 2}


async def test_a_change_before_its_creation_creates_a_placeholder_the_changes_fill_in(
    client: AsyncClient, sync_engine: Engine
) -> None:
    await connect_hubspot(client, sync_engine)

    await process(client, [change(33, "amount", "70", T + 5)])
    placeholder = deals(sync_engine)["33"]
    await process(client, [event("deal.creation", 33, T), change(33, "dealname", "Late", T + 6)])

    assert placeholder.title == "HubSpot deal 33"
    found = deals(sync_engine)
    assert list(found) == ["33"]
    assert (found["33"].title, str(found["33"].amount)) == ("Late", "70.00")


async def test_an_unknown_stage_fails_that_event_only(
    client: AsyncClient, sync_engine: Engine
) -> None:
    await connect_hubspot(client, sync_engine)

    await process(
        client,
        [
            event("deal.creation", 11, T),
            change(11, "dealstage", "nosuchstage", T + 1),
            change(11, "amount", "10", T + 2),
        ],
    )

    failed = rows(sync_engine, "select error from webhook_event where status = 'failed'")
    assert [r.error for r in failed] == [
        "HubSpot stage 'nosuchstage' matches no stage of this workspace"
    ]
    found = deals(sync_engine)["11"]
    assert (found.stage, str(found.amount)) == ("Lead", "10.00")


async def test_closedate_accepts_epoch_milliseconds_and_iso(
    client: AsyncClient, sync_engine: Engine
) -> None:
    await connect_hubspot(client, sync_engine)

    await process(
        client,
        [
            change(1, "closedate", "1767139200000", T),
            change(2, "closedate", "2026-03-31T00:00:00.000Z", T),
        ],
    )

    found = deals(sync_engine)
    assert str(found["1"].expected_close_date) == "2025-12-31"
    assert str(found["2"].expected_close_date) == "2026-03-31"


async def test_an_unmapped_owner_is_skipped_and_a_mapped_one_applied(
    client: AsyncClient, sync_engine: Engine
) -> None:
    hub: Connected = await connect_hubspot(client, sync_engine)
    owner_id = hub.pipeline.owner.id
    await client.patch(
        f"/api/v1/workspaces/{hub.workspace_id}/integrations/{hub.integration_id}",
        json={"config": {"owner_map": {"52550153": str(owner_id)}}},
        headers=hub.pipeline.owner.headers,
    )

    await process(
        client,
        [
            event("deal.creation", 1, T),
            change(1, "hubspot_owner_id", "999", T + 1),
            change(1, "hubspot_owner_id", "52550153", T + 2),
        ],
    )

    owner = rows(sync_engine, "select owner_id from deal")[0].owner_id
    assert str(owner) == str(owner_id)
    assert statuses(sync_engine) == {"processed": 2, "ignored": 1}


async def test_deletion_archives_and_a_later_restore_brings_the_deal_back(
    client: AsyncClient, sync_engine: Engine
) -> None:
    await connect_hubspot(client, sync_engine)
    await process(client, [event("deal.creation", 1, T), event("deal.deletion", 1, T + 10)])
    assert deals(sync_engine)["1"].archived

    # Out of order: the restore, then a redelivered older deletion.
    await process(client, [event("deal.restore", 1, T + 20)])
    await process(client, [event("deal.deletion", 1, T + 15)])

    assert not deals(sync_engine)["1"].archived


async def test_a_merge_keeps_the_primary_and_archives_the_merged_deals(
    client: AsyncClient, sync_engine: Engine
) -> None:
    await connect_hubspot(client, sync_engine)
    await process(client, [event("deal.creation", i, T) for i in (1, 2, 3)])

    merge = event("deal.merge", 1, T + 10, primaryObjectId=1, mergedObjectIds=[2, 3])
    await process(client, [merge])

    found = deals(sync_engine)
    assert [(k, found[k].archived) for k in sorted(found)] == [
        ("1", False),
        ("2", True),
        ("3", True),
    ]


async def test_a_contact_association_is_recorded_on_the_deal_timeline(
    client: AsyncClient, sync_engine: Engine
) -> None:
    await connect_hubspot(client, sync_engine)
    association = event(
        "deal.associationChange",
        1,
        T + 1,
        associationType="DEAL_TO_CONTACT",
        fromObjectId=1,
        toObjectId=501,
        associationRemoved=False,
    )

    await process(client, [event("deal.creation", 1, T), association])

    entries = rows(
        sync_engine,
        "select subject, details from activity where system_event = 'synced_from_hubspot' "
        "and details->>'subscription_type' = 'deal.associationChange'",
    )
    assert [(e.subject, e.details["contact_id"]) for e in entries] == [
        ("HubSpot contact 501 added to the deal", 501)
    ]


async def test_the_docs_contact_payloads_are_stored_and_marked_not_handled(
    client: AsyncClient, sync_engine: Engine
) -> None:
    await connect_hubspot(client, sync_engine, portal_id=33)
    batch = json.loads((PAYLOADS / "docs_legacy_webhooks_example_batch.json").read_text())

    await process(client, batch)

    errors = rows(sync_engine, "select status, error from webhook_event order by error")
    assert [(e.status, e.error) for e in errors] == [
        ("ignored", "contact.creation events are not handled"),
        ("ignored", "contact.propertyChange events are not handled"),
    ]
    assert deals(sync_engine) == {}
