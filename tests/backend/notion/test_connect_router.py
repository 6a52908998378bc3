"""Connecting Notion: token and mapping checked with Notion, stored safely, settings routes."""

import uuid

from httpx import AsyncClient
from sqlalchemy import Engine

from backend.integrations import crypto
from tests.backend.deals.factories import make_pipeline
from tests.backend.notion.factories import (
    connect,
    deals_database,
    handshake,
    mapping,
    notes_database,
    rows,
    verify,
)
from tests.factories import add_member, make_user, make_workspace
from tests.fakes import notion_objects as n
from tests.fakes.notion_api import TOKEN, FakeNotion


def problems(response) -> dict[str, str]:
    return {d["field"]: d["message"] for d in response.json()["error"]["details"]}


async def test_connecting_checks_the_token_with_notion_and_masks_it(
    client: AsyncClient, fake_notion: FakeNotion, sync_engine: Engine
) -> None:
    connected = await connect(client, fake_notion)

    shown = await client.get(f"{connected.url}/connection", headers=connected.headers)

    me = [r for r in fake_notion.requests if r.path == "/v1/users/me"][0]
    assert me.headers["authorization"] == f"Bearer {TOKEN}"
    assert me.headers["notion-version"] == "2022-06-28"
    body = shown.json()
    assert TOKEN not in shown.text and body["access_token"].endswith(TOKEN[-4:])
    assert body["webhook_url"] == connected.webhook_url
    assert connected.webhook.startswith(f"/api/v1/webhooks/notion/{connected.integration_id}/")
    assert body["webhook_verified"] is False
    assert body["config"]["deal_properties"]["stage"]["type"] == "select"
    [row] = rows(sync_engine, "select credentials_encrypted from integration")
    assert TOKEN not in row.credentials_encrypted
    assert crypto.decrypt(row.credentials_encrypted)["access_token"] == TOKEN


async def test_connecting_queues_the_first_sync(
    client: AsyncClient, fake_notion: FakeNotion, sync_engine: Engine
) -> None:
    connected = await connect(client, fake_notion)

    shown = await client.get(f"{connected.url}/connection", headers=connected.headers)

    assert shown.json()["latest_sync"]["status"] == "queued"
    assert shown.json()["latest_sync"]["trigger"] == "connect"
    jobs = rows(sync_engine, "select task_name from procrastinate_jobs")
    assert [j.task_name for j in jobs] == ["notion.sync"]


async def test_a_token_notion_refuses_is_422_on_the_token(
    client: AsyncClient, fake_notion: FakeNotion
) -> None:
    pipeline = await make_pipeline(client)
    deals_db = deals_database(fake_notion)

    response = await client.post(
        f"/api/v1/workspaces/{pipeline.workspace_id}/integrations/notion",
        json=mapping(deals_db, access_token="ntn_revoked"),
        headers=pipeline.owner.headers,
    )

    assert response.status_code == 422
    assert response.json()["error"]["code"] == "notion_token_invalid"
    assert "access_token" in problems(response)


async def test_a_database_not_shared_with_the_integration_is_named(
    client: AsyncClient, fake_notion: FakeNotion
) -> None:
    pipeline = await make_pipeline(client)

    response = await client.post(
        f"/api/v1/workspaces/{pipeline.workspace_id}/integrations/notion",
        json=mapping(str(uuid.uuid4())),
        headers=pipeline.owner.headers,
    )

    assert response.status_code == 422
    assert "not shared with the integration" in problems(response)["deals_database_id"]


async def test_mapping_errors_name_each_property(
    client: AsyncClient, fake_notion: FakeNotion
) -> None:
    pipeline = await make_pipeline(client)
    deals_db = deals_database(fake_notion)
    body = mapping(
        deals_db,
        deal_properties={"amount": "Notes", "stage": "Amount", "close_date": "Signed on"},
    )

    response = await client.post(
        f"/api/v1/workspaces/{pipeline.workspace_id}/integrations/notion",
        json=body,
        headers=pipeline.owner.headers,
    )

    assert response.status_code == 422
    assert response.json()["error"]["code"] == "notion_mapping_invalid"
    found = problems(response)
    assert "'Notes' is a rich_text property" in found["deal_properties.amount"]
    assert "'Amount' is a number property" in found["deal_properties.stage"]
    assert "'Signed on' is not a property" in found["deal_properties.close_date"]


