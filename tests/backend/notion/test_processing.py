"""The processing job: pages fetched, deals and notes upserted, deletions archived, in order."""

import json
from datetime import date
from decimal import Decimal

import pytest
from httpx import AsyncClient
from sqlalchemy import Engine

from backend.notion import processing
from backend.notion.client import NotionUnavailable
from tests.backend.notion.factories import (
    DATA,
    Connected,
    connect,
    deal_page,
    deals,
    deliver,
    docs_event,
    event,
    events,
    note_page,
    rows,
    verify,
)
from tests.backend.worker.queued_jobs import run_queued_jobs
from tests.fakes import notion_objects as n
from tests.fakes.notion_api import FakeNotion

T1, T2, T3 = "2026-04-03T18:10:00.000Z", "2026-04-03T18:20:00.000Z", "2026-04-03T18:30:00.000Z"


async def ready(client: AsyncClient, fake: FakeNotion, **overrides) -> Connected:
    """Connected, first sync done (nothing in Notion yet), webhook verified."""
    connected = await connect(client, fake, **overrides)
    await run_queued_jobs()
    await verify(client, connected)
    return connected


async def process(client: AsyncClient, connected: Connected, *bodies: dict | bytes) -> None:
    for body in bodies:
        response = await deliver(client, connected, body)
        assert response.status_code == 200, response.text
    await run_queued_jobs()


def stage_changes(engine: Engine) -> list[tuple]:
    return [
        tuple(r)
        for r in rows(
            engine,
            "select f.name as from_stage, t.name as to_stage, c.source::text from "
            "deal_stage_change c left join pipeline_stage f on f.id = c.from_stage_id "
            "join pipeline_stage t on t.id = c.to_stage_id order by c.changed_at",
        )
    ]


def timeline(engine: Engine) -> list[str]:
    found = rows(
        engine,
        "select subject from activity where system_event = 'synced_from_notion' "
        "order by occurred_at, created_at",
    )
    return [r.subject for r in found]


async def test_the_docs_properties_updated_event_fetches_the_page_and_upserts_the_deal(
    client: AsyncClient, fake_notion: FakeNotion, sync_engine: Engine
) -> None:
    # The fixture page's own schema: title, Status (select), Deadline (a date formula).
    deals_db = n.new_id()
    fake_notion.add_database(
        n.database(
            deals_db,
            "Tasks",
            {
                "title": n.title_schema(),
                "Status": n.select_schema(["In Progress", "Done"], id_="XGe%40"),
                "Deadline": n.formula_schema("dateAdd(now(), 7, 'days')", id_="DbAu"),
            },
        )
    )
    fixture = n.fixture_page()
    fixture.update(
        id="153104cd-477e-809d-8dc4-ff2d96ae3090",
        parent={"type": "database_id", "database_id": deals_db},
    )
    fake_notion.put_page(fixture)
    connected = await connect(
        client,
        fake_notion,
        notes=False,
        deals_database_id=deals_db,
        deal_properties={"stage": "Status", "close_date": "Deadline"},
        stage_aliases={"In Progress": "Qualified", "Done": "Won"},
    )
    await run_queued_jobs()  # the first sync already brings the page in
    await verify(client, connected)
    fake_notion.put_page({**fixture, "last_edited_time": "2026-04-03T18:09:00.000Z"})
    vector = next(
        v
        for v in json.loads((DATA / "signature_vectors.json").read_text())["vectors"]
        if v["id"] == "computed-page.properties_updated-minified"
    )

    response = await deliver(
        client, connected, vector["raw_body"].encode(), signature=vector["expected_header"]
    )
    await run_queued_jobs()

    assert response.status_code == 200
    assert "/v1/pages/153104cd-477e-809d-8dc4-ff2d96ae3090" in fake_notion.paths("GET")
    deal = deals(sync_engine)["153104cd-477e-809d-8dc4-ff2d96ae3090"]
    assert (deal.title, deal.stage, deal.expected_close_date) == (
        "Zulip Notion Test",
        "Qualified",
        date(2026, 2, 1),
    )
    assert [e.status for e in events(sync_engine)] == ["processed"]


async def test_a_created_page_becomes_a_deal_synced_from_notion(
    client: AsyncClient, fake_notion: FakeNotion, sync_engine: Engine
) -> None:
    connected = await ready(client, fake_notion)
    page = deal_page(
        fake_notion, connected.deals_db, "Acme rollout", amount=1200.5, stage="Proposal",
        close="2026-06-30",
    )  # fmt: skip

    await process(client, connected, event("page.created", page["id"], T1))

    deal = deals(sync_engine)[page["id"]]
    assert (deal.title, deal.amount, deal.stage, deal.expected_close_date) == (
        "Acme rollout",
        Decimal("1200.50"),
        "Proposal",
        date(2026, 6, 30),
    )
    assert stage_changes(sync_engine) == [(None, "Proposal", "notion")]
    assert timeline(sync_engine) == ["Created from Notion"]


