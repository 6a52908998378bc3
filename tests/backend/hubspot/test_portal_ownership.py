"""A HubSpot portal belongs to the workspace that proved it to HubSpot, and only to it.

The hijack this guards against: another workspace wrote the victim's `portal_id` (and its
own `webhook_secret`) into a raw integration record; the victim's signed deliveries then
failed, and deliveries signed with the claimant's secret landed in the claimant's workspace.
"""

import asyncio
import json
import time
import uuid

import pytest
from httpx import AsyncClient
from sqlalchemy import Engine, text
from sqlalchemy.exc import IntegrityError

from backend.config import settings
from tests.backend.deals.factories import Pipeline, make_pipeline
from tests.backend.hubspot.factories import TOKEN, rows
from tests.backend.webhooks.factories import BASE_URL, WEBHOOK_PATH, event, signed_headers
from tests.fakes import hubspot_records as records
from tests.fakes.hubspot_api import CLIENT_SECRET, FakeHubSpot

CLAIMANT_SECRET = "mallorys-own-private-app-secret-000"


@pytest.fixture(autouse=True)
def public_url(monkeypatch: pytest.MonkeyPatch) -> None:
    # The app's client secret is the fake's (`fake_hubspot` sets it): it signs deliveries.
    monkeypatch.setattr(settings, "public_base_url", BASE_URL)


def hubspot_url(pipeline: Pipeline, path: str = "") -> str:
    return f"/api/v1/workspaces/{pipeline.workspace_id}/integrations/hubspot{path}"


async def connect_private_app(
    client: AsyncClient, pipeline: Pipeline, token: str = TOKEN
) -> tuple[int, dict]:
    response = await client.post(
        hubspot_url(pipeline, "/private-app"),
        json={"access_token": token},
        headers=pipeline.owner.headers,
    )
    return response.status_code, response.json()


async def deliver(client: AsyncClient, *, secret: str, object_id: int = 4280411910) -> int:
    body = json.dumps(
        [event("deal.creation", object_id, int(time.time() * 1000), portal_id=records.PORTAL_ID)]
    ).encode()
    response = await client.post(
        WEBHOOK_PATH, content=body, headers=signed_headers(body, secret=secret)
    )
    return response.status_code


def stored_workspaces(engine: Engine) -> list[str]:
    return [str(w) for (w,) in rows(engine, "select workspace_id from webhook_event order by 1")]


async def test_a_raw_record_cannot_claim_another_workspaces_portal(
    client: AsyncClient, fake_hubspot: FakeHubSpot, sync_engine: Engine
) -> None:
    victim, claimant = await make_pipeline(client), await make_pipeline(client)
    assert (await connect_private_app(client, victim))[0] == 201

    claim = await client.post(
        f"/api/v1/workspaces/{claimant.workspace_id}/integrations",
        json={
            "type": "hubspot",
            "config": {"portal_id": records.PORTAL_ID},
            "credentials": {"access_token": "pat-na1-0000", "webhook_secret": CLAIMANT_SECRET},
        },
        headers=claimant.owner.headers,
    )

    assert claim.status_code == 422
    fields = {d["field"] for d in claim.json()["error"]["details"]}
    assert fields == {"body.config.portal_id", "body.credentials.webhook_secret"}
    # The rightful workspace still gets its deliveries; the claimant's secret opens nothing.
    assert await deliver(client, secret=CLIENT_SECRET) == 204
    assert await deliver(client, secret=CLAIMANT_SECRET, object_id=1) == 401
    assert stored_workspaces(sync_engine) == [victim.workspace_id]


async def test_a_portal_written_into_config_routes_nothing(
    client: AsyncClient, fake_hubspot: FakeHubSpot, sync_engine: Engine
) -> None:
    """Rows from before the fix, or written around the API, are not a proof of the portal."""
    victim, claimant = await make_pipeline(client), await make_pipeline(client)
    assert (await connect_private_app(client, victim))[0] == 201
    created = await client.post(
        f"/api/v1/workspaces/{claimant.workspace_id}/integrations",
        json={"type": "hubspot", "credentials": {"access_token": "pat-na1-0000"}},
        headers=claimant.owner.headers,
    )
    with sync_engine.begin() as conn:  # the newest row naming the portal in its config
        conn.execute(
            text(
                "update integration set config = jsonb_build_object('portal_id', :p, "
                "'auth', 'private_app'), created_at = now() + interval '1 hour' where id = :id"
            ),
            {"p": records.PORTAL_ID, "id": created.json()["id"]},
        )

    assert await deliver(client, secret=CLIENT_SECRET) == 204

    assert stored_workspaces(sync_engine) == [victim.workspace_id]


