"""The per-process fan-out, against real Postgres notifications."""

import asyncio
import uuid
from collections.abc import AsyncIterator

import pytest
from sqlalchemy import text

from backend import db
from backend.events import broker as broker_module
from backend.events.broker import EventBroker, Subscription, WorkspaceEvent
from backend.events.listener import APPLICATION_NAME
from backend.events.publisher import CHANNEL
from kit.errors import ServiceUnavailable
from tests.backend.events.conftest import WAIT_SECONDS, publish_committed


@pytest.fixture
async def broker(database: str) -> AsyncIterator[EventBroker]:
    broker = EventBroker(queue_size=3)
    yield broker
    await broker.close()


async def next_event(subscription: Subscription) -> WorkspaceEvent:
    async with asyncio.timeout(WAIT_SECONDS):
        return await anext(subscription)


async def remaining(subscription: Subscription) -> list[WorkspaceEvent]:
    """What is left before the subscription ends; fails if it does not end in time."""
    async with asyncio.timeout(WAIT_SECONDS):
        return [event async for event in subscription]


async def listen_connections() -> list[int]:
    async with db.session_factory()() as session:
        pids = await session.scalars(
            text(
                "select pid from pg_stat_activity "
                "where application_name = :name and datname = current_database()"
            ),
            {"name": APPLICATION_NAME},
        )
        return list(pids)


async def test_lagging_subscriber_is_closed_while_others_keep_receiving(
    broker: EventBroker,
) -> None:
    ws = uuid.uuid4()
    async with broker.subscribe(ws) as lagging, broker.subscribe(ws) as reader:
        for n in range(5):
            await publish_committed(ws, "deal.updated", {"n": n})
            assert (await next_event(reader)).data == {"n": n}
        assert await remaining(lagging) == []
        assert broker.subscriber_count(ws) == 1


async def test_one_listen_connection_serves_every_subscriber(broker: EventBroker) -> None:
    # An earlier test's listener may linger in pg_stat_activity for a moment after closing.
    earlier = set(await listen_connections())
    async with broker.subscribe(uuid.uuid4()), broker.subscribe(uuid.uuid4()):
        assert len(set(await listen_connections()) - earlier) == 1


async def test_lost_connection_ends_streams_and_listening_resumes(broker: EventBroker) -> None:
    ws = uuid.uuid4()
    earlier = set(await listen_connections())
    async with broker.subscribe(ws) as before:
        [pid] = set(await listen_connections()) - earlier
        async with db.session_factory()() as session:
            await session.execute(text("select pg_terminate_backend(:pid)"), {"pid": pid})
        assert await remaining(before) == []
    async with broker.subscribe(ws) as after:
        await publish_committed(ws, "deal.created", {"id": "after-reconnect"})
        assert (await next_event(after)).data == {"id": "after-reconnect"}


async def test_malformed_notifications_are_skipped(broker: EventBroker) -> None:
    ws = uuid.uuid4()
    async with broker.subscribe(ws) as subscription:
        async with db.session_factory()() as session, session.begin():
            for payload in ["not json", "[]", '{"workspace_id": "nope", "type": "x"}']:
                await session.execute(
                    text("select pg_notify(:channel, :payload)"),
                    {"channel": CHANNEL, "payload": payload},
                )
        await publish_committed(ws, "deal.created", {"id": "valid"})
        assert (await next_event(subscription)).data == {"id": "valid"}


async def test_stream_ends_when_its_lifetime_is_over(database: str) -> None:
    broker = EventBroker(stream_lifetime=0.2)
    try:
        async with broker.subscribe(uuid.uuid4()) as subscription:
            assert await remaining(subscription) == []
    finally:
        await broker.close()


async def test_close_ends_streams_and_releases_the_listen_connection(
    broker: EventBroker,
) -> None:
    async with broker.subscribe(uuid.uuid4()) as subscription:
        await broker.close()
        assert await remaining(subscription) == []
    async with asyncio.timeout(WAIT_SECONDS):
        while await listen_connections():
            await asyncio.sleep(0.02)


async def test_unreachable_database_refuses_the_subscription(
    database: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(broker_module, "LISTEN_TIMEOUT_SECONDS", 0.3)
    ws = uuid.uuid4()
    broker = EventBroker(dsn=lambda: "postgresql://vectoros@127.0.0.1:1/none?connect_timeout=1")
    try:
        with pytest.raises(ServiceUnavailable):
            async with broker.subscribe(ws):
                pass
        assert broker.subscriber_count(ws) == 0
    finally:
        await broker.close()
