import enum
import uuid
from decimal import Decimal

from sqlalchemy import CheckConstraint, ForeignKey, Numeric, String
from sqlalchemy.orm import Mapped, mapped_column

from backend.models.base import Base, Timestamps


class InsightSchedule(enum.StrEnum):
    """How often a workspace's insights are generated on their own."""

    daily = "daily"
    weekly = "weekly"
    off = "off"


class WorkspacePreference(Timestamps, Base):
    """Per-workspace settings the dashboard and the insight schedule read; one row at most."""

    __tablename__ = "workspace_preference"
    __table_args__ = (
        CheckConstraint(
            "monthly_target is null or monthly_target >= 0", name="monthly_target_not_negative"
        ),
        CheckConstraint("insight_schedule in ('daily', 'weekly', 'off')", name="insight_schedule"),
    )

    workspace_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("workspace.id", ondelete="CASCADE"), primary_key=True
    )
    # Revenue the team aims to win each month; the dashboard draws the forecast against it.
    monthly_target: Mapped[Decimal | None] = mapped_column(Numeric(18, 2))
    insight_schedule: Mapped[str] = mapped_column(
        String(20), default=InsightSchedule.daily.value, server_default="daily"
    )
