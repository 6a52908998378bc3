"""A fake Anthropic Messages API on 127.0.0.1, so the real SDK and LangChain run unpatched.

    fake.script(text("Hi"), tool_use("search_deals", {"query": "acme"}), rate_limited())
    fake.responder = lambda body: text(f"you said {last_user_text(body)}")
    ChatAnthropic(model="claude-sonnet-4-5", api_key="test", base_url=fake.base_url)
    fake.requests[-1].body  # what the model was sent

Replies come from the FIFO script first, then from `responder`; with neither, the request
fails with a 400 that names the problem (the SDK does not retry 400s).
"""

import asyncio
import json
import threading
import traceback
from collections import deque
from collections.abc import AsyncIterator, Callable, Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response, StreamingResponse
from starlette.routing import Route

from tests.fakes import anthropic_validation as validation
from tests.fakes.anthropic_wire import (
    JSON,
    ErrorReply,
    Reply,
    ScriptedReply,
    Structured,
    Text,
    ToolUse,
    error_body,
    estimate_input_tokens,
    message,
    message_start,
    new_id,
    sse_frame,
    stream_events,
    text,
)
from tests.fakes.threaded_server import ThreadedServer

Responder = Callable[[JSON], ScriptedReply | str]


@dataclass(frozen=True)
class RecordedRequest:
    """One request as the fake received it, and the status it answered."""

    path: str
    headers: dict[str, str]
    raw: str
    body: JSON | None
    status: int
    input_tokens: int | None

    @property
    def stream(self) -> bool:
        return bool(self.body and self.body.get("stream"))

    @property
    def tool_names(self) -> list[str]:
        return [tool.get("name", "") for tool in (self.body or {}).get("tools") or []]


class FakeAnthropic:
    """The server, its script and its recording; thread-safe, served from a background thread."""

    def __init__(self, *, api_key: str | None = None, chunk_delay_seconds: float = 0.0) -> None:
        self.api_key = api_key  # None: any non-empty x-api-key is accepted
        self.chunk_delay_seconds = chunk_delay_seconds
        self.responder: Responder | None = None
        self._script: deque[ScriptedReply] = deque()
        self._requests: list[RecordedRequest] = []
        self._lock = threading.Lock()
        self._runner: ThreadedServer | None = None
        self._port: int | None = None
        self.app = Starlette(
            routes=[
                Route("/v1/messages", self._messages, methods=["POST"]),
                Route("/v1/messages/count_tokens", self._count_tokens, methods=["POST"]),
                Route("/{path:path}", self._not_found, methods=["GET", "POST", "DELETE"]),
            ]
        )

    @property
    def base_url(self) -> str:
        if self._port is None:
            raise RuntimeError("the fake Anthropic server is not running")
        return f"http://127.0.0.1:{self._port}"

    def script(self, *replies: ScriptedReply) -> None:
        """Queue replies; each request to /v1/messages takes the next one."""
        with self._lock:
            self._script.extend(replies)

    @property
    def pending(self) -> int:
        with self._lock:
            return len(self._script)

    @property
    def requests(self) -> list[RecordedRequest]:
        """Every request to /v1/messages so far, rejected ones included, oldest first."""
        with self._lock:
            return list(self._requests)

    @property
    def bodies(self) -> list[JSON]:
        """The bodies of the requests that were answered 200."""
        return [r.body for r in self.requests if r.status == 200 and r.body is not None]

    def reset(self) -> None:
        with self._lock:
            self._script.clear()
            self._requests.clear()
        self.responder = None

    def start(self) -> "FakeAnthropic":
        self._runner = ThreadedServer(self.app, "the fake Anthropic server")
        self._port = self._runner.start()
        return self

    def stop(self) -> None:
        if self._runner is not None:
            self._runner.stop()
        self._runner = None
        self._port = None

    def __enter__(self) -> "FakeAnthropic":
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    async def _messages(self, request: Request) -> Response:
        raw = (await request.body()).decode("utf-8", errors="replace")
        body = _parse(raw)
        problem = validation.check_headers(request.headers, api_key=self.api_key)
        problem = problem or validation.check_body(body)
        if problem is not None:
            return self._answer(request, raw, body, problem)
        reply = self._next_reply(body)
        if isinstance(reply, Structured):
            reply = _resolve_structured(reply, body)
        return await self._respond(request, raw, body, reply)

    async def _respond(
        self, request: Request, raw: str, body: JSON, reply: Reply | ErrorReply
    ) -> Response:
        if reply.delay_seconds:
            await asyncio.sleep(reply.delay_seconds)
        if isinstance(reply, ErrorReply) and not (reply.mid_stream and body.get("stream")):
            return self._answer(request, raw, body, reply)
        input_tokens = estimate_input_tokens(body)
        self._record(request, raw, body, 200, input_tokens)
        headers = {"request-id": new_id("req")}
        if isinstance(reply, ErrorReply):
            return _sse(self._failing_stream(reply, body, input_tokens), headers)
        if body.get("stream"):
            events = stream_events(reply, model=body["model"], input_tokens=input_tokens)
            return _sse(self._frames(events), headers)
        payload = message(reply, model=body["model"], input_tokens=input_tokens)
        return JSONResponse(payload, headers=headers)

    async def _count_tokens(self, request: Request) -> Response:
        body = _parse((await request.body()).decode("utf-8", errors="replace"))
        problem = validation.check_headers(request.headers, api_key=self.api_key)
        if problem is None and not (isinstance(body, dict) and body.get("messages")):
            problem = _invalid("messages: Field required")
        if problem is not None:
            return _error_response(problem)
        return JSONResponse({"input_tokens": estimate_input_tokens(body)})

    async def _not_found(self, request: Request) -> Response:
        return _error_response(ErrorReply(404, "not_found_error", "Not Found"))

    def _next_reply(self, body: JSON) -> ScriptedReply:
        with self._lock:
            if self._script:
                return self._script.popleft()
        if self.responder is None:
            return _invalid("fake anthropic: no scripted reply left and no responder set")
        try:
            reply = self.responder(body)
        except Exception:  # a broken responder must fail the test, not look like a 5xx
            return _invalid(f"fake anthropic: the responder raised\n{traceback.format_exc()}")
        return text(reply) if isinstance(reply, str) else reply

    def _answer(self, request: Request, raw: str, body: Any, reply: ErrorReply) -> Response:
        parsed = body if isinstance(body, dict) else None
        self._record(request, raw, parsed, reply.status, None)
        return _error_response(reply)

    def _record(
        self, request: Request, raw: str, body: JSON | None, status: int, tokens: int | None
    ) -> None:
        entry = RecordedRequest(
            path=request.url.path,
            headers=dict(request.headers),
            raw=raw,
            body=body,
            status=status,
            input_tokens=tokens,
        )
        with self._lock:
            self._requests.append(entry)

    async def _frames(self, events: list[tuple[str, JSON]]) -> AsyncIterator[bytes]:
        for name, data in events:
            yield sse_frame(name, data)
            if self.chunk_delay_seconds:
                await asyncio.sleep(self.chunk_delay_seconds)

    async def _failing_stream(
        self, reply: ErrorReply, body: JSON, input_tokens: int
    ) -> AsyncIterator[bytes]:
        yield sse_frame(*message_start(model=body["model"], input_tokens=input_tokens))
        yield sse_frame("error", error_body(reply.type, reply.message, new_id("req")))


