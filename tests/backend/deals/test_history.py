import json
from datetime import datetime, timedelta
from typing import Any

import psycopg
from httpx import AsyncClient
from sqlalchemy import Engine, text

from tests.backend.deals.factories import Pipeline, make_deal, make_pipeline
from tests.factories import add_member, make_user


async def history_of(client: AsyncClient, pipeline: Pipeline, deal_id: str) -> dict[str, Any]:
    response = await client.get(
        f"{pipeline.deals_url}/{deal_id}/history", headers=pipeline.owner.headers
    )
    assert response.status_code == 200, response.text
    return response.json()


async def patch(
    client: AsyncClient, pipeline: Pipeline, deal_id: str, body: dict[str, Any], headers=None
) -> dict[str, Any]:
    response = await client.patch(
        f"{pipeline.deals_url}/{deal_id}", json=body, headers=headers or pipeline.owner.headers
    )
    assert response.status_code == 200, response.text
    return response.json()


async def test_creation_records_the_first_stage_and_close_date(client: AsyncClient) -> None:
    pipeline = await make_pipeline(client)
    deal = await make_deal(client, pipeline, expected_close_date="2026-05-01")
    history = await history_of(client, pipeline, deal["id"])
    [entry] = history["stage_changes"]
    assert (entry["from_stage_id"], entry["to_stage_name"], entry["source"]) == (
        None,
        "Lead",
        "user",
    )
    assert (entry["changed_by_id"], entry["changed_by_name"]) == (
        str(pipeline.owner.id),
        "Ada Seller",
    )
    assert entry["days_in_previous_stage"] is None
    assert entry["changed_at"] == deal["stage_entered_at"]
    [dated] = history["close_date_changes"]
    assert (dated["from_date"], dated["to_date"], dated["pushed"]) == (None, "2026-05-01", False)


async def test_every_stage_change_is_recorded_with_actor_and_source(client: AsyncClient) -> None:
    pipeline = await make_pipeline(client)
    colleague = await make_user(client, name="Bo Closer")
    await add_member(client, pipeline.workspace_id, pipeline.owner, colleague, "member")
    deal = await make_deal(client, pipeline)
    await patch(client, pipeline, deal["id"], {"stage_id": pipeline.stages["qualified"]})
    await patch(
        client, pipeline, deal["id"], {"stage_id": pipeline.stages["won"]}, colleague.headers
    )
    last = await patch(client, pipeline, deal["id"], {"stage_id": pipeline.stages["negotiation"]})
    changes = (await history_of(client, pipeline, deal["id"]))["stage_changes"]
    assert [(c["from_stage_name"], c["to_stage_name"]) for c in changes] == [
        (None, "Lead"),
        ("Lead", "Qualified"),
        ("Qualified", "Won"),
        ("Won", "Negotiation"),
    ]
    assert [c["changed_by_name"] for c in changes] == [
        "Ada Seller",
        "Ada Seller",
        "Bo Closer",
        "Ada Seller",
    ]
    assert {c["source"] for c in changes} == {"user"}
    assert all(c["days_in_previous_stage"] >= 0 for c in changes[1:])
    assert last["stage_entered_at"] == changes[-1]["changed_at"]


async def test_days_in_previous_stage_come_from_the_recorded_times(
    client: AsyncClient, sync_engine: Engine
) -> None:
    pipeline = await make_pipeline(client)
    deal = await make_deal(client, pipeline)
    with sync_engine.begin() as conn:
        conn.execute(
            text(
                "update deal_stage_change set changed_at = changed_at - interval '3 days 12 hours'"
                " where deal_id = :id"
            ),
            {"id": deal["id"]},
        )
        conn.execute(
            text("update deal set stage_entered_at = stage_entered_at - interval '3 days 12 hours'"
                 " where id = :id"),
            {"id": deal["id"]},
        )  # fmt: skip
    await patch(client, pipeline, deal["id"], {"stage_id": pipeline.stages["proposal"]})
    changes = (await history_of(client, pipeline, deal["id"]))["stage_changes"]
    assert abs(changes[1]["days_in_previous_stage"] - 3.5) < 0.01


