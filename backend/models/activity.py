import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, Index, String, Text, text
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from backend.models.base import Base, Timestamps, UUIDPrimaryKey
from backend.models.enums import ActivityType, DealSource, SystemEvent, pg_enum


class Activity(UUIDPrimaryKey, Timestamps, Base):
    """One timeline entry: a call, email, meeting, note or task, or a system event."""

    __tablename__ = "activity"
    __table_args__ = (
        Index("ix_activity_workspace_occurred", "workspace_id", "occurred_at", "id"),
        Index("ix_activity_deal_occurred", "deal_id", "occurred_at", "id"),
        Index("ix_activity_workspace_type_occurred", "workspace_id", "type", "occurred_at"),
        Index(
            "uq_activity_workspace_source_external_id",
            "workspace_id",
            "source",
            "external_id",
            unique=True,
            postgresql_where=text("external_id is not null"),
        ),
    )

    workspace_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("workspace.id", ondelete="CASCADE"))
    deal_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("deal.id", ondelete="CASCADE"))
    type: Mapped[ActivityType] = mapped_column(pg_enum(ActivityType, "activity_type"))
    system_event: Mapped[SystemEvent | None] = mapped_column(pg_enum(SystemEvent, "system_event"))
    subject: Mapped[str] = mapped_column(String(300))
    body: Mapped[str | None] = mapped_column(Text)
    scheduled_at: Mapped[datetime | None]
    completed_at: Mapped[datetime | None]
    # When it happened, for timeline order: completion, else schedule, else creation.
    occurred_at: Mapped[datetime]
    owner_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    source: Mapped[DealSource] = mapped_column(pg_enum(DealSource, "deal_source"))
    external_id: Mapped[str | None] = mapped_column(String(200))
    details: Mapped[dict[str, Any]] = mapped_column(JSONB, default=dict, server_default="{}")
