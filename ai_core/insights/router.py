import asyncio
import re
import zlib
from collections.abc import Callable, Coroutine
from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException, Request, Response, status
from fastapi.routing import APIRoute
from langchain_anthropic import ChatAnthropic

from ai_core.auth import require_service_token
from ai_core.insights import outlook, service
from ai_core.insights.config import insight_settings
from ai_core.insights.outlook_schemas import ForecastRequest, ForecastResponse, ScoreResponse
from ai_core.insights.schemas import GenerateRequest, GenerateResponse
from ai_core.llm import chat_model

# The routes taking a snapshot get insight_settings.max_request_bytes, not the app's limit.
SNAPSHOT_PATHS = re.compile(r"^/v1/insights/(generate|forecast|score)/?$")


class GzipRequest(Request):
    """A body sent with `Content-Encoding: gzip`, inflated up to a bound (no zip bombs)."""

    async def body(self) -> bytes:
        if not hasattr(self, "_body"):
            raw = await super().body()
            if "gzip" in self.headers.get("content-encoding", ""):
                # Inflating tens of megabytes is CPU work: off the event loop.
                raw = await asyncio.to_thread(_gunzip, raw, insight_settings.max_decompressed_bytes)
            self._body = raw
        return self._body


class GzipRoute(APIRoute):
    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def gzip_handler(request: Request) -> Response:
            return await handler(GzipRequest(request.scope, request.receive))

        return gzip_handler


router = APIRouter(
    prefix="/v1/insights",
    tags=["insights"],
    dependencies=[Depends(require_service_token)],
    route_class=GzipRoute,
)


def insight_model() -> ChatAnthropic | None:
    """Claude as configured for insight runs; None without an API key."""
    return chat_model(
        timeout_seconds=insight_settings.llm_timeout_seconds,
        max_retries=insight_settings.llm_max_retries,
        max_tokens=insight_settings.max_output_tokens,
    )


@router.post("/generate", response_model=GenerateResponse)
async def generate_insights(
    body: GenerateRequest,
    model: Annotated[ChatAnthropic | None, Depends(insight_model)],
) -> GenerateResponse:
    """Analyse a workspace snapshot and write its top insights (gzip bodies welcome)."""
    return await service.generate(body, model=model, settings=insight_settings)


@router.post("/forecast", response_model=ForecastResponse)
async def simulate_forecast(body: ForecastRequest) -> ForecastResponse:
    """P10/P50/P90 of won revenue for the period and each span, with the weighted pipeline."""
    return await asyncio.to_thread(outlook.simulate, body)


@router.post("/score", response_model=ScoreResponse)
async def score_deals(body: GenerateRequest) -> ScoreResponse:
    """Win probability and top factors of the snapshot's open deals, and the model's status."""
    return await asyncio.to_thread(outlook.score, body)


def _gunzip(data: bytes, limit: int) -> bytes:
    # FastAPI turns any other error while reading the body into a generic 400: these keep
    # their status and message.
    inflater = zlib.decompressobj(16 + zlib.MAX_WBITS)
    try:
        inflated = inflater.decompress(data, limit + 1)
    except zlib.error as exc:
        raise HTTPException(status.HTTP_400_BAD_REQUEST, "The gzip body is corrupt.") from exc
    if len(inflated) > limit or inflater.unconsumed_tail:
        raise HTTPException(
            status.HTTP_413_CONTENT_TOO_LARGE, f"The body inflates to more than {limit} bytes."
        )
    return inflated
