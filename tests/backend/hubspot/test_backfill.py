"""A backfill from the fake HubSpot maps real pipelines, owners, deals and engagements."""

from httpx import AsyncClient
from sqlalchemy import Engine

from tests.backend.deals.factories import make_deal, make_pipeline
from tests.backend.hubspot.factories import TOKEN, connect, rows, sync
from tests.fakes import hubspot_records as records
from tests.fakes.hubspot_api import FakeHubSpot


async def test_connecting_checks_the_token_and_stores_it_only_encrypted(
    client: AsyncClient, fake_hubspot: FakeHubSpot, sync_engine: Engine
) -> None:
    connected = await connect(client, fake_hubspot)

    assert connected.response.status_code == 201, connected.response.text
    body = connected.response.json()
    assert (body["connected"], body["auth"], body["portal_id"]) == (True, "private_app", 8727216)
    checked = fake_hubspot.requests_to("/account-info/v3/details")
    assert checked[0].authorization == f"Bearer {TOKEN}"
    [(stored,)] = rows(sync_engine, "select credentials_encrypted from integration")
    assert TOKEN not in stored


async def test_a_token_hubspot_refuses_is_not_stored(
    client: AsyncClient, fake_hubspot: FakeHubSpot, sync_engine: Engine
) -> None:
    fake_hubspot.tokens.clear()

    connected = await connect(client, fake_hubspot)

    assert connected.response.status_code == 400
    assert connected.response.json()["error"]["code"] == "hubspot_rejected"
    assert rows(sync_engine, "select id from integration") == []


async def test_connecting_queues_a_backfill_that_succeeds(
    client: AsyncClient, fake_hubspot: FakeHubSpot
) -> None:
    connected = await connect(client, fake_hubspot)

    run = await sync(client, connected)

    assert (run["kind"], run["trigger"], run["status"]) == ("backfill", "connect", "succeeded")
    assert run["counts"]["deals_created"] == 2
    assert run["error"] is None and run["finished_at"] is not None


async def test_pipelines_become_stages_in_display_order_despite_real_quirks(
    client: AsyncClient, fake_hubspot: FakeHubSpot, sync_engine: Engine
) -> None:
    connected = await connect(client, fake_hubspot)
    await sync(client, connected)

    stages = rows(
        sync_engine,
        "select external_id, name, probability::text, kind::text from pipeline_stage "
        "order by position",
    )

    assert [tuple(s) for s in stages] == [
        # The default pipeline first; its stages arrive unsorted, with string metadata.
        ("appointmentscheduled", "Appointment Scheduled", "20.00", "open"),
        ("qualifiedtobuy", "Qualified To Buy", "40.00", "open"),
        ("presentationscheduled", "Presentation Scheduled", "60.00", "open"),
        ("decisionmakerboughtin", "Decision Maker Bought-In", "80.00", "open"),
        ("contractsent", "Contract Sent", "90.00", "open"),
        ("closedwon", "Closed Won", "100.00", "won"),
        ("closedlost", "Closed Lost", "0.00", "lost"),
        ("9567448", "Initial Qualification", "10.00", "open"),
        ("9567449", "Negotiation", "50.00", "open"),
        # A custom won stage id; a custom "Closed Lost" left open (isClosed "false", 0.1).
        ("customclosedwonstage", "Success! Closed Won", "100.00", "won"),
        ("66894120", "Closed Lost (New Business Pipeline)", "0.00", "lost"),
    ]


async def test_our_default_stages_give_way_but_stages_holding_deals_stay(
    client: AsyncClient, fake_hubspot: FakeHubSpot, sync_engine: Engine
) -> None:
    pipeline = await make_pipeline(client)
    await make_deal(client, pipeline, stage_id=pipeline.stages["proposal"])
    await sync(client, await connect(client, fake_hubspot, pipeline))

    ours = rows(sync_engine, "select name, position from pipeline_stage where external_id is null")

    assert [tuple(s) for s in ours] == [("Proposal", 11)]


async def test_owners_map_to_members_by_email_and_own_their_deals(
    client: AsyncClient, fake_hubspot: FakeHubSpot, sync_engine: Engine
) -> None:
    fake_hubspot.owners.append(records.owner("99887766", "nobody-here@example.com"))
    connected = await connect(client, fake_hubspot)
    run = await sync(client, connected)

    [(config,)] = rows(sync_engine, "select config from integration")
    owners = rows(sync_engine, "select distinct owner_id from deal")

    owner_id = str(connected.pipeline.owner.id)
    assert config["owner_map"] == {records.OWNER_ID: owner_id}
    assert (run["counts"]["owners"], run["counts"]["owners_mapped"]) == (2, 1)
    assert [str(o) for (o,) in owners] == [owner_id]