async def test_a_second_workspace_proving_a_connected_portal_gets_409(
    client: AsyncClient, fake_hubspot: FakeHubSpot, sync_engine: Engine
) -> None:
    first, second = await make_pipeline(client), await make_pipeline(client)
    assert (await connect_private_app(client, first))[0] == 201

    status, body = await connect_private_app(client, second)

    assert status == 409
    assert body["error"]["code"] == "portal_connected_elsewhere"
    assert rows(
        sync_engine, "select count(*) from integration where hubspot_portal_id is not null"
    ) == [(1,)]


async def test_once_disconnected_the_portal_can_be_proved_by_another_workspace(
    client: AsyncClient, fake_hubspot: FakeHubSpot, sync_engine: Engine
) -> None:
    first, second = await make_pipeline(client), await make_pipeline(client)
    assert (await connect_private_app(client, first))[0] == 201
    gone = await client.delete(hubspot_url(first), headers=first.owner.headers)
    assert gone.status_code == 204

    status, body = await connect_private_app(client, second)
    assert (status, body["portal_id"]) == (201, records.PORTAL_ID)
    assert await deliver(client, secret=CLIENT_SECRET) == 204
    assert stored_workspaces(sync_engine) == [second.workspace_id]

    # The first cannot switch its old record back on while the second holds the portal.
    [(old_id,)] = rows(
        sync_engine,
        "select id from integration where workspace_id = :w",
        w=first.workspace_id,
    )
    back = await client.patch(
        f"/api/v1/workspaces/{first.workspace_id}/integrations/{old_id}",
        json={"status": "connected"},
        headers=first.owner.headers,
    )
    assert back.status_code == 409
    assert back.json()["error"]["code"] == "portal_connected_elsewhere"


async def test_two_workspaces_proving_one_portal_at_once_one_wins(
    client: AsyncClient, fake_hubspot: FakeHubSpot, sync_engine: Engine
) -> None:
    first, second = await make_pipeline(client), await make_pipeline(client)

    results = await asyncio.gather(
        connect_private_app(client, first), connect_private_app(client, second)
    )

    assert sorted(status for status, _ in results) == [201, 409]
    assert rows(
        sync_engine,
        "select count(*) from integration where hubspot_portal_id = :p and status <> "
        "'disconnected'",
        p=records.PORTAL_ID,
    ) == [(1,)]


def test_the_database_refuses_a_second_live_claim_of_a_portal(sync_engine: Engine) -> None:
    """Whatever the code path: the unique partial index holds one live claim per portal."""
    with sync_engine.begin() as conn:
        workspaces = [
            conn.scalar(
                text("insert into workspace (id, name) values (:id, :n) returning id"),
                {"id": uuid.uuid4(), "n": f"W{i}"},
            )
            for i in range(3)
        ]
    insert = text(
        "insert into integration (id, workspace_id, type, status, hubspot_portal_id) "
        "values (:id, :w, 'hubspot', :s, 777)"
    )
    with sync_engine.begin() as conn:
        conn.execute(insert, {"id": uuid.uuid4(), "w": workspaces[0], "s": "connected"})
        # A disconnected claim of the same portal is history, not a claim.
        conn.execute(insert, {"id": uuid.uuid4(), "w": workspaces[1], "s": "disconnected"})
    with pytest.raises(IntegrityError, match="uq_integration_hubspot_portal_id"):
        with sync_engine.begin() as conn:
            conn.execute(insert, {"id": uuid.uuid4(), "w": workspaces[2], "s": "error"})


async def test_the_portal_comes_from_hubspots_answer_for_the_token(
    client: AsyncClient, fake_hubspot: FakeHubSpot, sync_engine: Engine
) -> None:
    pipeline = await make_pipeline(client)
    fake_hubspot.portal_id = 99112233
    fake_hubspot.tokens.add("pat-na1-second-portal-token")

    status, body = await connect_private_app(client, pipeline, "pat-na1-second-portal-token")

    assert (status, body["portal_id"]) == (201, 99112233)
    assert rows(sync_engine, "select hubspot_portal_id, config ? 'portal_id' from integration") == [
        (99112233, False)
    ]