async def test_changed_properties_update_the_deal_and_its_history(
    client: AsyncClient, fake_notion: FakeNotion, sync_engine: Engine
) -> None:
    connected = await ready(client, fake_notion)
    page = deal_page(fake_notion, connected.deals_db, "Acme", amount=100, stage="Lead")
    await process(client, connected, event("page.created", page["id"], T1))
    deal_page(
        fake_notion, connected.deals_db, "Acme (renewal)", page_id=page["id"], amount=250,
        stage="Negotiation", edited="2026-04-03T18:19:00.000Z",
    )  # fmt: skip

    await process(client, connected, event("page.properties_updated", page["id"], T2))

    deal = deals(sync_engine)[page["id"]]
    assert (deal.title, deal.amount, deal.stage) == (
        "Acme (renewal)",
        Decimal("250.00"),
        "Negotiation",
    )
    assert stage_changes(sync_engine) == [
        (None, "Lead", "notion"),
        ("Lead", "Negotiation", "notion"),
    ]
    assert timeline(sync_engine)[-1] == "Updated from Notion: title, amount, stage_id"


async def test_a_trashed_page_archives_its_deal_and_restoring_it_unarchives(
    client: AsyncClient, fake_notion: FakeNotion, sync_engine: Engine
) -> None:
    connected = await ready(client, fake_notion)
    page = deal_page(fake_notion, connected.deals_db, "Acme", stage="Lead")
    await process(client, connected, event("page.created", page["id"], T1))
    fake_notion.put_page({**page, "in_trash": True, "archived": True})

    await process(client, connected, event("page.deleted", page["id"], T2))
    archived = deals(sync_engine)[page["id"]].archived_at
    fake_notion.put_page(page)
    await process(client, connected, event("page.undeleted", page["id"], T3))

    assert archived is not None
    assert deals(sync_engine)[page["id"]].archived_at is None
    assert timeline(sync_engine)[-2:] == ["Deleted in Notion (archived here)", "Restored in Notion"]


async def test_a_page_notion_no_longer_has_archives_its_deal(
    client: AsyncClient, fake_notion: FakeNotion, sync_engine: Engine
) -> None:
    connected = await ready(client, fake_notion)
    page = deal_page(fake_notion, connected.deals_db, "Acme")
    await process(client, connected, event("page.created", page["id"], T1))
    fake_notion.delete_page(page["id"])

    await process(client, connected, event("page.deleted", page["id"], T2))

    assert deals(sync_engine)[page["id"]].archived_at is not None
    assert [e.status for e in events(sync_engine)] == ["processed", "processed"]


async def test_an_event_older_than_the_last_applied_one_is_ignored(
    client: AsyncClient, fake_notion: FakeNotion, sync_engine: Engine
) -> None:
    connected = await ready(client, fake_notion)
    page = deal_page(fake_notion, connected.deals_db, "Acme")
    await process(client, connected, event("page.created", page["id"], T1))
    fake_notion.delete_page(page["id"])
    await process(client, connected, event("page.deleted", page["id"], T3))
    fake_notion.put_page(page)

    # Arrives late: the page was restored before it was deleted for good.
    await process(client, connected, event("page.undeleted", page["id"], T2))

    assert deals(sync_engine)[page["id"]].archived_at is not None
    assert events(sync_engine)[-1].status == "ignored"
    assert "older than the last event" in events(sync_engine)[-1].error


async def test_shuffled_and_repeated_deliveries_yield_one_deal_and_one_history(
    client: AsyncClient, fake_notion: FakeNotion, sync_engine: Engine
) -> None:
    connected = await ready(client, fake_notion)
    page = deal_page(fake_notion, connected.deals_db, "Acme", amount=10, stage="Won")
    batch = [
        event("page.properties_updated", page["id"], T2),
        event("page.created", page["id"], T1),
        event("page.content_updated", page["id"], T3),
    ]

    for _ in range(3):
        await process(client, connected, *batch)

    assert list(deals(sync_engine)) == [page["id"]]
    assert stage_changes(sync_engine) == [(None, "Won", "notion")]
    assert timeline(sync_engine) == ["Created from Notion"]
    assert len(events(sync_engine)) == 3


async def test_a_meeting_note_lands_on_its_deals_timeline(
    client: AsyncClient, fake_notion: FakeNotion, sync_engine: Engine
) -> None:
    connected = await ready(client, fake_notion)
    deal = deal_page(fake_notion, connected.deals_db, "Acme")
    await process(client, connected, event("page.created", deal["id"], T1))
    note = note_page(
        fake_notion, connected.notes_db, "Kickoff call", deal_ids=[deal["id"]], day="2026-04-02"
    )

    await process(client, connected, event("page.created", note["id"], T2))

    [activity] = rows(
        sync_engine,
        "select a.type::text, a.subject, a.occurred_at, a.completed_at, d.external_id "
        "from activity a join deal d on d.id = a.deal_id where a.source = 'notion' "
        "and a.type <> 'system'",
    )
    assert (activity.type, activity.subject, activity.external_id) == (
        "meeting",
        "Kickoff call",
        deal["id"],
    )
    assert activity.occurred_at.date() == date(2026, 4, 2) and activity.completed_at is not None
    [touched] = rows(sync_engine, "select last_activity_at from deal")
    assert touched.last_activity_at == activity.occurred_at


