"""Scripted replies of the fake Anthropic API, rendered in the Messages API wire format.

Shapes follow the recorded exchanges and SSE transcripts in shared/data/anthropic
(anthropic-sdk-python fixtures): a JSON message for plain requests, and for
`"stream": true` the event sequence message_start, content_block_start, ping,
content_block_delta..., content_block_stop, ..., message_delta, message_stop.
"""

import itertools
import json
import re
from dataclasses import dataclass, field, replace
from typing import Any

from pydantic import BaseModel

JSON = dict[str, Any]

_ids = itertools.count(1)


def new_id(prefix: str) -> str:
    """Ids shaped like the real ones (`msg_01…`, `toolu_01…`, `req_01…`), unique per process."""
    return f"{prefix}_01Fake{next(_ids):018d}"


@dataclass(frozen=True)
class Text:
    text: str


@dataclass(frozen=True)
class ToolUse:
    name: str
    input: JSON
    id: str | None = None


@dataclass(frozen=True)
class Reply:
    """One assistant message: text and tool_use blocks in order."""

    content: tuple[Text | ToolUse, ...]
    stop_reason: str | None = None  # default: "tool_use" if any tool is called, else "end_turn"
    output_tokens: int | None = None  # default: estimated from the content
    delay_seconds: float = 0.0  # wait before answering (client timeouts)

    @property
    def resolved_stop_reason(self) -> str:
        if self.stop_reason is not None:
            return self.stop_reason
        return "tool_use" if any(isinstance(b, ToolUse) for b in self.content) else "end_turn"


@dataclass(frozen=True)
class Structured:
    """The forced tool call LangChain's `with_structured_output` asks for, filled with `data`."""

    data: JSON
    delay_seconds: float = 0.0


@dataclass(frozen=True)
class ErrorReply:
    """An API error: `{"type": "error", "error": {"type", "message"}}` with `status`."""

    status: int
    type: str
    message: str
    headers: dict[str, str] = field(default_factory=dict)
    # Streaming requests get a 200, message_start, then an `event: error` frame.
    mid_stream: bool = False
    delay_seconds: float = 0.0


ScriptedReply = Reply | Structured | ErrorReply


def text(message: str, *, output_tokens: int | None = None) -> Reply:
    return Reply(content=(Text(message),), output_tokens=output_tokens)


def tool_use(name: str, input: JSON, *, text: str | None = None, id: str | None = None) -> Reply:
    """A tool call, optionally preceded by a text block (the model's preamble)."""
    preamble = (Text(text),) if text else ()
    return Reply(content=(*preamble, ToolUse(name=name, input=input, id=id)))


def assistant(*content: str | Text | ToolUse, stop_reason: str | None = None) -> Reply:
    """Any mix of blocks, e.g. a preamble and two parallel tool calls; a str is a text block."""
    blocks = tuple(Text(b) if isinstance(b, str) else b for b in content)
    return Reply(content=blocks, stop_reason=stop_reason)


def structured(data: JSON | BaseModel) -> Structured:
    if isinstance(data, BaseModel):
        data = data.model_dump(mode="json")
    return Structured(data=data)


def delayed(reply: ScriptedReply, seconds: float) -> ScriptedReply:
    """`reply`, sent only after `seconds` (to trip a client timeout)."""
    return replace(reply, delay_seconds=seconds)


def error(
    status: int, type: str, message: str, headers: dict[str, str] | None = None
) -> ErrorReply:
    return ErrorReply(status=status, type=type, message=message, headers=headers or {})


def rate_limited(retry_after_seconds: float = 0.01) -> ErrorReply:
    """429 rate_limit_error; the SDK waits `retry-after-ms` (read before `retry-after`)."""
    headers = {
        "retry-after": str(max(1, round(retry_after_seconds))),
        "retry-after-ms": str(round(retry_after_seconds * 1000)),
    }
    message = "This request would exceed the rate limit for your organization of input tokens."
    return ErrorReply(status=429, type="rate_limit_error", message=message, headers=headers)


def server_error() -> ErrorReply:
    return ErrorReply(status=500, type="api_error", message="Internal server error")


def overloaded(*, mid_stream: bool = False) -> ErrorReply:
    return ErrorReply(
        status=529, type="overloaded_error", message="Overloaded", mid_stream=mid_stream
    )


def error_body(type: str, message: str, request_id: str) -> JSON:
    return {"type": "error", "error": {"type": type, "message": message}, "request_id": request_id}


