"""The AI core's insight endpoint, as the backend calls it: gzipped snapshot in, insights out.

The answer is validated here: the backend trusts the AI core's shape no more than a user's.
"""

import gzip
import json
import time
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, TypeVar

import httpx
import structlog
from pydantic import BaseModel, Field, ValidationError
from starlette.concurrency import run_in_threadpool

from backend.config import settings
from backend.models import InsightPriority, InsightType

log = structlog.get_logger(__name__)

GENERATE_PATH = "/v1/insights/generate"
# The engine takes seconds; Claude, with its retries, up to the AI core's budget (180 s).
TIMEOUT = httpx.Timeout(300.0, connect=10.0)

# Tests route the client to an in-process AI core (httpx.ASGITransport).
_transport: httpx.AsyncBaseTransport | None = None


def use_transport(transport: httpx.AsyncBaseTransport | None) -> None:
    """Send requests through `transport` instead of the network (None: back to the network)."""
    global _transport
    _transport = transport


M = TypeVar("M", bound=BaseModel)


class AICoreError(Exception):
    """The AI core could not be reached or did not answer with insights."""


class GeneratedInsight(BaseModel):
    signal_key: str = Field(max_length=200)
    deal_id: str | None
    type: InsightType
    title: str
    description: str
    priority: InsightPriority
    confidence: Decimal = Field(ge=0, le=1)
    evidence: dict[str, Any]
    suggested_actions: list[str]
    generated_without_ai: bool
    rank: int


class Usage(BaseModel):
    model: str | None
    input_tokens: int = Field(ge=0)
    output_tokens: int = Field(ge=0)
    cost_usd: Decimal = Field(ge=0)


class Generated(BaseModel):
    insights: list[GeneratedInsight]
    summary: GeneratedInsight
    usage: Usage
    used_ai: bool
    notes: list[str]
    stats: dict[str, Any]


@dataclass(frozen=True)
class Sent:
    raw_bytes: int
    gzip_bytes: int
    seconds: float


async def generate_insights(payload: dict[str, Any]) -> tuple[Generated, Sent]:
    """POST the snapshot to the AI core with the service token; its validated answer."""
    return await post_snapshot(GENERATE_PATH, payload, Generated)


async def post_snapshot(path: str, payload: dict[str, Any], answer: type[M]) -> tuple[M, Sent]:
    """POST a snapshot, gzipped, to one of the AI core's snapshot routes; the validated answer."""
    # Tens of megabytes of JSON at 100,000 deals: encoded off the event loop.
    raw, body = await run_in_threadpool(_encode, payload)
    headers = {
        "Authorization": f"Bearer {settings.service_token}",
        "Content-Type": "application/json",
        "Content-Encoding": "gzip",
    }
    started = time.perf_counter()
    try:
        async with httpx.AsyncClient(
            base_url=settings.ai_core_url, transport=_transport, timeout=TIMEOUT
        ) as http:
            response = await http.post(path, content=body, headers=headers)
    except httpx.HTTPError as exc:
        raise AICoreError(f"The AI core is not reachable: {type(exc).__name__}: {exc}") from exc
    sent = Sent(len(raw), len(body), round(time.perf_counter() - started, 3))
    log.info("ai_core_snapshot", path=path, status=response.status_code, **sent.__dict__)
    if response.status_code != 200:
        raise AICoreError(
            f"The AI core answered {response.status_code}: {_error_message(response)}"
        )
    try:
        return await run_in_threadpool(answer.model_validate_json, response.content), sent
    except ValidationError as exc:
        raise AICoreError(f"The AI core's answer is not valid: {exc.error_count()} errors") from exc


def _encode(payload: dict[str, Any]) -> tuple[bytes, bytes]:
    raw = json.dumps(payload, separators=(",", ":"), ensure_ascii=False).encode()
    return raw, gzip.compress(raw, compresslevel=5)


def _error_message(response: httpx.Response) -> str:
    try:
        error = response.json().get("error", {})
    except (ValueError, AttributeError):
        return response.text[:200]
    return str(error.get("message") or error)[:300] if isinstance(error, dict) else str(error)
