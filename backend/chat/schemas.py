import uuid
from datetime import datetime
from typing import Annotated, Any

from pydantic import BaseModel, Field, StringConstraints

from backend.models import ChatRole
from kit.schemas import ReadModel, RequestModel

MAX_MESSAGE_CHARS = 4000


class ChatRequest(RequestModel):
    message: Annotated[
        str, StringConstraints(strip_whitespace=True, min_length=1, max_length=MAX_MESSAGE_CHARS)
    ]
    conversation_id: uuid.UUID | None = Field(
        default=None, description="Continue this conversation of yours; omit to start a new one."
    )


class ToolCallRecord(BaseModel):
    """A tool the assistant ran for a reply: what it asked and a short account of the result."""

    name: str
    args: dict[str, Any] = Field(default_factory=dict)
    ok: bool = True
    summary: str = ""


class ChatMessageRead(ReadModel):
    id: uuid.UUID
    role: ChatRole
    content: str
    tool_calls: list[ToolCallRecord]
    used_ai: bool
    created_at: datetime


class ConversationRead(ReadModel):
    id: uuid.UUID
    title: str
    created_at: datetime
    updated_at: datetime


class ConversationDetail(ConversationRead):
    messages: list[ChatMessageRead]
