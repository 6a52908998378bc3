"""Chat turns: store the question, let the AI core answer as the user, store the answer."""

import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from backend.auth.deps import WorkspaceContext
from backend.auth.security import create_access_token
from backend.chat import ai_core_stream
from backend.chat.ai_core_stream import AiCoreUnavailable
from backend.chat.repository import ChatMessageRepository, ConversationRepository
from backend.chat.schemas import (
    ChatMessageRead,
    ChatRequest,
    ConversationDetail,
    ConversationRead,
    ToolCallRecord,
)
from backend.models import ChatMessage, ChatRole, Conversation
from kit.errors import Forbidden, NotFound
from kit.pagination import cursor_datetime, cursor_uuid, decode_cursor, encode_cursor
from kit.schemas import Page

# What the model is sent of the conversation so far: tokens per turn stay bounded.
HISTORY_MESSAGES = 20
HISTORY_MESSAGE_CHARS = 4000
TITLE_CHARS = 80
ASSISTANT_TOKEN_MINUTES = 5
UNAVAILABLE = "The assistant is unavailable right now. Please try again in a moment."


@dataclass(frozen=True)
class Turn:
    """A question stored and ready to be answered."""

    conversation: Conversation
    user_id: uuid.UUID
    # The conversation as the model sees it, oldest first, ending with the question.
    history: list[dict[str, str]]


@dataclass
class Reply:
    """The answer as it streams: text so far, tools run, and whether it finished."""

    parts: list[str] = field(default_factory=list)
    tools: dict[str, ToolCallRecord] = field(default_factory=dict)
    used_ai: bool = False
    finished: bool = False

    @property
    def text(self) -> str:
        return "".join(self.parts)


@dataclass(frozen=True)
class ClientEvent:
    name: str
    data: dict[str, Any]


def assistant_token(ctx: WorkspaceContext) -> str:
    """A 5-minute, read-only token for the caller, valid only in this workspace.

    It carries the caller's login (`sid`), so signing out ends it with the login."""
    if ctx.user_id is None:
        raise Forbidden("Chat answers as a signed-in user; API keys cannot use it.")
    claims: dict[str, Any] = {"workspace_id": str(ctx.workspace_id), "read_only": True}
    if ctx.session_id is not None:
        claims["sid"] = str(ctx.session_id)
    return create_access_token(ctx.user_id, minutes=ASSISTANT_TOKEN_MINUTES, claims=claims)


async def start_turn(session: AsyncSession, ctx: WorkspaceContext, body: ChatRequest) -> Turn:
    """Open (or continue) the caller's conversation and store the question."""
    if ctx.user_id is None:
        raise Forbidden("Chat answers as a signed-in user; API keys cannot use it.")
    conversations = ConversationRepository(session)
    messages = ChatMessageRepository(session)
    if body.conversation_id is None:
        conversation = await conversations.add(ctx.workspace_id, ctx.user_id, _title(body.message))
        earlier: list[ChatMessage] = []
    else:
        found = await conversations.get(ctx.workspace_id, ctx.user_id, body.conversation_id)
        if found is None:
            raise NotFound("Conversation not found.")
        conversation = found
        earlier = await messages.latest(
            ctx.workspace_id, conversation.id, limit=HISTORY_MESSAGES - 1
        )
    await messages.add(conversation, role=ChatRole.user, content=body.message)
    await conversations.touch(ctx.workspace_id, conversation.id)
    history = [
        {"role": m.role.value, "content": m.content[:HISTORY_MESSAGE_CHARS]} for m in earlier
    ]
    history.append({"role": ChatRole.user.value, "content": body.message})
    return Turn(conversation=conversation, user_id=ctx.user_id, history=history)


async def relay(turn: Turn, reply: Reply, user_token: str) -> AsyncIterator[ClientEvent]:
    """The AI core's answer as client events (token, tool, error), collected into `reply`."""
    try:
        async for event in ai_core_stream.stream_reply(
            workspace_id=turn.conversation.workspace_id,
            user_id=turn.user_id,
            user_token=user_token,
            messages=turn.history,
        ):
            client_event = _collect(reply, event.name, event.data)
            if client_event is not None:
                yield client_event
            if event.name in ("done", "error"):
                return
    except AiCoreUnavailable:
        yield ClientEvent("error", {"message": UNAVAILABLE})
        return
    yield ClientEvent("error", {"message": UNAVAILABLE})


