"""Notion sync state: each synced page's last applied version, and the sync runs."""

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from backend.models.base import Base, Timestamps, UUIDPrimaryKey, utcnow
from backend.models.enums import RunStatus, pg_enum


class NotionPage(Base):
    """A Notion page we synced: what it became here and which version of it was applied."""

    __tablename__ = "notion_page"
    __table_args__ = (CheckConstraint("kind in ('deal', 'note')", name="kind_known"),)

    workspace_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("workspace.id", ondelete="CASCADE"), primary_key=True
    )
    page_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    kind: Mapped[str] = mapped_column(String(8))
    # The newest webhook event applied: an older one arriving late is ignored.
    last_event_at: Mapped[datetime | None]
    # Notion's `last_edited_time` of the snapshot applied: a staler read is not applied.
    last_edited_at: Mapped[datetime | None]
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class NotionSyncRun(UUIDPrimaryKey, Timestamps, Base):
    """One full read of the chosen databases (on connect, "sync now", or the periodic check)."""

    __tablename__ = "notion_sync_run"
    __table_args__ = (
        Index("ix_notion_sync_run_workspace_created", "workspace_id", "created_at"),
        CheckConstraint("phase in ('deals', 'notes', 'done')", name="phase_known"),
    )

    workspace_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("workspace.id", ondelete="CASCADE"))
    integration_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("integration.id", ondelete="CASCADE")
    )
    trigger: Mapped[str] = mapped_column(String(16))
    status: Mapped[RunStatus] = mapped_column(pg_enum(RunStatus, "run_status"))
    # Where a retried run resumes: the database being read and Notion's cursor in it.
    phase: Mapped[str] = mapped_column(String(8), default="deals")
    cursor: Mapped[str | None] = mapped_column(String(200))
    pages_seen: Mapped[int] = mapped_column(default=0)
    deals_synced: Mapped[int] = mapped_column(default=0)
    notes_synced: Mapped[int] = mapped_column(default=0)
    pages_failed: Mapped[int] = mapped_column(default=0)
    # The first few per-page problems, as {"page_id", "message"}.
    errors: Mapped[list[dict[str, Any]]] = mapped_column(JSONB, default=list)
    error: Mapped[str | None] = mapped_column(Text)
    started_at: Mapped[datetime | None]
    finished_at: Mapped[datetime | None]