async def test_stage_options_must_match_our_stages_by_name(
    client: AsyncClient, fake_notion: FakeNotion
) -> None:
    pipeline = await make_pipeline(client)
    deals_db = deals_database(fake_notion, options=["lead", "Discovery", "Closed won"])

    response = await client.post(
        f"/api/v1/workspaces/{pipeline.workspace_id}/integrations/notion",
        json=mapping(deals_db),
        headers=pipeline.owner.headers,
    )

    assert response.status_code == 422
    messages = [d["message"] for d in response.json()["error"]["details"]]
    assert len(messages) == 2  # "lead" matches Lead regardless of case
    assert any("'Discovery'" in m for m in messages)
    assert any("'Closed won'" in m for m in messages)


async def test_stage_aliases_map_options_named_differently(
    client: AsyncClient, fake_notion: FakeNotion
) -> None:
    pipeline = await make_pipeline(client)
    deals_db = deals_database(fake_notion, options=["lead", "Discovery", "Closed won"])

    response = await client.post(
        f"/api/v1/workspaces/{pipeline.workspace_id}/integrations/notion",
        json=mapping(deals_db, stage_aliases={"discovery": "Qualified", "Closed won": "won"}),
        headers=pipeline.owner.headers,
    )

    assert response.status_code == 201, response.text
    options = {o["option"]: o["stage_id"] for o in response.json()["config"]["stage_options"]}
    assert options == {
        "lead": pipeline.stages["lead"],
        "Discovery": pipeline.stages["qualified"],
        "Closed won": pipeline.stages["won"],
    }


async def test_a_status_property_can_carry_the_stage(
    client: AsyncClient, fake_notion: FakeNotion
) -> None:
    pipeline = await make_pipeline(client)
    deals_db = n.new_id()
    fake_notion.add_database(
        n.database(
            deals_db,
            "Pipeline",
            {"Deal": n.title_schema(), "Status": n.status_schema(["Lead", "Won", "Lost"])},
        )
    )

    response = await client.post(
        f"/api/v1/workspaces/{pipeline.workspace_id}/integrations/notion",
        json=mapping(deals_db.replace("-", ""), deal_properties={"stage": "Status"}),
        headers=pipeline.owner.headers,
    )

    assert response.status_code == 201, response.text
    config = response.json()["config"]
    assert config["deals_database"]["id"] == deals_db
    assert config["deal_properties"]["title"]["name"] == "Deal"
    assert config["deal_properties"]["stage"]["type"] == "status"


async def test_the_notes_relation_must_point_at_the_deals_database(
    client: AsyncClient, fake_notion: FakeNotion
) -> None:
    pipeline = await make_pipeline(client)
    deals_db = deals_database(fake_notion)
    elsewhere = deals_database(fake_notion)
    notes_db = notes_database(fake_notion, elsewhere)

    response = await client.post(
        f"/api/v1/workspaces/{pipeline.workspace_id}/integrations/notion",
        json=mapping(deals_db, notes_db),
        headers=pipeline.owner.headers,
    )

    assert response.status_code == 422
    assert "relates to another database" in problems(response)["note_properties.deal"]


async def test_a_workspace_connects_notion_once(
    client: AsyncClient, fake_notion: FakeNotion
) -> None:
    connected = await connect(client, fake_notion)

    again = await client.post(
        connected.url, json=mapping(connected.deals_db), headers=connected.headers
    )

    assert again.status_code == 409


