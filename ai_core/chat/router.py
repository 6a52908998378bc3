from collections.abc import AsyncIterable
from datetime import UTC, datetime

from fastapi import APIRouter, Depends
from fastapi.sse import EventSourceResponse, ServerSentEvent

from ai_core.agents.agent import converse
from ai_core.agents.context import ChatContext
from ai_core.agents.events import wire
from ai_core.auth import require_service_token
from ai_core.chat.schemas import ChatTurn
from ai_core.clients.workspace_api import WorkspaceApi
from ai_core.config import settings

router = APIRouter(prefix="/v1", tags=["chat"], dependencies=[Depends(require_service_token)])

CHAT_PROTOCOL = """\
The answer as Server-Sent Events: `token` `{text}`; `tool` `{id, name, status: started, args}`
then `{id, name, status: finished, ok, summary}`; finally `done` `{used_ai, input_tokens,
output_tokens}`, or `error` `{message}`. Without an Anthropic key (or when Claude is down
before it said anything) the common questions are answered without AI, `used_ai: false`."""


@router.post("/chat", response_class=EventSourceResponse, description=CHAT_PROTOCOL)
async def chat(turn: ChatTurn) -> AsyncIterable[ServerSentEvent]:
    """Answer a user's question about their workspace, reading it with their scoped token."""
    async with WorkspaceApi(
        settings.backend_url,
        turn.workspace_id,
        turn.user_token.get_secret_value(),
        timeout=settings.backend_timeout_seconds,
    ) as api:
        context = ChatContext(
            workspace_id=turn.workspace_id, user_id=turn.user_id, api=api, now=datetime.now(UTC)
        )
        messages = [m.model_dump() for m in turn.messages]
        async for event in converse(context, messages):
            name, data = wire(event)
            yield ServerSentEvent(event=name, data=data)
