"""What a chat answer streams, whether Claude or the no-AI fallback writes it."""

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Token:
    text: str


@dataclass(frozen=True)
class ToolStarted:
    id: str
    name: str
    args: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class ToolFinished:
    id: str
    name: str
    ok: bool
    summary: str


@dataclass(frozen=True)
class Done:
    used_ai: bool
    input_tokens: int = 0
    output_tokens: int = 0


@dataclass(frozen=True)
class Failed:
    message: str


ChatEvent = Token | ToolStarted | ToolFinished | Done | Failed


def wire(event: ChatEvent) -> tuple[str, dict[str, Any]]:
    """The SSE event name and JSON data the backend reads."""
    if isinstance(event, Token):
        return "token", {"text": event.text}
    if isinstance(event, ToolStarted):
        return "tool", {"id": event.id, "name": event.name, "status": "started", "args": event.args}
    if isinstance(event, ToolFinished):
        return "tool", {
            "id": event.id,
            "name": event.name,
            "status": "finished",
            "ok": event.ok,
            "summary": event.summary,
        }
    if isinstance(event, Done):
        return "done", {
            "used_ai": event.used_ai,
            "input_tokens": event.input_tokens,
            "output_tokens": event.output_tokens,
        }
    return "error", {"message": event.message}
