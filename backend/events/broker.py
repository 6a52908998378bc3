"""Fans the process's one LISTEN connection out to in-process subscribers, per workspace."""

import asyncio
import json
import uuid
from collections import defaultdict
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Any

import structlog

from backend.config import settings
from backend.events.listener import Listener, database_dsn
from kit.errors import ServiceUnavailable

log = structlog.get_logger(__name__)

QUEUE_SIZE = 256
LISTEN_TIMEOUT_SECONDS = 5.0


@dataclass(frozen=True)
class WorkspaceEvent:
    type: str
    data: dict[str, Any]
    # Names one delivery; streams are live only, so there is nothing to resume from it.
    id: str = field(default_factory=lambda: uuid.uuid4().hex)


class Subscription:
    """One subscriber's bounded queue; iterating ends when the broker closes it or at `expires_at`.

    `expires_at` is on the event loop's clock.
    """

    def __init__(self, workspace_id: uuid.UUID, *, limit: int, expires_at: float) -> None:
        self.workspace_id = workspace_id
        self.closed = False
        self._limit = limit
        self._expires_at = expires_at
        self._queue: asyncio.Queue[WorkspaceEvent | None] = asyncio.Queue()

    def offer(self, event: WorkspaceEvent) -> bool:
        """Queue the event, or False once closed: falling `limit` events behind closes it."""
        if self.closed:
            return False
        if self._queue.qsize() >= self._limit:
            log.warning("events.subscriber_dropped", workspace_id=str(self.workspace_id))
            # It will reconnect and refetch: what it has not read yet is stale by then.
            while not self._queue.empty():
                self._queue.get_nowait()
            self.close()
            return False
        self._queue.put_nowait(event)
        return True

    def close(self) -> None:
        if not self.closed:
            self.closed = True
            self._queue.put_nowait(None)

    def __aiter__(self) -> "Subscription":
        return self

    async def __anext__(self) -> WorkspaceEvent:
        try:
            async with asyncio.timeout_at(self._expires_at):
                event = await self._queue.get()
        except TimeoutError:
            self.close()
            raise StopAsyncIteration from None
        if event is None:
            self._queue.put_nowait(None)
            raise StopAsyncIteration
        return event


class EventBroker:
    """Per-process hub: starts listening on the first subscriber, routes by workspace id.

    A subscriber never blocks the others: one that falls behind is closed. Every stream ends
    after `stream_lifetime` seconds so that access, checked once at subscription, is checked
    again on reconnect (a removed member stops receiving within that time).
    """

    def __init__(
        self,
        *,
        stream_lifetime: float | None = None,
        queue_size: int = QUEUE_SIZE,
        dsn: Callable[[], str] = database_dsn,
    ) -> None:
        # As long as an access token lives: a stream never outlasts the credential by more.
        if stream_lifetime is None:
            stream_lifetime = settings.access_token_minutes * 60
        self._stream_lifetime = stream_lifetime
        self._queue_size = queue_size
        self._subscribers: defaultdict[uuid.UUID, set[Subscription]] = defaultdict(set)
        self._listener = Listener(on_payload=self._dispatch, on_lost=self._close_all, dsn=dsn)

    @asynccontextmanager
    async def subscribe(self, workspace_id: uuid.UUID) -> AsyncIterator[Subscription]:
        """Register before listening is confirmed, so nothing committed after entry is missed."""
        loop = asyncio.get_running_loop()
        subscription = Subscription(
            workspace_id, limit=self._queue_size, expires_at=loop.time() + self._stream_lifetime
        )
        self._subscribers[workspace_id].add(subscription)
        try:
            self._listener.start()
            if not await self._listener.wait_listening(LISTEN_TIMEOUT_SECONDS):
                raise ServiceUnavailable(
                    "Live updates are unavailable right now; try again shortly.",
                    code="events_unavailable",
                    headers={"Retry-After": "5"},
                )
            yield subscription
        finally:
            subscription.close()
            self._discard(subscription)

    async def close(self) -> None:
        """Stop listening and end every open stream."""
        await self._listener.stop()
        self._close_all()

    def subscriber_count(self, workspace_id: uuid.UUID) -> int:
        return len(self._subscribers.get(workspace_id, ()))

    def _dispatch(self, payload: str) -> None:
        try:
            message = json.loads(payload)
            workspace_id = uuid.UUID(message["workspace_id"])
            event = WorkspaceEvent(type=str(message["type"]), data=dict(message.get("data") or {}))
        except (ValueError, KeyError, TypeError, AttributeError):
            log.warning("events.malformed_payload", size=len(payload))
            return
        for subscription in list(self._subscribers.get(workspace_id, ())):
            if not subscription.offer(event):
                self._discard(subscription)

    def _close_all(self) -> None:
        for subscriptions in list(self._subscribers.values()):
            for subscription in list(subscriptions):
                subscription.close()
                self._discard(subscription)

    def _discard(self, subscription: Subscription) -> None:
        subscriptions = self._subscribers.get(subscription.workspace_id)
        if subscriptions is None:
            return
        subscriptions.discard(subscription)
        if not subscriptions:
            del self._subscribers[subscription.workspace_id]
