"""One HubSpot sync (backfill or incremental): progress, counts and the error, for the sync log."""

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from backend.models.base import Base, Timestamps, UUIDPrimaryKey
from backend.models.enums import RunStatus, pg_enum


class HubspotSyncRun(UUIDPrimaryKey, Timestamps, Base):
    __tablename__ = "hubspot_sync_run"
    __table_args__ = (
        Index("ix_hubspot_sync_run_workspace_created", "workspace_id", "created_at", "id"),
        Index("ix_hubspot_sync_run_integration_status", "integration_id", "status"),
        CheckConstraint("kind in ('backfill', 'incremental')", name="kind_known"),
    )

    workspace_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("workspace.id", ondelete="CASCADE"))
    integration_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("integration.id", ondelete="CASCADE")
    )
    kind: Mapped[str] = mapped_column(String(16))
    trigger: Mapped[str] = mapped_column(String(16))
    status: Mapped[RunStatus] = mapped_column(pg_enum(RunStatus, "run_status"))
    # The step under way (pipelines, owners, deals, calls, ...), for the progress display.
    phase: Mapped[str | None] = mapped_column(String(32))
    counts: Mapped[dict[str, int]] = mapped_column(JSONB, default=dict, server_default="{}")
    # Records skipped with the reason (capped), e.g. a deal in a stage that no longer exists.
    problems: Mapped[list[dict[str, Any]]] = mapped_column(JSONB, default=list, server_default="[]")
    attempts: Mapped[int] = mapped_column(default=0, server_default="0")
    started_at: Mapped[datetime | None]
    finished_at: Mapped[datetime | None]
    error: Mapped[str | None] = mapped_column(Text)
