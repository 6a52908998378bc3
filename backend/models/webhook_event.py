"""Incoming webhook deliveries, stored raw once, and HubSpot's per-property versions."""

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import BigInteger, CheckConstraint, ForeignKey, Index, String, Text, text
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from backend.models.base import Base, UUIDPrimaryKey, utcnow


class WebhookEvent(UUIDPrimaryKey, Base):
    """One event as the vendor sent it; `dedupe_key` makes a redelivery a no-op."""

    __tablename__ = "webhook_event"
    __table_args__ = (
        Index("uq_webhook_event_source_dedupe_key", "source", "dedupe_key", unique=True),
        # The processing job's queue: a workspace's events not handled yet, oldest first.
        Index(
            "ix_webhook_event_pending",
            "workspace_id",
            "occurred_at",
            postgresql_where=text("status = 'received'"),
        ),
        CheckConstraint("source in ('hubspot', 'notion')", name="source_known"),
        CheckConstraint(
            "status in ('received', 'processed', 'ignored', 'failed')", name="status_known"
        ),
    )

    source: Mapped[str] = mapped_column(String(16))
    dedupe_key: Mapped[str] = mapped_column(String(128))
    workspace_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("workspace.id", ondelete="CASCADE")
    )
    integration_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("integration.id", ondelete="SET NULL")
    )
    status: Mapped[str] = mapped_column(String(16))
    payload: Mapped[dict[str, Any]] = mapped_column(JSONB)
    occurred_at: Mapped[datetime]
    received_at: Mapped[datetime] = mapped_column(default=utcnow, server_default=text("now()"))
    processed_at: Mapped[datetime | None]
    error: Mapped[str | None] = mapped_column(Text)


class HubspotPropertyVersion(Base):
    """When a HubSpot object's property last changed, so an older event never overwrites it."""

    __tablename__ = "hubspot_property_version"

    workspace_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("workspace.id", ondelete="CASCADE"), primary_key=True
    )
    object_id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    property: Mapped[str] = mapped_column(String(100), primary_key=True)
    occurred_at: Mapped[datetime]
