"""The HubSpot connection routes: OAuth, sync now, the sync log, disconnect, tenancy."""

from urllib.parse import parse_qs, urlparse

from httpx import AsyncClient
from sqlalchemy import Engine

from backend.hubspot import credentials
from backend.models import Integration
from tests.backend.deals.factories import Pipeline, make_pipeline
from tests.backend.hubspot.factories import Connected, connect, rows, sync
from tests.factories import add_member, make_user
from tests.fakes.hubspot_api import CLIENT_ID, FakeHubSpot


def hubspot_url(workspace_id: str) -> str:
    return f"/api/v1/workspaces/{workspace_id}/integrations/hubspot"


async def test_a_workspace_without_hubspot_shows_how_to_connect(
    client: AsyncClient, fake_hubspot: FakeHubSpot
) -> None:
    pipeline = await make_pipeline(client)

    shown = await client.get(hubspot_url(pipeline.workspace_id), headers=pipeline.owner.headers)

    assert shown.status_code == 200
    body = shown.json()
    assert (body["connected"], body["oauth_available"], body["latest_run"]) == (False, True, None)
    assert body["webhook_url"].endswith("/api/v1/webhooks/hubspot")


async def test_the_authorize_url_carries_the_app_and_a_bound_state(
    client: AsyncClient, fake_hubspot: FakeHubSpot
) -> None:
    pipeline = await make_pipeline(client)

    started = await client.get(
        f"{hubspot_url(pipeline.workspace_id)}/oauth/authorize", headers=pipeline.owner.headers
    )

    query = parse_qs(urlparse(started.json()["authorize_url"]).query)
    assert started.status_code == 200
    assert query["client_id"] == [CLIENT_ID]
    assert query["redirect_uri"] == [started.json()["redirect_url"]]
    assert "crm.objects.deals.read" in query["scope"][0] and query["state"][0]


async def oauth_connect(client: AsyncClient, fake: FakeHubSpot, pipeline: Pipeline) -> dict:
    url = hubspot_url(pipeline.workspace_id)
    started = await client.get(f"{url}/oauth/authorize", headers=pipeline.owner.headers)
    state = parse_qs(urlparse(started.json()["authorize_url"]).query)["state"][0]
    fake.authorize_code("code-from-hubspot")
    finished = await client.post(
        f"{url}/oauth/callback",
        json={"code": "code-from-hubspot", "state": state},
        headers=pipeline.owner.headers,
    )
    assert finished.status_code == 201, finished.text
    return finished.json()


async def test_the_oauth_callback_exchanges_the_code_and_stores_both_tokens(
    client: AsyncClient, fake_hubspot: FakeHubSpot, sync_engine: Engine
) -> None:
    pipeline = await make_pipeline(client)

    connected = await oauth_connect(client, fake_hubspot, pipeline)

    [exchange] = fake_hubspot.requests_to("/oauth/v1/token")
    assert exchange.body["grant_type"] == "authorization_code"
    assert (connected["auth"], connected["portal_id"]) == ("oauth", fake_hubspot.portal_id)
    [(sealed,)] = rows(sync_engine, "select credentials_encrypted from integration")
    tokens = credentials.tokens(Integration(credentials_encrypted=sealed))
    assert tokens.access_token in fake_hubspot.tokens and tokens.refresh_token
    assert tokens.expires_at is not None


async def test_a_state_from_another_workspace_is_refused(
    client: AsyncClient, fake_hubspot: FakeHubSpot
) -> None:
    pipeline = await make_pipeline(client)
    other = await make_pipeline(client, pipeline.owner)
    started = await client.get(
        f"{hubspot_url(other.workspace_id)}/oauth/authorize", headers=pipeline.owner.headers
    )
    state = parse_qs(urlparse(started.json()["authorize_url"]).query)["state"][0]
    fake_hubspot.authorize_code("code-for-the-other")

    refused = await client.post(
        f"{hubspot_url(pipeline.workspace_id)}/oauth/callback",
        json={"code": "code-for-the-other", "state": state},
        headers=pipeline.owner.headers,
    )

    assert refused.status_code == 400
    assert refused.json()["error"]["code"] == "invalid_state"
    assert fake_hubspot.requests_to("/oauth/v1/token") == []


async def test_an_expired_access_token_is_refreshed_and_the_new_one_kept(
    client: AsyncClient, fake_hubspot: FakeHubSpot, sync_engine: Engine
) -> None:
    pipeline = await make_pipeline(client)
    await oauth_connect(client, fake_hubspot, pipeline)
    fake_hubspot.expired |= set(fake_hubspot.tokens)

    run = await sync(client, Connected(pipeline, None))  # type: ignore[arg-type]

    grants = [r.body["grant_type"] for r in fake_hubspot.requests_to("/oauth/v1/token")]
    [(sealed,)] = rows(sync_engine, "select credentials_encrypted from integration")
    stored = credentials.tokens(Integration(credentials_encrypted=sealed))
    assert grants == ["authorization_code", "refresh_token"]
    assert run["status"] == "succeeded"
    assert (
        stored.access_token in fake_hubspot.tokens
        and stored.access_token not in fake_hubspot.expired
    )


