import uuid
from decimal import Decimal

from sqlalchemy import CheckConstraint, ForeignKey, Index, Numeric, String, text
from sqlalchemy.orm import Mapped, mapped_column

from backend.models.base import Base, Timestamps, UUIDPrimaryKey
from backend.models.enums import StageKind, pg_enum


class PipelineStage(UUIDPrimaryKey, Timestamps, Base):
    """One stage of the workspace's pipeline; `position` orders them."""

    __tablename__ = "pipeline_stage"
    __table_args__ = (
        Index("ix_pipeline_stage_workspace_position", "workspace_id", "position"),
        Index("uq_pipeline_stage_workspace_name", "workspace_id", "name", unique=True),
        # The CRM's stage id (HubSpot's `dealstage` value): one of our stages per CRM stage.
        Index(
            "uq_pipeline_stage_workspace_external_id",
            "workspace_id",
            "external_id",
            unique=True,
            postgresql_where=text("external_id is not null"),
        ),
        CheckConstraint("probability >= 0 and probability <= 100", name="probability_range"),
        CheckConstraint("rotting_days is null or rotting_days > 0", name="rotting_days_positive"),
    )

    workspace_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("workspace.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(100))
    position: Mapped[int]
    probability: Mapped[Decimal] = mapped_column(Numeric(5, 2))
    kind: Mapped[StageKind] = mapped_column(pg_enum(StageKind, "stage_kind"))
    rotting_days: Mapped[int | None]
    external_id: Mapped[str | None] = mapped_column(String(100))
