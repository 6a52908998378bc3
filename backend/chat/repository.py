"""Queries for conversations and their messages; always within one workspace and one user."""

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import delete, func, select, tuple_, update
from sqlalchemy.ext.asyncio import AsyncSession

from backend.models import ChatMessage, ChatRole, Conversation


class ConversationRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def get(
        self, workspace_id: uuid.UUID, user_id: uuid.UUID, conversation_id: uuid.UUID
    ) -> Conversation | None:
        return await self.session.scalar(
            select(Conversation).where(
                Conversation.workspace_id == workspace_id,
                Conversation.user_id == user_id,
                Conversation.id == conversation_id,
            )
        )

    async def page(
        self,
        workspace_id: uuid.UUID,
        user_id: uuid.UUID,
        *,
        after: tuple[datetime, uuid.UUID] | None,
        limit: int,
    ) -> list[Conversation]:
        """Most recently active first; `after` is the previous page's last sort key."""
        statement = select(Conversation).where(
            Conversation.workspace_id == workspace_id, Conversation.user_id == user_id
        )
        if after is not None:
            statement = statement.where(tuple_(Conversation.updated_at, Conversation.id) < after)
        result = await self.session.scalars(
            statement.order_by(Conversation.updated_at.desc(), Conversation.id.desc()).limit(limit)
        )
        return list(result.all())

    async def count(self, workspace_id: uuid.UUID, user_id: uuid.UUID) -> int:
        total = await self.session.scalar(
            select(func.count())
            .select_from(Conversation)
            .where(Conversation.workspace_id == workspace_id, Conversation.user_id == user_id)
        )
        return total or 0

    async def add(self, workspace_id: uuid.UUID, user_id: uuid.UUID, title: str) -> Conversation:
        conversation = Conversation(workspace_id=workspace_id, user_id=user_id, title=title)
        self.session.add(conversation)
        await self.session.flush()
        return conversation

    async def touch(self, workspace_id: uuid.UUID, conversation_id: uuid.UUID) -> None:
        await self.session.execute(
            update(Conversation)
            .where(Conversation.workspace_id == workspace_id, Conversation.id == conversation_id)
            .values(updated_at=func.clock_timestamp())
        )

    async def delete(self, workspace_id: uuid.UUID, conversation_id: uuid.UUID) -> None:
        await self.session.execute(
            delete(Conversation).where(
                Conversation.workspace_id == workspace_id, Conversation.id == conversation_id
            )
        )


class ChatMessageRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def add(
        self,
        conversation: Conversation,
        *,
        role: ChatRole,
        content: str,
        tool_calls: list[dict[str, Any]] | None = None,
        used_ai: bool = False,
    ) -> ChatMessage:
        message = ChatMessage(
            conversation_id=conversation.id,
            workspace_id=conversation.workspace_id,
            role=role,
            content=content,
            tool_calls=tool_calls or [],
            used_ai=used_ai,
            # Statement time, not transaction time: a turn's two messages keep their order.
            created_at=func.clock_timestamp(),
        )
        self.session.add(message)
        await self.session.flush()
        await self.session.refresh(message, ["created_at"])
        return message

    async def all(self, workspace_id: uuid.UUID, conversation_id: uuid.UUID) -> list[ChatMessage]:
        result = await self.session.scalars(
            select(ChatMessage)
            .where(
                ChatMessage.workspace_id == workspace_id,
                ChatMessage.conversation_id == conversation_id,
            )
            .order_by(ChatMessage.created_at, ChatMessage.id)
        )
        return list(result.all())

    async def latest(
        self, workspace_id: uuid.UUID, conversation_id: uuid.UUID, *, limit: int
    ) -> list[ChatMessage]:
        """The last `limit` messages, oldest first."""
        result = await self.session.scalars(
            select(ChatMessage)
            .where(
                ChatMessage.workspace_id == workspace_id,
                ChatMessage.conversation_id == conversation_id,
            )
            .order_by(ChatMessage.created_at.desc(), ChatMessage.id.desc())
            .limit(limit)
        )
        return list(reversed(result.all()))
