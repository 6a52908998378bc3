"""Live pages: one background task per browser tab reads the backend's events stream.

`LiveState.follow(topic)` goes in a page's on_load (after `require_session`). It starts a
background task that holds `GET .../events` (SSE) open with the user's access token and,
when a change arrives, fires the events registered for the topic with `on_change`, a few
hundred milliseconds later so a burst of changes costs one refresh. Nothing polls: an idle
stream only carries the server's keep-alive comments.

The task ends when the tab leaves the page, switches workspace, signs out or disconnects;
a dropped stream (the server ends it when the access token expires) reconnects with a
refreshed token.
"""

import asyncio
import json
import logging
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass

import httpx
import reflex as rx
from reflex.event import EventSpec

from vectoros_ui import api
from vectoros_ui.api import ApiError
from vectoros_ui.states.session import SessionState

logger = logging.getLogger(__name__)

# Changes that arrive this close together become one refresh.
SETTLE_SECONDS = 0.3
# How often a quiet task checks that its tab is still on the page.
CHECK_SECONDS = 5.0
RECONNECT_SECONDS = 3.0
STREAM_TIMEOUT = httpx.Timeout(connect=5.0, read=None, write=5.0, pool=5.0)


@dataclass(frozen=True)
class Change:
    type: str
    data: dict[str, object]


Refresh = Callable[[list[Change]], list[EventSpec]]
# What the relay sees when nothing arrived for CHECK_SECONDS (the stream's end is None).
_QUIET = Change("", {})
_topics: dict[str, tuple[tuple[str, ...], Refresh]] = {}


def on_change(topic: str, prefixes: tuple[str, ...], refresh: Refresh) -> None:
    """Register what a live page does when changes whose type starts with one of `prefixes`
    (e.g. "insight.") arrive: `refresh(changes)` returns the events to fire."""
    _topics[topic] = (prefixes, refresh)


async def read_changes(response: httpx.Response) -> AsyncIterator[Change]:
    """Parse a Server-Sent Events body into changes (comments and retries skipped)."""
    kind, data = "", ""
    async for line in response.aiter_lines():
        if line.startswith("event:"):
            kind = line[6:].strip()
        elif line.startswith("data:"):
            data += line[5:].strip()
        elif line == "":
            if kind:
                try:
                    payload = json.loads(data) if data else {}
                except ValueError:
                    payload = {}
                yield Change(kind, payload if isinstance(payload, dict) else {})
            kind, data = "", ""


def _tab_connected(client_token: str) -> bool:
    """Whether the browser tab behind `client_token` still has its websocket open."""
    try:
        from reflex.utils import prerequisites

        app = prerequisites.get_and_validate_app().app
        namespace = app.event_namespace
        return namespace is None or client_token in namespace.token_to_sid
    except Exception:  # an unknown Reflex internals layout must not kill the live updates
        return True


class LiveState(SessionState):
    """Whether the open page is following the workspace's changes."""

    live: rx.Field[bool] = rx.field(False)
    _generation: int = 0
    _route: str = ""

    @rx.event
    def follow(self, topic: str):
        """on_load: (re)start this tab's listener for `topic`; an older one stops."""
        self._generation += 1
        self._route = self.router.url.path
        self.live = False
        if topic not in _topics or not self.workspace_id or not self.signed_in:
            return None
        return LiveState.listen(topic, self._generation)

    def _current(self, generation: int, workspace_id: str) -> bool:
        return (
            self._generation == generation
            and self.signed_in
            and self.workspace_id == workspace_id
            and self.router.url.path == self._route
        )

    @rx.event(background=True)
    async def listen(self, topic: str, generation: int):
        prefixes, refresh = _topics[topic]
        async with self:
            workspace_id = self.workspace_id
            client_token = self.router.session.client_token
        first = True
        while True:
            async with self:
                if not self._current(generation, workspace_id):
                    return
                token = self._access_token
            queue: asyncio.Queue[Change | None] = asyncio.Queue()
            reader = asyncio.create_task(_read_stream(workspace_id, token, queue))
            # Its error is read below when it matters; this keeps asyncio from warning.
            reader.add_done_callback(lambda task: task.cancelled() or task.exception())
            try:
                async for update in self._relay(
                    queue, reader, prefixes, refresh, generation, workspace_id, client_token, first
                ):
                    yield update
            finally:
                reader.cancel()
            first = False
            async with self:
                self.live = False
                if not self._current(generation, workspace_id) or not _tab_connected(client_token):
                    return
                if _unauthorized(reader):
                    try:
                        await self._refresh()
                    except ApiError:
                        return
            await asyncio.sleep(RECONNECT_SECONDS)

    async def _relay(
        self,
        queue: "asyncio.Queue[Change | None]",
        reader: "asyncio.Task[None]",
        prefixes: tuple[str, ...],
        refresh: Refresh,
        generation: int,
        workspace_id: str,
        client_token: str,
        first: bool,
    ) -> AsyncIterator[list[EventSpec] | None]:
        """Pass changes on until the stream ends or the tab no longer wants them."""
        while True:
            try:
                change = await asyncio.wait_for(queue.get(), timeout=CHECK_SECONDS)
            except TimeoutError:
                change = _QUIET
            if change is None:
                return  # the stream ended: `listen` reconnects
            async with self:
                if not self._current(generation, workspace_id):
                    return
            if not _tab_connected(client_token):
                return
            if change is _QUIET:
                continue
            if change.type == "ready":
                async with self:
                    self.live = True
                if not first:
                    # Changes made while the stream was down were not replayed.
                    yield refresh([])
                continue
            changes, ended = [change], False
            await asyncio.sleep(SETTLE_SECONDS)
            while not queue.empty():
                more = queue.get_nowait()
                if more is None:
                    ended = True
                else:
                    changes.append(more)
            wanted = [c for c in changes if c.type.startswith(prefixes)]
            if wanted:
                yield refresh(wanted)
            if ended:
                return


def _unauthorized(reader: "asyncio.Task[None]") -> bool:
    if not reader.done() or reader.cancelled():
        return False
    error = reader.exception()
    return isinstance(error, ApiError) and error.status == 401


async def _read_stream(
    workspace_id: str, token: str, queue: "asyncio.Queue[Change | None]"
) -> None:
    """Hold the events stream open, queueing every change; None marks its end."""
    path = f"/api/v1/workspaces/{workspace_id}/events"
    headers = {"Authorization": f"Bearer {token}", "Accept": "text/event-stream"}
    try:
        async with (
            httpx.AsyncClient(base_url=api.BACKEND_URL, timeout=STREAM_TIMEOUT) as client,
            client.stream("GET", path, headers=headers) as response,
        ):
            if response.status_code == 401:
                raise ApiError(401, "unauthorized", "The access token has expired.")
            if not response.is_success:
                logger.warning("events stream answered %s", response.status_code)
                return
            async for change in read_changes(response):
                await queue.put(change)
    except httpx.HTTPError as exc:
        logger.info("events stream dropped: %r", exc)
    finally:
        await queue.put(None)
