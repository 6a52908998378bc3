import uuid
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import CheckConstraint, ForeignKey, Index, Numeric, String, Text, text
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from backend.models.base import Base, Timestamps, UUIDPrimaryKey
from backend.models.enums import (
    InsightPriority,
    InsightStatus,
    InsightType,
    RunStatus,
    pg_enum,
)


class InsightRun(UUIDPrimaryKey, Timestamps, Base):
    """One generation run: what triggered it, how it went, what the model cost."""

    __tablename__ = "insight_run"
    __table_args__ = (Index("ix_insight_run_workspace_created", "workspace_id", "created_at"),)

    workspace_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("workspace.id", ondelete="CASCADE"))
    trigger: Mapped[str] = mapped_column(String(30))
    status: Mapped[RunStatus] = mapped_column(pg_enum(RunStatus, "run_status"))
    started_at: Mapped[datetime | None]
    finished_at: Mapped[datetime | None]
    model: Mapped[str | None] = mapped_column(String(100))
    used_ai: Mapped[bool] = mapped_column(default=False, server_default="false")
    input_tokens: Mapped[int] = mapped_column(default=0, server_default="0")
    output_tokens: Mapped[int] = mapped_column(default=0, server_default="0")
    cost_usd: Mapped[Decimal] = mapped_column(Numeric(12, 6), default=0, server_default="0")
    error: Mapped[str | None] = mapped_column(Text)


class Insight(UUIDPrimaryKey, Timestamps, Base):
    __tablename__ = "insight"
    __table_args__ = (
        Index("ix_insight_workspace_status_priority", "workspace_id", "status", "priority"),
        Index("ix_insight_workspace_created", "workspace_id", "created_at", "id"),
        Index("ix_insight_deal", "deal_id"),
        # One open insight per (deal, signal): a new run refreshes it instead of duplicating.
        Index(
            "uq_insight_open_signal",
            "workspace_id",
            "signal_key",
            unique=True,
            postgresql_where=text("status in ('new', 'viewed')"),
        ),
        CheckConstraint("confidence >= 0 and confidence <= 1", name="confidence_range"),
    )

    workspace_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("workspace.id", ondelete="CASCADE"))
    deal_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("deal.id", ondelete="CASCADE"))
    run_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("insight_run.id", ondelete="SET NULL")
    )
    type: Mapped[InsightType] = mapped_column(pg_enum(InsightType, "insight_type"))
    signal_key: Mapped[str] = mapped_column(String(200))
    title: Mapped[str] = mapped_column(String(300))
    description: Mapped[str] = mapped_column(Text)
    priority: Mapped[InsightPriority] = mapped_column(pg_enum(InsightPriority, "insight_priority"))
    confidence: Mapped[Decimal] = mapped_column(Numeric(4, 3))
    evidence: Mapped[dict[str, Any]] = mapped_column(JSONB, default=dict, server_default="{}")
    suggested_actions: Mapped[list[str]] = mapped_column(JSONB, default=list, server_default="[]")
    status: Mapped[InsightStatus] = mapped_column(
        pg_enum(InsightStatus, "insight_status"), default=InsightStatus.new
    )
    generated_without_ai: Mapped[bool] = mapped_column(default=False, server_default="false")
