import uuid
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import CheckConstraint, Date, Float, ForeignKey, Index, Numeric, String, Uuid, text
from sqlalchemy.dialects.postgresql import ARRAY
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
        # The list's default order, and its count without reading the table (index-only).
        Index(
            "ix_deal_workspace_live",
            "workspace_id",
            "created_at",
            "id",
            postgresql_where=text("archived_at is null"),
        ),
        Index("ix_deal_workspace_stage", "workspace_id", "stage_id"),
        # Pipeline and forecast sums, and list counts by status, from the index alone.
        Index(
            "ix_deal_workspace_stage_live",
            "workspace_id",
            "stage_id",
            postgresql_include=[
                "amount",
                "probability_override",
                "expected_close_date",
                "owner_id",
            ],
            postgresql_where=text("archived_at is null"),
        ),
        Index("ix_deal_workspace_owner", "workspace_id", "owner_id"),
        Index("ix_deal_workspace_close_date", "workspace_id", "expected_close_date"),
        Index("ix_deal_workspace_amount", "workspace_id", "amount"),
        Index("ix_deal_workspace_closed_at", "workspace_id", "closed_at"),
        # Won/lost analytics read closed deals from this index alone (index-only scans).
        Index(
            "ix_deal_workspace_closed_live",
            "workspace_id",
            "closed_at",
            postgresql_include=["stage_id", "owner_id", "amount", "created_at"],
            postgresql_where=text("archived_at is null and closed_at is not null"),
        ),
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


class DealStageStay(Base):
    """One stay of a deal in a stage, derived from its stage history by the database.

    Rows are written only by the triggers of migration 7c1a0e5f3b21 (function
    `refresh_deal_stage_stays`): every insert, update or delete of stage changes, and every
    deal insert or change of its stage, owner, creation time or archival, recomputes the
    deal's stays, whoever wrote it (the API, imports, syncs, bulk COPY). Funnel analytics
    then read one covering index instead of running window functions over all history.
    """

    __tablename__ = "deal_stage_stay"
    __table_args__ = (
        Index(
            "ix_deal_stage_stay_funnel",
            "workspace_id",
            "stage_id",
            "days",
            postgresql_include=["entered_at", "first_visit", "owner_id", "reached_after"],
            postgresql_where=text("not archived"),
        ),
        # A period's funnel: the stays entered in it, without reading the rest.
        Index(
            "ix_deal_stage_stay_entered",
            "workspace_id",
            "stage_id",
            "entered_at",
            postgresql_include=["days", "first_visit", "owner_id", "reached_after"],
            postgresql_where=text("not archived"),
        ),
    )

    deal_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("deal.id", ondelete="CASCADE"), primary_key=True
    )
    # 0: the stay the history starts from (creation, or before an untracked first change);
    # n: the stay opened by the deal's n-th stage change in time order.
    seq: Mapped[int] = mapped_column(primary_key=True)
    workspace_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("workspace.id", ondelete="CASCADE"))
    stage_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("pipeline_stage.id", ondelete="CASCADE"))
    owner_id: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    archived: Mapped[bool]
    entered_at: Mapped[datetime]
    left_at: Mapped[datetime | None]
    # Length of a completed stay in days (left_at - entered_at); None while still in it.
    days: Mapped[float | None] = mapped_column(Float)
    # The deal's first stay in this stage (later returns do not count as entries).
    first_visit: Mapped[bool]
    # For first visits: the stages the deal entered afterwards, to tell whether it advanced.
    reached_after: Mapped[list[uuid.UUID] | None] = mapped_column(ARRAY(Uuid))
