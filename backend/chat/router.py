import uuid
from collections.abc import AsyncIterable
from typing import Annotated

from fastapi import APIRouter, Depends, Query, status
from fastapi.sse import EventSourceResponse, ServerSentEvent

from backend.auth.deps import WorkspaceViewer
from backend.chat import service
from backend.chat.schemas import ChatRequest, ConversationDetail, ConversationRead
from backend.chat.service import Turn
from backend.db import SessionDep, session_factory
from kit.schemas import Page

router = APIRouter(prefix="/api/v1/workspaces/{workspace_id}/chat", tags=["chat"])

CHAT_PROTOCOL = """\
Ask the assistant about this workspace's deals, pipeline, forecast, insights and activity.
It reads the data as you (read-only, this workspace only). The answer streams as
Server-Sent Events: `token` `{text}` as the words come, `tool` `{name, status, summary}` when a
data lookup starts (`started`) and ends (`finished`), then `done` `{message_id, conversation_id,
used_ai}` once the answer is stored, or `error` `{message, conversation_id}` instead. Your
question is stored before the answer starts; `conversation_id` continues a conversation."""


async def started_turn(body: ChatRequest, ctx: WorkspaceViewer, session: SessionDep) -> Turn:
    turn = await service.start_turn(session, ctx, body)
    # The answer streams for many seconds: commit the question now, so the connection goes
    # back to the pool while the model works, and the question survives a failed answer.
    await session.commit()
    return turn


StartedTurn = Annotated[Turn, Depends(started_turn)]


@router.post("", response_class=EventSourceResponse, description=CHAT_PROTOCOL)
async def chat(turn: StartedTurn, ctx: WorkspaceViewer) -> AsyncIterable[ServerSentEvent]:
    """Ask the assistant; the answer streams as Server-Sent Events."""
    conversation_id = str(turn.conversation.id)
    reply = service.Reply()
    async for event in service.relay(turn, reply, service.assistant_token(ctx)):
        data = event.data
        if event.name == "error":
            data = {**data, "conversation_id": conversation_id}
        yield ServerSentEvent(event=event.name, data=data)
    if not reply.finished:
        return
    # The request's session is closed once streaming starts (SessionDep): the answer, known
    # only at the end, is stored in a session of its own, before `done`, so a client that
    # reloads the conversation on `done` finds it.
    async with session_factory()() as session:
        message = await service.record_reply(session, turn, reply)
        await session.commit()
    yield ServerSentEvent(
        event="done",
        data={
            "message_id": str(message.id),
            "conversation_id": conversation_id,
            "used_ai": reply.used_ai,
        },
    )


@router.get("/conversations", response_model=Page[ConversationRead])
async def list_conversations(
    ctx: WorkspaceViewer,
    session: SessionDep,
    cursor: Annotated[str | None, Query(description="next_cursor of the previous page")] = None,
    limit: Annotated[int, Query(ge=1, le=100)] = 30,
) -> Page[ConversationRead]:
    """Your conversations in this workspace, most recently active first."""
    return await service.list_conversations(session, ctx, cursor=cursor, limit=limit)


@router.get("/conversations/{conversation_id}", response_model=ConversationDetail)
async def read_conversation(
    conversation_id: uuid.UUID, ctx: WorkspaceViewer, session: SessionDep
) -> ConversationDetail:
    """One of your conversations with all its messages, oldest first."""
    return await service.get_conversation(session, ctx, conversation_id)


@router.delete("/conversations/{conversation_id}", status_code=status.HTTP_204_NO_CONTENT)
async def delete_conversation(
    conversation_id: uuid.UUID, ctx: WorkspaceViewer, session: SessionDep
) -> None:
    """Delete one of your conversations and its messages."""
    await service.delete_conversation(session, ctx, conversation_id)