async def test_changing_the_mapping_checks_it_again_and_syncs(
    client: AsyncClient, fake_notion: FakeNotion, sync_engine: Engine
) -> None:
    connected = await connect(client, fake_notion)
    url = f"{connected.url}/connection"

    bad = await client.patch(
        url, json={"deal_properties": {"amount": "Stage"}}, headers=connected.headers
    )
    good = await client.patch(
        url, json={"deal_properties": {"amount": "Amount"}, "notes_database_id": None},
        headers=connected.headers,
    )  # fmt: skip

    assert bad.status_code == 422 and "deal_properties.amount" in problems(bad)
    assert good.status_code == 200, good.text
    assert good.json()["config"]["deal_properties"]["stage"] is None
    assert good.json()["config"]["notes_database"] is None
    assert good.json()["access_token"].endswith(TOKEN[-4:])


async def test_changing_the_mapping_keeps_the_webhook_verification(
    client: AsyncClient, fake_notion: FakeNotion
) -> None:
    connected = await connect(client, fake_notion)
    await verify(client, connected)

    changed = await client.patch(
        f"{connected.url}/connection",
        json={"stage_aliases": {}},
        headers=connected.headers,
    )

    assert changed.status_code == 200, changed.text
    assert changed.json()["webhook_verified"] is True


async def test_disconnecting_removes_the_integration(
    client: AsyncClient, fake_notion: FakeNotion, sync_engine: Engine
) -> None:
    connected = await connect(client, fake_notion)

    deleted = await client.delete(f"{connected.url}/connection", headers=connected.headers)
    shown = await client.get(f"{connected.url}/connection", headers=connected.headers)
    webhook = await handshake(client, connected)

    assert (deleted.status_code, shown.status_code, webhook.status_code) == (204, 404, 404)
    assert rows(sync_engine, "select id from integration") == []


async def test_viewers_see_the_connection_but_cannot_change_it(
    client: AsyncClient, fake_notion: FakeNotion
) -> None:
    connected = await connect(client, fake_notion)
    viewer = await make_user(client)
    await add_member(client, connected.workspace_id, connected.pipeline.owner, viewer, "viewer")

    shown = await client.get(f"{connected.url}/connection", headers=viewer.headers)
    sync = await client.post(f"{connected.url}/sync-runs", headers=viewer.headers)
    patch = await client.patch(f"{connected.url}/connection", json={}, headers=viewer.headers)

    assert shown.status_code == 200 and TOKEN not in shown.text
    assert (sync.status_code, patch.status_code) == (403, 403)


async def test_another_workspaces_notion_is_404_on_every_route(
    client: AsyncClient, fake_notion: FakeNotion
) -> None:
    connected = await connect(client, fake_notion)
    await handshake(client, connected)
    runs = await client.get(f"{connected.url}/sync-runs", headers=connected.headers)
    run_id = runs.json()[0]["id"]
    outsider = await make_user(client)
    other_ws = await make_workspace(client, outsider, "Other Inc")
    other = f"/api/v1/workspaces/{other_ws}/integrations/notion"

    theirs = [
        await client.get(f"{connected.url}/connection", headers=outsider.headers),
        await client.patch(f"{connected.url}/connection", json={}, headers=outsider.headers),
        await client.delete(f"{connected.url}/connection", headers=outsider.headers),
        await client.get(f"{connected.url}/verification-token", headers=outsider.headers),
        await client.delete(f"{connected.url}/verification-token", headers=outsider.headers),
        await client.post(f"{connected.url}/sync-runs", headers=outsider.headers),
        await client.get(f"{connected.url}/sync-runs", headers=outsider.headers),
        await client.get(f"{connected.url}/sync-runs/{run_id}", headers=outsider.headers),
        # Through the outsider's own workspace, which has no Notion: still nothing of ours.
        await client.get(f"{other}/connection", headers=outsider.headers),
        await client.get(f"{other}/verification-token", headers=outsider.headers),
        await client.get(f"{other}/sync-runs/{run_id}", headers=outsider.headers),
        await client.post(f"{other}/sync-runs", headers=outsider.headers),
    ]

    assert [r.status_code for r in theirs] == [404] * len(theirs)
    assert all("secret_" not in r.text for r in theirs)
