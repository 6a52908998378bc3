import uuid
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import CheckConstraint, Date, ForeignKey, Index, Numeric, String, text
from sqlalchemy.orm import Mapped, mapped_column

from backend.models.base import Base, Timestamps, UUIDPrimaryKey
from backend.models.enums import ChangeSource, DealSource, pg_enum

# The text-search index is an expression with a trigram operator class; it is created in
# the migration (SEARCH_INDEX) since SQLAlchemy cannot declare the operator class on it.
SEARCH_INDEX = "ix_deal_search_trgm"
SEARCH_EXPRESSION = (
    "lower(title || ' ' || coalesce(company, '') || ' ' || coalesce(contact_name, ''))"
)


class Deal(UUIDPrimaryKey, Timestamps, Base):
    __tablename__ = "deal"
    __table_args__ = (
        Index(
            "uq_deal_workspace_source_external_id",
            "workspace_id",
            "source",
            "external_id",
            unique=True,
            postgresql_where=text("external_id is not null"),
        ),
        Index("ix_deal_workspace_created", "workspace_id", "created_at", "id"),
        Index("ix_deal_workspace_stage", "workspace_id", "stage_id"),
        Index("ix_deal_workspace_owner", "workspace_id", "owner_id"),
        Index("ix_deal_workspace_close_date", "workspace_id", "expected_close_date"),
        Index("ix_deal_workspace_amount", "workspace_id", "amount"),
        Index("ix_deal_workspace_closed_at", "workspace_id", "closed_at"),
        CheckConstraint("amount >= 0", name="amount_not_negative"),
        CheckConstraint(
            "probability_override is null or (probability_override between 0 and 100)",
            name="probability_override_range",
        ),
    )

    workspace_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("workspace.id", ondelete="CASCADE"))
    title: Mapped[str] = mapped_column(String(300))
    amount: Mapped[Decimal] = mapped_column(Numeric(18, 2))
    currency: Mapped[str] = mapped_column(String(3))
    stage_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("pipeline_stage.id"))
    probability_override: Mapped[Decimal | None] = mapped_column(Numeric(5, 2))
    expected_close_date: Mapped[date | None] = mapped_column(Date)
    contact_name: Mapped[str | None] = mapped_column(String(200))
    contact_email: Mapped[str | None] = mapped_column(String(320))
    company: Mapped[str | None] = mapped_column(String(200))
    source: Mapped[DealSource] = mapped_column(pg_enum(DealSource, "deal_source"))
    external_id: Mapped[str | None] = mapped_column(String(200))
    owner_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    closed_at: Mapped[datetime | None]
    lost_reason: Mapped[str | None] = mapped_column(String(500))
    # Kept in step with the history tables so list pages and risk features need no joins.
    stage_entered_at: Mapped[datetime]
    last_activity_at: Mapped[datetime | None]
    close_date_push_count: Mapped[int] = mapped_column(default=0, server_default="0")
    archived_at: Mapped[datetime | None]


class DealStageChange(UUIDPrimaryKey, Base):
    """A deal moved from one stage to another; the source of time-in-stage analytics."""

    __tablename__ = "deal_stage_change"
    __table_args__ = (
        Index("ix_deal_stage_change_deal", "deal_id", "changed_at"),
        Index("ix_deal_stage_change_workspace", "workspace_id", "changed_at"),
    )

    workspace_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("workspace.id", ondelete="CASCADE"))
    deal_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("deal.id", ondelete="CASCADE"))
    from_stage_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("pipeline_stage.id", ondelete="SET NULL")
    )
    to_stage_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("pipeline_stage.id", ondelete="SET NULL")
    )
    changed_at: Mapped[datetime]
    changed_by_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("user.id", ondelete="SET NULL")
    )
    source: Mapped[ChangeSource] = mapped_column(pg_enum(ChangeSource, "change_source"))


class DealCloseDateChange(UUIDPrimaryKey, Base):
    """The expected close date moved; pushes later than before are slips."""

    __tablename__ = "deal_close_date_change"
    __table_args__ = (
        Index("ix_deal_close_date_change_deal", "deal_id", "changed_at"),
        Index("ix_deal_close_date_change_workspace", "workspace_id", "changed_at"),
    )

    workspace_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("workspace.id", ondelete="CASCADE"))
    deal_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("deal.id", ondelete="CASCADE"))
    from_date: Mapped[date | None] = mapped_column(Date)
    to_date: Mapped[date | None] = mapped_column(Date)
    changed_at: Mapped[datetime]
    changed_by_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("user.id", ondelete="SET NULL")
    )
    source: Mapped[ChangeSource] = mapped_column(pg_enum(ChangeSource, "change_source"))
