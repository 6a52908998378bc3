"""A private app's webhooks are signed with its own secret, given when connecting it."""

import json
import time

import pytest
from httpx import AsyncClient
from sqlalchemy import Engine

from backend.config import settings
from tests.backend.deals.factories import make_pipeline
from tests.backend.hubspot.factories import TOKEN, rows
from tests.backend.webhooks.factories import BASE_URL, WEBHOOK_PATH, event, signed_headers
from tests.fakes import hubspot_records as records
from tests.fakes.hubspot_api import FakeHubSpot

PRIVATE_APP_SECRET = "private-app-client-secret-5f0c1e"


@pytest.fixture(autouse=True)
def public_url(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(settings, "public_base_url", BASE_URL)


async def connect_private_app(client: AsyncClient) -> str:
    pipeline = await make_pipeline(client)
    url = f"/api/v1/workspaces/{pipeline.workspace_id}/integrations/hubspot/private-app"
    connected = await client.post(
        url,
        json={"access_token": TOKEN, "client_secret": PRIVATE_APP_SECRET},
        headers=pipeline.owner.headers,
    )
    assert connected.status_code == 201, connected.text
    return pipeline.workspace_id


async def post(client: AsyncClient, *, secret: str) -> int:
    body = json.dumps(
        [event("deal.creation", 4280411910, int(time.time() * 1000), portal_id=records.PORTAL_ID)]
    ).encode()
    response = await client.post(
        WEBHOOK_PATH, content=body, headers=signed_headers(body, secret=secret)
    )
    return response.status_code


async def test_a_batch_signed_with_the_private_apps_secret_is_accepted(
    client: AsyncClient, fake_hubspot: FakeHubSpot, sync_engine: Engine
) -> None:
    workspace_id = await connect_private_app(client)

    status = await post(client, secret=PRIVATE_APP_SECRET)

    assert status == 204
    assert [str(w) for (w,) in rows(sync_engine, "select workspace_id from webhook_event")] == [
        workspace_id
    ]


async def test_a_batch_signed_with_another_secret_is_refused(
    client: AsyncClient, fake_hubspot: FakeHubSpot, sync_engine: Engine
) -> None:
    await connect_private_app(client)

    status = await post(client, secret="someone-elses-secret-000000")

    assert status == 401
    assert rows(sync_engine, "select count(*) from webhook_event") == [(0,)]


async def test_the_private_apps_secret_is_never_shown(
    client: AsyncClient, fake_hubspot: FakeHubSpot, sync_engine: Engine
) -> None:
    await connect_private_app(client)

    [(sealed, config)] = rows(sync_engine, "select credentials_encrypted, config from integration")

    assert PRIVATE_APP_SECRET not in sealed and PRIVATE_APP_SECRET not in json.dumps(config)
