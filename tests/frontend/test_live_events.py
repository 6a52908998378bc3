"""The live pages' events-stream reader against the real backend's SSE endpoint."""

import asyncio
import uuid

import httpx
import pytest
from vectoros_ui import api
from vectoros_ui.states.live import Change, _read_stream, read_changes

from tests.factories import PASSWORD

# Not a browser test, but grouped with them to share their worker's backend process.
pytestmark = pytest.mark.xdist_group("browser")


async def test_sse_lines_become_changes_and_comments_are_skipped() -> None:
    body = (
        b": ping\n\n"
        b"event: ready\ndata: {}\nretry: 3000\n\n"
        b'event: deal.updated\nid: 7\ndata: {"id": "d1",\ndata: "fields": ["amount"]}\n\n'
        b"event: broken\ndata: not json\n\n"
    )
    response = httpx.Response(200, content=body)

    changes = [change async for change in read_changes(response)]

    assert changes == [
        Change("ready", {}),
        Change("deal.updated", {"id": "d1", "fields": ["amount"]}),
        Change("broken", {}),
    ]


async def test_the_stream_delivers_a_deal_change_made_through_the_api(
    backend_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(api, "BACKEND_URL", backend_url)
    email = f"ada-{uuid.uuid4().hex[:8]}@example.com"
    async with httpx.AsyncClient(base_url=backend_url) as client:
        await client.post(
            "/api/v1/auth/register",
            json={"email": email, "password": PASSWORD, "name": "Ada Seller"},
        )
        tokens = (
            await client.post("/api/v1/auth/login", json={"email": email, "password": PASSWORD})
        ).json()
        headers = {"Authorization": f"Bearer {tokens['access_token']}"}
        ws = (
            await client.post("/api/v1/workspaces", json={"name": "Acme"}, headers=headers)
        ).json()
        queue: asyncio.Queue[Change | None] = asyncio.Queue()
        reader = asyncio.create_task(_read_stream(ws["id"], tokens["access_token"], queue))
        try:
            ready = await asyncio.wait_for(queue.get(), timeout=20)
            created = await client.post(
                f"/api/v1/workspaces/{ws['id']}/deals",
                json={"title": "Globex", "amount": "100"},
                headers=headers,
            )
            # The deal and its "created" timeline entry, in the order they were committed.
            changes = [await asyncio.wait_for(queue.get(), timeout=20) for _ in range(2)]
        finally:
            reader.cancel()

    assert ready is not None and ready.type == "ready"
    deal = next(c for c in changes if c is not None and c.type == "deal.created")
    assert deal.data["id"] == created.json()["id"]


async def test_an_expired_token_ends_the_stream_as_unauthorized(
    backend_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(api, "BACKEND_URL", backend_url)
    queue: asyncio.Queue[Change | None] = asyncio.Queue()

    with pytest.raises(api.ApiError) as raised:
        await _read_stream(str(uuid.uuid4()), "not-a-token", queue)

    assert raised.value.status == 401
    assert queue.get_nowait() is None
