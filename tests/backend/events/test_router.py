"""GET .../events: a workspace's changes reach its subscribers, and nobody else's.

Postgres delivers notifications in commit order, so publishing to workspace B and then to A,
and seeing A's event first, proves B's was not delivered, without waiting for a timeout.
"""

import asyncio
import uuid
from decimal import Decimal

import fastapi.routing
import pytest
from httpx import AsyncClient

from backend import db
from backend.events.publisher import publish
from backend.models import Insight, InsightPriority, InsightType
from tests.backend.events.conftest import LiveServer, open_stream, publish_committed
from tests.factories import add_member, make_user, make_workspace


async def test_viewer_receives_its_workspace_event_with_type_and_data(
    client: AsyncClient, live_server: LiveServer
) -> None:
    owner, viewer = await make_user(client), await make_user(client)
    ws = await make_workspace(client, owner)
    await add_member(client, ws, owner, viewer, "viewer")
    async with open_stream(live_server, ws, headers=viewer.headers) as stream:
        await publish_committed(ws, "deal.updated", {"id": "d1", "amount": "1200.50"})
        event = await stream.next()
    assert (event.event, event.data) == ("deal.updated", {"id": "d1", "amount": "1200.50"})
    assert event.id


async def test_subscriber_never_receives_another_workspace_event(
    client: AsyncClient, live_server: LiveServer
) -> None:
    alice, bob = await make_user(client), await make_user(client)
    ws_a, ws_b = await make_workspace(client, alice), await make_workspace(client, bob)
    async with (
        open_stream(live_server, ws_a, headers=alice.headers) as stream_a,
        open_stream(live_server, ws_b, headers=bob.headers) as stream_b,
    ):
        await publish_committed(ws_b, "deal.created", {"id": "only-for-b"})
        await publish_committed(ws_a, "deal.created", {"id": "only-for-a"})
        received_a, received_b = await stream_a.next(), await stream_b.next()
    assert received_a.data == {"id": "only-for-a"}
    assert received_b.data == {"id": "only-for-b"}


async def test_every_subscriber_of_the_workspace_receives_the_event(
    client: AsyncClient, live_server: LiveServer
) -> None:
    owner, member = await make_user(client), await make_user(client)
    ws = await make_workspace(client, owner)
    await add_member(client, ws, owner, member, "member")
    async with (
        open_stream(live_server, ws, headers=owner.headers) as first,
        open_stream(live_server, ws, headers=member.headers) as second,
    ):
        await publish_committed(ws, "activity.created", {"id": "a1"})
        events = await asyncio.gather(first.next(), second.next())
    assert [(e.event, e.data) for e in events] == [("activity.created", {"id": "a1"})] * 2


async def test_event_of_a_rolled_back_transaction_is_never_delivered(
    client: AsyncClient, live_server: LiveServer
) -> None:
    owner = await make_user(client)
    ws = await make_workspace(client, owner)
    async with open_stream(live_server, ws, headers=owner.headers) as stream:
        async with db.session_factory()() as session:
            await publish(session, workspace_id=uuid.UUID(ws), type="deal.deleted", data={})
            await session.rollback()
        await publish_committed(ws, "deal.created", {"id": "committed"})
        event = await stream.next()
    assert (event.event, event.data) == ("deal.created", {"id": "committed"})


async def test_api_write_reaches_subscribers(client: AsyncClient, live_server: LiveServer) -> None:
    owner = await make_user(client)
    ws = await make_workspace(client, owner)
    async with db.session_factory()() as session, session.begin():
        insight = Insight(
            workspace_id=uuid.UUID(ws),
            type=InsightType.risk,
            signal_key="deal-rotting",
            title="Deal is rotting",
            description="No activity for 30 days.",
            priority=InsightPriority.high,
            confidence=Decimal("0.8"),
        )
        session.add(insight)
    async with open_stream(live_server, ws, headers=owner.headers) as stream:
        response = await client.patch(
            f"/api/v1/workspaces/{ws}/insights/{insight.id}",
            json={"status": "viewed"},
            headers=owner.headers,
        )
        assert response.status_code == 200, response.text
        event = await stream.next()
    assert event.event == "insight.updated"
    assert event.data["id"] == str(insight.id)
    assert event.data["status"] == "viewed"