async def test_sync_now_queues_one_run_at_a_time(
    client: AsyncClient, fake_hubspot: FakeHubSpot
) -> None:
    connected = await connect(client, fake_hubspot)
    await sync(client, connected)

    first = await client.post(f"{connected.url}/sync", headers=connected.headers)
    second = await client.post(
        f"{connected.url}/sync", json={"kind": "incremental"}, headers=connected.headers
    )
    done = await sync(client, connected)

    assert (first.status_code, first.json()["status"], first.json()["kind"]) == (
        202,
        "queued",
        "incremental",
    )
    assert second.json()["id"] == first.json()["id"] == done["id"]
    assert done["status"] == "succeeded"


async def test_sync_now_needs_a_connection(client: AsyncClient, fake_hubspot: FakeHubSpot) -> None:
    pipeline = await make_pipeline(client)

    refused = await client.post(
        f"{hubspot_url(pipeline.workspace_id)}/sync", headers=pipeline.owner.headers
    )

    assert refused.status_code == 404
    assert refused.json()["error"]["code"] == "hubspot_not_connected"


async def test_the_sync_log_pages_newest_first(
    client: AsyncClient, fake_hubspot: FakeHubSpot
) -> None:
    connected = await connect(client, fake_hubspot)
    await sync(client, connected)
    await client.post(f"{connected.url}/sync", headers=connected.headers)
    await sync(client, connected)

    first = await client.get(f"{connected.url}/sync-runs?limit=1", headers=connected.headers)
    second = await client.get(
        f"{connected.url}/sync-runs?limit=1&cursor={first.json()['next_cursor']}",
        headers=connected.headers,
    )

    assert first.json()["total"] == 2
    assert [r["kind"] for r in first.json()["items"] + second.json()["items"]] == [
        "incremental",
        "backfill",
    ]
    assert second.json()["next_cursor"] is None


async def test_disconnecting_forgets_the_tokens_and_keeps_the_deals(
    client: AsyncClient, fake_hubspot: FakeHubSpot, sync_engine: Engine
) -> None:
    connected = await connect(client, fake_hubspot)
    await sync(client, connected)

    gone = await client.delete(connected.url, headers=connected.headers)
    shown = await client.get(connected.url, headers=connected.headers)

    assert gone.status_code == 204
    assert (shown.json()["connected"], shown.json()["status"]) == (False, "disconnected")
    assert rows(sync_engine, "select credentials_encrypted from integration") == [(None,)]
    assert rows(sync_engine, "select count(*) from deal") == [(2,)]


async def test_a_portal_connected_to_another_workspace_is_refused(
    client: AsyncClient, fake_hubspot: FakeHubSpot
) -> None:
    await connect(client, fake_hubspot)

    second = await connect(client, fake_hubspot)

    assert second.response.status_code == 409
    assert second.response.json()["error"]["code"] == "portal_connected_elsewhere"


async def test_another_workspaces_hubspot_and_runs_are_invisible(
    client: AsyncClient, fake_hubspot: FakeHubSpot
) -> None:
    connected = await connect(client, fake_hubspot)
    run = await sync(client, connected)
    outsider = await make_pipeline(client)

    status = await client.get(connected.url, headers=outsider.owner.headers)
    foreign_run = await client.get(
        f"{hubspot_url(outsider.workspace_id)}/sync-runs/{run['id']}",
        headers=outsider.owner.headers,
    )
    own_log = await client.get(
        f"{hubspot_url(outsider.workspace_id)}/sync-runs", headers=outsider.owner.headers
    )

    assert (status.status_code, foreign_run.status_code) == (404, 404)
    assert own_log.json() == {"items": [], "total": 0, "next_cursor": None}


async def test_members_see_the_sync_log_but_only_admins_connect_or_sync(
    client: AsyncClient, fake_hubspot: FakeHubSpot
) -> None:
    connected = await connect(client, fake_hubspot)
    member = await make_user(client)
    await add_member(client, connected.workspace_id, connected.pipeline.owner, member, "member")

    log = await client.get(f"{connected.url}/sync-runs", headers=member.headers)
    sync_now = await client.post(f"{connected.url}/sync", headers=member.headers)
    token = await client.post(
        f"{connected.url}/private-app", json={"access_token": "pat-na1-x"}, headers=member.headers
    )

    assert (log.status_code, sync_now.status_code, token.status_code) == (200, 403, 403)
