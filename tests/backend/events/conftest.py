"""The backend served by a real uvicorn (ASGITransport buffers streams), and an SSE reader."""

import asyncio
import json
import socket
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any

import httpx
import pytest
import uvicorn
from fastapi import FastAPI

from backend import db
from backend.events.publisher import publish

WAIT_SECONDS = 10.0


@dataclass
class LiveServer:
    url: str
    app: FastAPI


@pytest.fixture
async def live_server(database: str) -> AsyncIterator[LiveServer]:
    from backend.app import create_app

    app = create_app()
    listener = socket.create_server(("127.0.0.1", 0))
    port = listener.getsockname()[1]
    config = uvicorn.Config(app, log_level="warning", timeout_graceful_shutdown=2)
    server = uvicorn.Server(config)
    task = asyncio.create_task(server.serve(sockets=[listener]))
    async with asyncio.timeout(WAIT_SECONDS):
        while not server.started:
            await asyncio.sleep(0.01)
    try:
        yield LiveServer(f"http://127.0.0.1:{port}", app)
    finally:
        server.should_exit = True
        await asyncio.wait_for(task, WAIT_SECONDS * 2)
        listener.close()


@dataclass(frozen=True)
class Event:
    event: str | None
    data: Any
    id: str | None
    retry: int | None


class EventStream:
    """Reads SSE frames off a streaming httpx response, with bounded waits."""

    def __init__(self, response: httpx.Response) -> None:
        self.response = response
        self.comments: list[str] = []
        self.ready: Event | None = None
        self._lines = response.aiter_lines()

    async def next(self, timeout: float = WAIT_SECONDS) -> Event:
        fields: dict[str, str] = {}
        data_lines: list[str] = []
        async with asyncio.timeout(timeout):
            async for line in self._lines:
                if line == "":
                    if fields or data_lines:
                        return Event(
                            event=fields.get("event"),
                            data=json.loads("\n".join(data_lines)) if data_lines else None,
                            id=fields.get("id"),
                            retry=int(fields["retry"]) if "retry" in fields else None,
                        )
                    continue
                name, _, value = line.partition(":")
                value = value.removeprefix(" ")
                if name == "":
                    self.comments.append(value)
                elif name == "data":
                    data_lines.append(value)
                else:
                    fields[name] = value
        raise EOFError("the stream ended")

    async def ended(self, timeout: float = WAIT_SECONDS) -> bool:
        """True once the server closes the stream; any event before that is a failure."""
        try:
            event = await self.next(timeout)
        except EOFError:
            return True
        raise AssertionError(f"expected the stream to end, got {event}")


@asynccontextmanager
async def open_stream(
    server: LiveServer,
    workspace_id: str,
    *,
    headers: dict[str, str] | None = None,
    params: dict[str, str] | None = None,
) -> AsyncIterator[EventStream]:
    """GET the events route; on 200, returns once the `ready` event says the stream is live."""
    async with (
        httpx.AsyncClient(base_url=server.url, timeout=WAIT_SECONDS) as http,
        http.stream(
            "GET", f"/api/v1/workspaces/{workspace_id}/events", headers=headers, params=params
        ) as response,
    ):
        stream = EventStream(response)
        if response.status_code == 200:
            stream.ready = await stream.next()
            assert stream.ready.event == "ready", stream.ready
        else:
            await response.aread()
        yield stream


async def publish_committed(workspace_id: str | uuid.UUID, type: str, data: dict) -> None:
    async with db.session_factory()() as session, session.begin():
        await publish(session, workspace_id=uuid.UUID(str(workspace_id)), type=type, data=data)
