"""Reading the AI core's event stream: fields, keep-alives and broken data."""

import uuid

import httpx
import pytest

from backend.chat.ai_core_stream import AiCoreEvent, AiCoreUnavailable, stream_reply


def transport(status: int, body: str) -> httpx.MockTransport:
    def answer(request: httpx.Request) -> httpx.Response:
        assert request.headers["authorization"].startswith("Bearer ")
        return httpx.Response(status, text=body, headers={"content-type": "text/event-stream"})

    return httpx.MockTransport(answer)


async def read(status: int, body: str) -> list[AiCoreEvent]:
    events = stream_reply(
        workspace_id=uuid.uuid4(),
        user_id=uuid.uuid4(),
        user_token="token",
        messages=[{"role": "user", "content": "hi"}],
        transport=transport(status, body),
    )
    return [event async for event in events]


async def test_events_are_parsed_and_keep_alives_skipped() -> None:
    body = (
        'event: token\ndata: {"text": "Hel"}\n\n'
        ": ping\n\n"
        'event: token\r\ndata: {"text": "lo"}\r\n\r\n'
        'event: done\ndata: {"used_ai": true}\n\n'
    )

    assert await read(200, body) == [
        AiCoreEvent("token", {"text": "Hel"}),
        AiCoreEvent("token", {"text": "lo"}),
        AiCoreEvent("done", {"used_ai": True}),
    ]


async def test_a_refusal_is_unavailable() -> None:
    with pytest.raises(AiCoreUnavailable, match="answered 401"):
        await read(401, '{"error": {"code": "invalid_service_token"}}')


async def test_data_that_is_not_json_is_unavailable() -> None:
    with pytest.raises(AiCoreUnavailable, match="not JSON"):
        await read(200, "event: token\ndata: {oops\n\n")