async def test_deals_follow_their_hubspot_stage_and_deleted_ones_are_left_out(
    client: AsyncClient, fake_hubspot: FakeHubSpot, sync_engine: Engine
) -> None:
    connected = await connect(client, fake_hubspot)
    await sync(client, connected)

    deals = rows(
        sync_engine,
        "select d.external_id, d.title, d.amount::text, d.currency, s.name, d.closed_at, "
        "d.expected_close_date::text, d.created_at::date::text, d.source::text "
        "from deal d join pipeline_stage s on s.id = d.stage_id order by d.external_id",
    )

    # Both are flagged hs_is_closed_won in HubSpot, yet sit in an open stage: the stage rules.
    # The first closes (2014) before it was created (2021), as recorded.
    assert [tuple(d) for d in deals] == [
        ("4280411910", "Test Deal 332", "6.00", "USD", "Appointment Scheduled", None,
         "2014-08-31", "2021-02-22", "hubspot"),
        ("4315375411", "Test deal 2", "10.00", "USD", "Appointment Scheduled", None,
         "2021-02-28", "2021-02-23", "hubspot"),
    ]  # fmt: skip


async def test_the_stage_history_records_the_sync_as_hubspots(
    client: AsyncClient, fake_hubspot: FakeHubSpot, sync_engine: Engine
) -> None:
    connected = await connect(client, fake_hubspot)
    await sync(client, connected)

    sources = rows(sync_engine, "select distinct source::text from deal_stage_change")

    assert sources == [("hubspot",)]


async def test_engagements_become_activities_on_their_deals(
    client: AsyncClient, fake_hubspot: FakeHubSpot, sync_engine: Engine
) -> None:
    connected = await connect(client, fake_hubspot)
    run = await sync(client, connected)

    activities = rows(
        sync_engine,
        "select a.type::text, a.subject, a.body, a.external_id from activity a "
        "where a.type <> 'system' order by a.occurred_at",
    )
    links = rows(
        sync_engine,
        "select distinct d.external_id, a.owner_id, a.completed_at is not null from activity a "
        "join deal d on d.id = a.deal_id where a.type <> 'system'",
    )

    assert [tuple(a) for a in activities] == [
        ("call", "Discovery call", "Talked budget & timeline", "calls:30001"),
        ("meeting", "Demo", "Product demo for the buying group", "meetings:40001"),
        (
            "note",
            "Champion is the VP Sales",
            "Champion is the VP Sales\nNext: pricing",
            "notes:50001",
        ),
        ("email", "Proposal attached", "Please find the proposal attached.", "emails:60001"),
        ("task", "Send contract", "Legal review first", "tasks:70001"),
    ]
    assert [tuple(link) for link in links] == [("4280411910", connected.pipeline.owner.id, True)]
    # A call on no deal, and a note on a deal deleted in HubSpot, have nowhere to go.
    assert run["counts"]["activities_without_deal"] == 2


async def test_the_last_activity_of_a_deal_comes_from_its_engagements(
    client: AsyncClient, fake_hubspot: FakeHubSpot, sync_engine: Engine
) -> None:
    connected = await connect(client, fake_hubspot)
    await sync(client, connected)

    [(last,)] = rows(
        sync_engine, "select last_activity_at::text from deal where external_id = '4280411910'"
    )

    assert last == "2023-03-06 16:00:00+00"


async def test_every_page_of_deals_is_read(
    client: AsyncClient, fake_hubspot: FakeHubSpot, sync_engine: Engine
) -> None:
    fake_hubspot.deals += [
        records.deal(
            str(9_000_000 + i), f"Deal {i}", "qualifiedtobuy", modified="2026-01-06T10:00:00.000Z"
        )
        for i in range(230)
    ]
    connected = await connect(client, fake_hubspot)
    run = await sync(client, connected)

    pages = [r.query.get("after") for r in fake_hubspot.requests_to("/crm/v3/objects/deals")]
    [(count,)] = rows(sync_engine, "select count(*) from deal")

    assert pages == [None, "100", "200"]
    assert count == run["counts"]["deals_created"] == 232


async def test_a_second_backfill_duplicates_nothing(
    client: AsyncClient, fake_hubspot: FakeHubSpot, sync_engine: Engine
) -> None:
    connected = await connect(client, fake_hubspot)
    await sync(client, connected)
    before = rows(sync_engine, "select count(*) from deal union all select count(*) from activity")

    queued = await client.post(
        f"{connected.url}/sync", json={"kind": "backfill"}, headers=connected.headers
    )
    run = await sync(client, connected)

    assert queued.status_code == 202
    assert (run["status"], run["counts"]["deals_updated"], run["counts"]["activities_updated"]) == (
        "succeeded", 2, 5,
    )  # fmt: skip
    assert (
        rows(sync_engine, "select count(*) from deal union all select count(*) from activity")
        == before
    )