async def test_non_member_gets_404(client: AsyncClient, live_server: LiveServer) -> None:
    owner, outsider = await make_user(client), await make_user(client)
    ws = await make_workspace(client, owner)
    async with open_stream(live_server, ws, headers=outsider.headers) as stream:
        assert stream.response.status_code == 404
        assert stream.response.json()["error"]["code"] == "not_found"


async def test_missing_credentials_get_401(client: AsyncClient, live_server: LiveServer) -> None:
    owner = await make_user(client)
    ws = await make_workspace(client, owner)
    async with open_stream(live_server, ws) as stream:
        assert stream.response.status_code == 401


async def test_access_token_in_the_query_opens_the_stream(
    client: AsyncClient, live_server: LiveServer
) -> None:
    owner = await make_user(client)
    ws = await make_workspace(client, owner)
    async with open_stream(live_server, ws, params={"access_token": owner.access_token}) as stream:
        await publish_committed(ws, "deal.updated", {"id": "d1"})
        assert (await stream.next()).data == {"id": "d1"}


async def test_access_token_in_the_query_is_checked_like_the_header(
    client: AsyncClient, live_server: LiveServer
) -> None:
    owner, outsider = await make_user(client), await make_user(client)
    ws = await make_workspace(client, owner)
    params = {"access_token": outsider.access_token}
    async with open_stream(live_server, ws, params=params) as stream:
        assert stream.response.status_code == 404
    async with open_stream(live_server, ws, params={"access_token": "forged"}) as stream:
        assert stream.response.status_code == 401


async def test_api_key_in_the_query_is_refused(
    client: AsyncClient, live_server: LiveServer
) -> None:
    owner = await make_user(client)
    ws = await make_workspace(client, owner)
    created = await client.post(
        f"/api/v1/workspaces/{ws}/api-keys", json={"name": "feed"}, headers=owner.headers
    )
    secret = created.json()["secret"]
    async with open_stream(live_server, ws, params={"access_token": secret}) as stream:
        assert stream.response.status_code == 401
        assert stream.response.json()["error"]["code"] == "api_key_in_url"
    async with open_stream(
        live_server, ws, headers={"Authorization": f"Bearer {secret}"}
    ) as stream:
        assert stream.response.status_code == 200


async def test_stream_is_an_uncached_event_stream_with_a_retry_hint(
    client: AsyncClient, live_server: LiveServer
) -> None:
    owner = await make_user(client)
    ws = await make_workspace(client, owner)
    async with open_stream(live_server, ws, headers=owner.headers) as stream:
        headers = stream.response.headers
    assert headers["content-type"].startswith("text/event-stream")
    assert headers["cache-control"] == "no-cache"
    assert stream.ready is not None
    assert stream.ready.retry == 3000
    assert stream.ready.data == {"workspace_id": ws}


async def test_idle_stream_gets_keepalive_comments(
    client: AsyncClient, live_server: LiveServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(fastapi.routing, "_PING_INTERVAL", 0.1)
    owner = await make_user(client)
    ws = await make_workspace(client, owner)
    async with open_stream(live_server, ws, headers=owner.headers) as stream:
        await asyncio.sleep(0.3)
        await publish_committed(ws, "deal.updated", {})
        await stream.next()
    assert "ping" in stream.comments


async def test_open_stream_holds_no_pooled_database_connection(
    client: AsyncClient, live_server: LiveServer
) -> None:
    owner = await make_user(client)
    ws = await make_workspace(client, owner)
    async with open_stream(live_server, ws, headers=owner.headers):
        assert db.engine.pool.checkedout() == 0  # type: ignore[attr-defined]


async def test_client_disconnect_ends_the_subscription(
    client: AsyncClient, live_server: LiveServer
) -> None:
    owner = await make_user(client)
    ws = await make_workspace(client, owner)
    broker = live_server.app.state.event_broker
    async with open_stream(live_server, ws, headers=owner.headers):
        assert broker.subscriber_count(uuid.UUID(ws)) == 1
    async with asyncio.timeout(5):
        while broker.subscriber_count(uuid.UUID(ws)):
            await asyncio.sleep(0.02)