def estimate_input_tokens(body: JSON) -> int:
    """A deterministic stand-in for the real tokenizer: ~4 characters per token of the prompt."""
    prompt = {key: body.get(key) for key in ("system", "messages", "tools")}
    return max(1, len(_canonical(prompt)) // 4)


def estimate_output_tokens(reply: Reply) -> int:
    if reply.output_tokens is not None:
        return reply.output_tokens
    parts = [b.text if isinstance(b, Text) else _canonical(b.input) for b in reply.content]
    return max(1, sum(len(part) for part in parts) // 4)


def message(reply: Reply, *, model: str, input_tokens: int) -> JSON:
    """The non-streaming response body."""
    return {
        "model": model,
        "id": new_id("msg"),
        "type": "message",
        "role": "assistant",
        "content": [_block(b) for b in _with_ids(reply).content],
        "stop_reason": reply.resolved_stop_reason,
        "stop_sequence": None,
        "usage": {
            **_usage_head(input_tokens),
            "cache_creation": {"ephemeral_5m_input_tokens": 0, "ephemeral_1h_input_tokens": 0},
            "output_tokens": estimate_output_tokens(reply),
            "service_tier": "standard",
            "inference_geo": "not_available",
        },
    }


def stream_events(reply: Reply, *, model: str, input_tokens: int) -> list[tuple[str, JSON]]:
    """The SSE events of a streamed response, in the order the real API sends them."""
    reply = _with_ids(reply)
    events: list[tuple[str, JSON]] = [message_start(model=model, input_tokens=input_tokens)]
    for index, block in enumerate(reply.content):
        events.append(
            (
                "content_block_start",
                {"type": "content_block_start", "index": index, "content_block": _empty(block)},
            )
        )
        if index == 0:
            events.append(("ping", {"type": "ping"}))
        for delta in _deltas(block):
            events.append(
                (
                    "content_block_delta",
                    {"type": "content_block_delta", "index": index, "delta": delta},
                )
            )
        events.append(("content_block_stop", {"type": "content_block_stop", "index": index}))
    events.append(
        (
            "message_delta",
            {
                "type": "message_delta",
                "delta": {"stop_reason": reply.resolved_stop_reason, "stop_sequence": None},
                # The live API repeats the cumulative input tokens here, and LangChain reads
                # streamed usage from this event only (the older fixture shows output_tokens alone).
                "usage": {
                    **_usage_head(input_tokens),
                    "output_tokens": estimate_output_tokens(reply),
                },
            },
        )
    )
    events.append(("message_stop", {"type": "message_stop"}))
    return events


def message_start(*, model: str, input_tokens: int) -> tuple[str, JSON]:
    body: JSON = {
        "id": new_id("msg"),
        "type": "message",
        "role": "assistant",
        "model": model,
        "content": [],
        "stop_reason": None,
        "stop_sequence": None,
        "usage": {**_usage_head(input_tokens), "output_tokens": 1, "service_tier": "standard"},
    }
    return "message_start", {"type": "message_start", "message": body}


def sse_frame(event: str, data: JSON) -> bytes:
    return f"event: {event}\ndata: {json.dumps(data)}\n\n".encode()


def split_text(value: str, words_per_chunk: int = 2) -> list[str]:
    """Text as several text_delta chunks: a few words each, whitespace kept."""
    words = re.findall(r"\s*\S+\s*", value) or [value]
    return ["".join(words[i : i + words_per_chunk]) for i in range(0, len(words), words_per_chunk)]


def split_json(value: JSON, chunk_chars: int = 8) -> list[str]:
    """Tool input as partial_json chunks; like the real API the first one is empty."""
    encoded = json.dumps(value)
    return ["", *(encoded[i : i + chunk_chars] for i in range(0, len(encoded), chunk_chars))]


def _deltas(block: Text | ToolUse) -> list[JSON]:
    if isinstance(block, Text):
        return [{"type": "text_delta", "text": chunk} for chunk in split_text(block.text)]
    return [
        {"type": "input_json_delta", "partial_json": chunk} for chunk in split_json(block.input)
    ]


def _block(block: Text | ToolUse) -> JSON:
    if isinstance(block, Text):
        return {"type": "text", "text": block.text}
    return {
        "type": "tool_use",
        "id": block.id,
        "name": block.name,
        "input": block.input,
        "caller": {"type": "direct"},
    }


def _empty(block: Text | ToolUse) -> JSON:
    if isinstance(block, Text):
        return {"type": "text", "text": ""}
    return {**_block(block), "input": {}}


def _with_ids(reply: Reply) -> Reply:
    content = tuple(
        ToolUse(b.name, b.input, b.id or new_id("toolu")) if isinstance(b, ToolUse) else b
        for b in reply.content
    )
    return Reply(content, reply.stop_reason, reply.output_tokens, reply.delay_seconds)


def _usage_head(input_tokens: int) -> JSON:
    return {
        "input_tokens": input_tokens,
        "cache_creation_input_tokens": 0,
        "cache_read_input_tokens": 0,
    }


def _canonical(value: Any) -> str:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