def last_user_text(body: JSON) -> str:
    """The text of the last user turn (string content or its text blocks)."""
    for entry in reversed(body.get("messages", [])):
        if entry.get("role") == "user":
            content = entry.get("content")
            if isinstance(content, str):
                return content
            return "\n".join(b.get("text", "") for b in content if b.get("type") == "text")
    return ""


def tool_results(body: JSON) -> list[JSON]:
    """The tool_result blocks of the last message (the answers to the previous tool calls)."""
    content = body["messages"][-1].get("content")
    if not isinstance(content, list):
        return []
    return [b for b in content if b.get("type") == "tool_result"]


def tool_result_text(block: JSON) -> str:
    content = block.get("content", "")
    if isinstance(content, str):
        return content
    return "\n".join(b.get("text", "") for b in content if b.get("type") == "text")


def _resolve_structured(reply: Structured, body: JSON) -> Reply | ErrorReply:
    """Answer with the tool the request forced (`with_structured_output`'s function calling)."""
    choice = body.get("tool_choice") or {}
    tools = [t.get("name") for t in body.get("tools") or []]
    if choice.get("type") == "tool":
        name = choice["name"]
    elif choice.get("type") == "any" and len(tools) == 1:
        name = tools[0]
    else:
        fmt = body.get("output_format") or (body.get("output_config") or {}).get("format")
        if isinstance(fmt, dict) and fmt.get("type") == "json_schema":
            return Reply(content=(Text(json.dumps(reply.data)),), delay_seconds=reply.delay_seconds)
        return _invalid("fake anthropic: a structured reply, but the request forced no tool")
    return Reply(content=(ToolUse(name=name, input=reply.data),), delay_seconds=reply.delay_seconds)


def _parse(raw: str) -> Any:
    try:
        return json.loads(raw)
    except ValueError:
        return None


def _invalid(message: str) -> ErrorReply:
    return ErrorReply(status=400, type="invalid_request_error", message=message)


def _error_response(reply: ErrorReply) -> Response:
    request_id = new_id("req")
    headers = {"request-id": request_id, **reply.headers}
    payload = error_body(reply.type, reply.message, request_id)
    return JSONResponse(payload, status_code=reply.status, headers=headers)


def _sse(frames: AsyncIterator[bytes], headers: dict[str, str]) -> StreamingResponse:
    headers = {**headers, "cache-control": "no-cache"}
    return StreamingResponse(frames, media_type="text/event-stream", headers=headers)


@pytest.fixture(scope="session")
def anthropic_server() -> Iterator[FakeAnthropic]:
    """One fake server for the session; use `fake_anthropic` in tests."""
    with FakeAnthropic() as fake:
        yield fake


@pytest.fixture
def fake_anthropic(anthropic_server: FakeAnthropic) -> Iterator[FakeAnthropic]:
    """The fake with an empty script, no responder and no recorded requests."""
    anthropic_server.reset()
    yield anthropic_server
    anthropic_server.reset()
