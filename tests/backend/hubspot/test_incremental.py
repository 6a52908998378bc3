"""Incremental syncs: only what changed since the last sync, found through HubSpot's search."""

from datetime import UTC, datetime, timedelta

import pytest
from httpx import AsyncClient
from sqlalchemy import Engine

from backend.config import settings
from backend.hubspot.service import schedule_incremental_syncs
from tests.backend.hubspot.factories import connect, rows, sync
from tests.backend.webhooks import factories as webhooks
from tests.fakes import hubspot_records as records
from tests.fakes.hubspot_api import FakeHubSpot


def just_now() -> str:
    return records.iso(datetime.now(UTC))


async def synced_workspace(client: AsyncClient, fake: FakeHubSpot):  # noqa: ANN201
    connected = await connect(client, fake)
    await sync(client, connected)
    return connected


async def test_an_incremental_sync_searches_from_the_watermark(
    client: AsyncClient, fake_hubspot: FakeHubSpot, sync_engine: Engine
) -> None:
    connected = await synced_workspace(client, fake_hubspot)
    [(watermark,)] = rows(sync_engine, "select sync_watermark from integration")

    await client.post(f"{connected.url}/sync", headers=connected.headers)
    run = await sync(client, connected)

    [search] = fake_hubspot.requests_to("/crm/v3/objects/deals/search")
    [condition] = search.body["filterGroups"][0]["filters"]
    assert (run["kind"], run["status"]) == ("incremental", "succeeded")
    assert (condition["propertyName"], condition["operator"]) == ("hs_lastmodifieddate", "GTE")
    assert int(condition["value"]) == int(watermark.timestamp() * 1000)
    assert run["counts"].get("deals_created", 0) == 0


async def test_changes_in_hubspot_since_the_last_sync_arrive(
    client: AsyncClient, fake_hubspot: FakeHubSpot, sync_engine: Engine
) -> None:
    connected = await synced_workspace(client, fake_hubspot)
    moved = fake_hubspot.deals[0]["properties"]
    moved.update(dealstage="closedwon", amount="7500", hs_lastmodifieddate=just_now())
    fake_hubspot.deals.append(records.deal("8100", "New logo", "contractsent", modified=just_now()))
    fake_hubspot.engagements["notes"].append(
        records.engagement(
            "notes",
            "50100",
            {
                "hs_timestamp": just_now(),
                "hs_lastmodifieddate": just_now(),
                "hs_note_body": "Signed!",
            },
            ["8100"],
        )
    )

    await client.post(f"{connected.url}/sync", headers=connected.headers)
    run = await sync(client, connected)

    deals = rows(
        sync_engine,
        "select d.external_id, d.amount::text, s.name, d.closed_at is not null from deal d "
        "join pipeline_stage s on s.id = d.stage_id order by d.external_id",
    )
    history = rows(
        sync_engine,
        "select t.name, c.source::text from deal_stage_change c join deal d on d.id = c.deal_id "
        "join pipeline_stage t on t.id = c.to_stage_id where d.external_id = '4280411910' "
        "order by c.changed_at",
    )
    notes = rows(
        sync_engine,
        "select a.subject, d.external_id from activity a join deal d on d.id = a.deal_id "
        "where a.external_id = 'notes:50100'",
    )
    assert run["status"] == "succeeded"
    assert [tuple(d) for d in deals] == [
        ("4280411910", "7500.00", "Closed Won", True),
        ("4315375411", "10.00", "Appointment Scheduled", False),
        ("8100", "1000.00", "Contract Sent", False),
    ]
    assert [tuple(h) for h in history] == [
        ("Appointment Scheduled", "hubspot"),
        ("Closed Won", "hubspot"),
    ]
    # Search results carry no associations: the note's deal came from the v4 batch read.
    assert fake_hubspot.requests_to("/crm/v4/associations/notes/deals/batch/read")
    assert [tuple(n) for n in notes] == [("Signed!", "8100")]


async def test_a_snapshot_older_than_a_webhook_change_does_not_undo_it(
    client: AsyncClient, fake_hubspot: FakeHubSpot, sync_engine: Engine
) -> None:
    connected = await synced_workspace(client, fake_hubspot)
    later = datetime.now(UTC) + timedelta(minutes=1)
    with sync_engine.begin() as conn:
        conn.exec_driver_sql(
            "update hubspot_property_version set occurred_at = %s "
            "where object_id = 4280411910 and property = 'amount'",
            (later,),
        )
    fake_hubspot.deals[0]["properties"].update(amount="1", hs_lastmodifieddate=just_now())

    await client.post(f"{connected.url}/sync", headers=connected.headers)
    await sync(client, connected)

    assert rows(sync_engine, "select amount::text from deal where external_id = '4280411910'") == [
        ("6.00",)
    ]


async def test_the_schedule_queues_an_incremental_sync_per_connected_workspace(
    client: AsyncClient, fake_hubspot: FakeHubSpot, sync_engine: Engine
) -> None:
    await synced_workspace(client, fake_hubspot)

    queued = await schedule_incremental_syncs()
    again = await schedule_incremental_syncs()

    assert (queued, again) == (1, 0)
    assert rows(
        sync_engine,
        "select kind, trigger, status::text from hubspot_sync_run where trigger = 'schedule'",
    ) == [("incremental", "schedule", "queued")]


async def test_a_webhook_change_for_an_unknown_deal_fetches_the_deal(
    client: AsyncClient,
    fake_hubspot: FakeHubSpot,
    sync_engine: Engine,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(settings, "hubspot_client_secret", webhooks.CLIENT_SECRET)
    monkeypatch.setattr(settings, "public_base_url", webhooks.BASE_URL)
    connected = await synced_workspace(client, fake_hubspot)
    fake_hubspot.deals.append(
        records.deal("8200", "Acme expansion", "contractsent", modified=just_now())
    )
    change = webhooks.change(8200, "amount", "1000", int(datetime.now(UTC).timestamp() * 1000))

    delivered = await webhooks.deliver(client, [{**change, "portalId": records.PORTAL_ID}])
    run = await sync(client, connected)

    assert delivered.status_code == 204
    assert (run["trigger"], run["status"]) == ("webhook", "succeeded")
    assert rows(
        sync_engine,
        "select d.title, s.name from deal d join pipeline_stage s on s.id = d.stage_id "
        "where d.external_id = '8200'",
    ) == [("Acme expansion", "Contract Sent")]