async def test_close_date_changes_are_recorded_and_only_later_dates_count_as_pushes(
    client: AsyncClient,
) -> None:
    pipeline = await make_pipeline(client)
    deal = await make_deal(client, pipeline, expected_close_date="2026-01-01")
    for new_date in ("2026-02-01", "2026-01-15", "2026-03-01", None, "2026-04-01"):
        current = await patch(client, pipeline, deal["id"], {"expected_close_date": new_date})
    assert current["close_date_push_count"] == 2
    changes = (await history_of(client, pipeline, deal["id"]))["close_date_changes"]
    assert [(c["from_date"], c["to_date"], c["pushed"]) for c in changes] == [
        (None, "2026-01-01", False),
        ("2026-01-01", "2026-02-01", True),
        ("2026-02-01", "2026-01-15", False),
        ("2026-01-15", "2026-03-01", True),
        ("2026-03-01", None, False),
        (None, "2026-04-01", False),
    ]
    assert all(c["changed_by_id"] == str(pipeline.owner.id) for c in changes)


async def test_unchanged_stage_and_date_record_nothing(client: AsyncClient) -> None:
    pipeline = await make_pipeline(client)
    deal = await make_deal(client, pipeline, expected_close_date="2026-01-01")
    body = {"stage_id": pipeline.stages["lead"], "expected_close_date": "2026-01-01"}
    await patch(client, pipeline, deal["id"], body)
    history = await history_of(client, pipeline, deal["id"])
    assert (len(history["stage_changes"]), len(history["close_date_changes"])) == (1, 1)


async def test_api_key_changes_are_recorded_as_api_without_a_person(client: AsyncClient) -> None:
    pipeline = await make_pipeline(client)
    created = await client.post(
        f"/api/v1/workspaces/{pipeline.workspace_id}/api-keys",
        json={"name": "Zapier", "role": "member"},
        headers=pipeline.owner.headers,
    )
    key_headers = {"Authorization": f"Bearer {created.json()['secret']}"}
    response = await client.post(
        pipeline.deals_url,
        json={"title": "From Zapier", "expected_close_date": "2026-01-01"},
        headers=key_headers,
    )
    assert response.status_code == 201, response.text
    deal = response.json()
    assert deal["owner_id"] is None
    await patch(
        client,
        pipeline,
        deal["id"],
        {"stage_id": pipeline.stages["qualified"], "expected_close_date": "2026-02-01"},
        key_headers,
    )
    history = await history_of(client, pipeline, deal["id"])
    entries = history["stage_changes"] + history["close_date_changes"]
    assert {(e["source"], e["changed_by_id"]) for e in entries} == {("api", None)}
    assert len(entries) == 4


async def test_timeline_gets_system_entries_for_creation_and_changes(
    client: AsyncClient, sync_engine: Engine
) -> None:
    pipeline = await make_pipeline(client)
    deal = await make_deal(client, pipeline, expected_close_date="2026-01-01")
    await patch(
        client,
        pipeline,
        deal["id"],
        {"stage_id": pipeline.stages["qualified"], "expected_close_date": "2026-02-01"},
    )
    with sync_engine.connect() as conn:
        entries = conn.execute(
            text(
                "select system_event::text, subject from activity"
                " where deal_id = :id and type = 'system' and owner_id = :owner"
                " order by occurred_at, subject"
            ),
            {"id": deal["id"], "owner": pipeline.owner.id},
        ).all()
    assert [tuple(e) for e in entries] == [
        ("deal_created", "Deal created in Lead"),
        ("close_date_moved", "Close date moved from 2026-01-01 to 2026-02-01"),
        ("stage_changed", "Moved from Lead to Qualified"),
    ]


async def test_deal_changes_are_published_to_the_workspace(
    client: AsyncClient, database: str
) -> None:
    pipeline = await make_pipeline(client)
    url = database.replace("postgresql+psycopg://", "postgresql://", 1)
    with psycopg.connect(url, autocommit=True) as listener:
        listener.execute("listen vectoros_events")
        deal = await make_deal(client, pipeline)
        await patch(client, pipeline, deal["id"], {"title": "Renamed"})
        deleted = await client.delete(
            f"{pipeline.deals_url}/{deal['id']}", headers=pipeline.owner.headers
        )
        assert deleted.status_code == 204
        deadline = datetime.now() + timedelta(seconds=5)
        events: list[dict[str, Any]] = []
        while datetime.now() < deadline and "deal.deleted" not in [e["type"] for e in events]:
            for note in listener.notifies(timeout=0.5, stop_after=1):
                events.append(json.loads(note.payload))
    deal_events = [e for e in events if e["type"].startswith("deal.")]
    assert [e["type"] for e in deal_events] == ["deal.created", "deal.updated", "deal.deleted"]
    assert {e["data"]["id"] for e in deal_events} == {deal["id"]}
    assert {e["workspace_id"] for e in deal_events} == {pipeline.workspace_id}
    assert deal_events[1]["data"]["fields"] == ["title"]
