"""The AI core's `POST /v1/chat`, read as a stream of Server-Sent Events."""

import json
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

import httpx
import structlog

from backend.config import settings

log = structlog.get_logger(__name__)

# Between two events the agent may be waiting on the model or a slow tool; the AI core sends
# keep-alive comments every 15 s, so a minute of silence means it is gone.
TIMEOUT = httpx.Timeout(connect=5.0, read=60.0, write=10.0, pool=5.0)


class AiCoreUnavailable(Exception):
    """The AI core could not be reached, refused the call, or broke off its stream."""


@dataclass(frozen=True)
class AiCoreEvent:
    name: str
    data: dict[str, Any]


async def stream_reply(
    *,
    workspace_id: uuid.UUID,
    user_id: uuid.UUID,
    user_token: str,
    messages: list[dict[str, str]],
    transport: httpx.AsyncBaseTransport | None = None,
) -> AsyncIterator[AiCoreEvent]:
    """The agent's events for this conversation, as they come."""
    payload = {
        "workspace_id": str(workspace_id),
        "user_id": str(user_id),
        "user_token": user_token,
        "messages": messages,
    }
    headers = {"Authorization": f"Bearer {settings.service_token}"}
    url = settings.ai_core_url.rstrip("/") + "/v1/chat"
    try:
        async with (
            httpx.AsyncClient(timeout=TIMEOUT, transport=transport) as http,
            http.stream("POST", url, json=payload, headers=headers) as response,
        ):
            if response.status_code != 200:
                body = (await response.aread())[:300]
                log.warning("ai_core_refused", status=response.status_code, body=body)
                raise AiCoreUnavailable(f"the AI core answered {response.status_code}")
            async for event in _events(response.aiter_lines()):
                yield event
    except httpx.HTTPError as exc:
        log.warning("ai_core_unreachable", error=f"{type(exc).__name__}: {exc}")
        raise AiCoreUnavailable(f"the AI core is unreachable ({type(exc).__name__})") from exc


async def _events(lines: AsyncIterator[str]) -> AsyncIterator[AiCoreEvent]:
    """Parse `text/event-stream` lines: `event:` and `data:` fields, a blank line ends one."""
    name, data = "message", list[str]()
    async for line in lines:
        if not line:
            if data:
                yield AiCoreEvent(name, _json_object("\n".join(data)))
            name, data = "message", []
        elif line.startswith(":"):
            continue  # a keep-alive comment
        else:
            field, _, value = line.partition(":")
            value = value.removeprefix(" ")
            if field == "event":
                name = value
            elif field == "data":
                data.append(value)


def _json_object(raw: str) -> dict[str, Any]:
    try:
        value = json.loads(raw)
    except ValueError as exc:
        raise AiCoreUnavailable("the AI core sent an event that is not JSON") from exc
    if not isinstance(value, dict):
        raise AiCoreUnavailable("the AI core sent an event that is not a JSON object")
    return value