async def test_a_note_whose_deal_is_not_synced_yet_fetches_the_deal(
    client: AsyncClient, fake_notion: FakeNotion, sync_engine: Engine
) -> None:
    connected = await ready(client, fake_notion)
    deal = deal_page(fake_notion, connected.deals_db, "Globex pilot", stage="Qualified")
    note = note_page(fake_notion, connected.notes_db, "Discovery", deal_ids=[deal["id"]])

    await process(client, connected, event("page.created", note["id"], T1))

    assert f"/v1/pages/{deal['id']}" in fake_notion.paths("GET")
    assert deals(sync_engine)[deal["id"]].title == "Globex pilot"
    [linked] = rows(
        sync_engine,
        "select d.external_id from activity a join deal d on d.id = a.deal_id "
        "where a.type = 'meeting'",
    )
    assert linked.external_id == deal["id"]


async def test_a_deleted_note_leaves_the_timeline(
    client: AsyncClient, fake_notion: FakeNotion, sync_engine: Engine
) -> None:
    connected = await ready(client, fake_notion)
    deal = deal_page(fake_notion, connected.deals_db, "Acme")
    note = note_page(fake_notion, connected.notes_db, "Kickoff", deal_ids=[deal["id"]])
    await process(client, connected, event("page.created", note["id"], T1))
    fake_notion.delete_page(note["id"])

    await process(client, connected, event("page.deleted", note["id"], T2))

    assert rows(sync_engine, "select id from activity where type = 'meeting'") == []
    assert deals(sync_engine)[deal["id"]].archived_at is None


async def test_pages_outside_the_mapped_databases_and_other_events_are_ignored(
    client: AsyncClient, fake_notion: FakeNotion, sync_engine: Engine
) -> None:
    connected = await ready(client, fake_notion)
    fixture = n.fixture_page()  # a page under a page, in no database

    await process(
        client,
        connected,
        event("page.created", fixture["id"], T1),
        docs_event("comment_created"),
        docs_event("data_source_schema_updated"),
    )

    assert deals(sync_engine) == {}
    assert [e.status for e in events(sync_engine)] == ["ignored"] * 3


async def test_an_invalid_value_fails_the_event_with_the_reason(
    client: AsyncClient, fake_notion: FakeNotion, sync_engine: Engine
) -> None:
    connected = await ready(client, fake_notion)
    page = deal_page(fake_notion, connected.deals_db, "Refund", amount=-50)

    await process(client, connected, event("page.created", page["id"], T1))

    [stored] = events(sync_engine)
    assert stored.status == "failed" and "amount" in stored.error
    assert deals(sync_engine) == {}


async def test_rate_limits_are_waited_out_as_notion_asks(
    client: AsyncClient, fake_notion: FakeNotion, sync_engine: Engine, sleeps: list[float]
) -> None:
    connected = await ready(client, fake_notion)
    page = deal_page(fake_notion, connected.deals_db, "Acme")
    fake_notion.fail_next(429, times=2, retry_after="3", path="/v1/pages/")

    await process(client, connected, event("page.created", page["id"], T1))

    assert sleeps == [3.0, 3.0]
    assert [r.status for r in fake_notion.requests if r.path.startswith("/v1/pages/")] == [
        429,
        429,
        200,
    ]
    assert page["id"] in deals(sync_engine)


async def test_when_notion_stays_down_the_event_waits_for_a_retry(
    client: AsyncClient, fake_notion: FakeNotion, sync_engine: Engine, sleeps: list[float]
) -> None:
    connected = await ready(client, fake_notion)
    page = deal_page(fake_notion, connected.deals_db, "Acme")
    response = await deliver(client, connected, event("page.created", page["id"], T1))
    assert response.status_code == 200
    fake_notion.fail_next(503, times=6, path="/v1/pages/")

    with pytest.raises(NotionUnavailable):
        await processing.run(workspace_id=connected.pipeline_workspace_uuid)
    pending = [e.status for e in events(sync_engine)]
    await processing.run(workspace_id=connected.pipeline_workspace_uuid)

    assert pending == ["received"]
    assert len(sleeps) == 5 and sleeps == sorted(sleeps)  # bounded, growing backoff
    assert [e.status for e in events(sync_engine)] == ["processed"]
    assert page["id"] in deals(sync_engine)


async def test_every_docs_example_event_is_accepted_and_handled(
    client: AsyncClient, fake_notion: FakeNotion, sync_engine: Engine
) -> None:
    connected = await ready(client, fake_notion)
    bodies = [path.read_bytes() for path in sorted((DATA / "docs_example_events").glob("*.json"))]

    answers = [(await deliver(client, connected, body)).status_code for body in bodies]
    await run_queued_jobs()

    assert answers == [200] * len(bodies)
    # One example appears twice (the same event in two API versions): stored once.
    assert len(events(sync_engine)) == len({json.loads(b)["id"] for b in bodies})
    assert {e.status for e in events(sync_engine)} == {"ignored"}  # none of their pages is ours
    assert deals(sync_engine) == {}
