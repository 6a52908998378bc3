import enum
import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, Index, String, Text, func
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from backend.models.base import Base, Timestamps, UUIDPrimaryKey, utcnow
from backend.models.enums import pg_enum


class ChatRole(enum.StrEnum):
    user = "user"
    assistant = "assistant"


class Conversation(UUIDPrimaryKey, Timestamps, Base):
    """One user's chat thread with the assistant, inside one workspace."""

    __tablename__ = "conversation"
    __table_args__ = (
        Index("ix_conversation_workspace_user_updated", "workspace_id", "user_id", "updated_at"),
    )

    workspace_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("workspace.id", ondelete="CASCADE"))
    user_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"))
    title: Mapped[str] = mapped_column(String(200))


class ChatMessage(UUIDPrimaryKey, Base):
    """A turn of a conversation; an assistant turn keeps the tools it ran (names, args, summary)."""

    __tablename__ = "chat_message"
    __table_args__ = (
        Index("ix_chat_message_conversation_created", "conversation_id", "created_at", "id"),
    )

    conversation_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("conversation.id", ondelete="CASCADE")
    )
    workspace_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("workspace.id", ondelete="CASCADE"))
    role: Mapped[ChatRole] = mapped_column(pg_enum(ChatRole, "chat_role"))
    content: Mapped[str] = mapped_column(Text)
    tool_calls: Mapped[list[dict[str, Any]]] = mapped_column(
        JSONB, default=list, server_default="[]"
    )
    used_ai: Mapped[bool] = mapped_column(default=False, server_default="false")
    created_at: Mapped[datetime] = mapped_column(server_default=func.now(), default=utcnow)