def _collect(reply: Reply, name: str, data: dict[str, Any]) -> ClientEvent | None:
    if name == "token":
        text = str(data.get("text", ""))
        reply.parts.append(text)
        return ClientEvent("token", {"text": text})
    if name == "tool":
        call_id, tool_name = str(data.get("id", "")), str(data.get("name", ""))
        status = "finished" if data.get("status") == "finished" else "started"
        record = reply.tools.setdefault(call_id, ToolCallRecord(name=tool_name))
        if status == "started":
            record.args = dict(data.get("args") or {})
        else:
            record.ok = bool(data.get("ok", True))
            record.summary = str(data.get("summary", ""))
        return ClientEvent(
            "tool", {"name": tool_name, "status": status, "summary": str(data.get("summary", ""))}
        )
    if name == "done":
        reply.used_ai = bool(data.get("used_ai"))
        reply.finished = True
        return None
    if name == "error":
        return ClientEvent("error", {"message": str(data.get("message") or UNAVAILABLE)})
    return None


async def record_reply(session: AsyncSession, turn: Turn, reply: Reply) -> ChatMessage:
    """Store the finished answer with the tools it ran."""
    message = await ChatMessageRepository(session).add(
        turn.conversation,
        role=ChatRole.assistant,
        content=reply.text,
        tool_calls=[t.model_dump(mode="json") for t in reply.tools.values()],
        used_ai=reply.used_ai,
    )
    await ConversationRepository(session).touch(
        turn.conversation.workspace_id, turn.conversation.id
    )
    return message


async def list_conversations(
    session: AsyncSession, ctx: WorkspaceContext, *, cursor: str | None, limit: int
) -> Page[ConversationRead]:
    user_id = _user(ctx)
    conversations = ConversationRepository(session)
    after = _decode(cursor) if cursor else None
    rows = await conversations.page(ctx.workspace_id, user_id, after=after, limit=limit + 1)
    total = await conversations.count(ctx.workspace_id, user_id)
    next_cursor = None
    if len(rows) > limit:
        rows = rows[:limit]
        next_cursor = encode_cursor([rows[-1].updated_at, rows[-1].id])
    return Page(
        items=[ConversationRead.model_validate(c) for c in rows],
        total=total,
        next_cursor=next_cursor,
    )


async def get_conversation(
    session: AsyncSession, ctx: WorkspaceContext, conversation_id: uuid.UUID
) -> ConversationDetail:
    conversation = await _own(session, ctx, conversation_id)
    messages = await ChatMessageRepository(session).all(ctx.workspace_id, conversation.id)
    return ConversationDetail(
        **ConversationRead.model_validate(conversation).model_dump(),
        messages=[ChatMessageRead.model_validate(m) for m in messages],
    )


async def delete_conversation(
    session: AsyncSession, ctx: WorkspaceContext, conversation_id: uuid.UUID
) -> None:
    conversation = await _own(session, ctx, conversation_id)
    await ConversationRepository(session).delete(ctx.workspace_id, conversation.id)


async def _own(
    session: AsyncSession, ctx: WorkspaceContext, conversation_id: uuid.UUID
) -> Conversation:
    conversation = await ConversationRepository(session).get(
        ctx.workspace_id, _user(ctx), conversation_id
    )
    if conversation is None:
        raise NotFound("Conversation not found.")
    return conversation


def _user(ctx: WorkspaceContext) -> uuid.UUID:
    if ctx.user_id is None:
        raise Forbidden("Conversations belong to signed-in users; API keys have none.")
    return ctx.user_id


def _title(message: str) -> str:
    line = " ".join(message.split())
    return line if len(line) <= TITLE_CHARS else line[: TITLE_CHARS - 1].rstrip() + "…"


def _decode(cursor: str) -> tuple[datetime, uuid.UUID]:
    updated_at, conversation_id = decode_cursor(cursor, cursor_datetime, cursor_uuid)
    return updated_at, conversation_id
