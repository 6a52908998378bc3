"""Analytics queries: set-based SQL over a workspace's deals and stages (history: stage_history).

Every statement filters on the workspace id and leaves archived deals out.
"""

import uuid
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    Date,
    DateTime,
    Float,
    Numeric,
    and_,
    case,
    cast,
    func,
    literal,
    or_,
    select,
)
from sqlalchemy.ext.asyncio import AsyncSession

from backend.analytics.periods import Granularity
from backend.models import Deal, PipelineStage, StageKind, User

SECONDS_PER_DAY = 86400.0
# Multiplying by 0.01 keeps numeric math exact; dividing by 100 may round large sums.
ONE_PERCENT = literal(Decimal("0.01"), Numeric)


@dataclass(frozen=True)
class Sums:
    deal_count: int
    amount: Decimal
    weighted_amount: Decimal  # exact, not yet rounded to cents


@dataclass(frozen=True)
class Won:
    won_count: int
    won_amount: Decimal


@dataclass(frozen=True)
class Outcomes:
    """Closed deals of one (period, owner) cell; None keys are rolled up ("all")."""

    period: date | None
    owner_id: uuid.UUID | None
    all_periods: bool
    all_owners: bool
    won_count: int
    lost_count: int
    won_amount: Decimal
    median_cycle_days: float | None


@dataclass(frozen=True)
class OpenByCloseDate:
    bucket: str  # "scheduled", "overdue" or "unscheduled"
    period: date | None  # set for "scheduled" only
    sums: Sums


def _weighted_amount() -> Any:
    probability = func.coalesce(Deal.probability_override, PipelineStage.probability)
    return Deal.amount * (probability * ONE_PERCENT)


def _sums_columns() -> list[Any]:
    return [
        func.count(Deal.id).label("deal_count"),
        func.coalesce(func.sum(Deal.amount), 0).label("amount"),
        func.coalesce(func.sum(_weighted_amount()), 0).label("weighted_amount"),
    ]


def _sums(row: Any) -> Sums:
    return Sums(row.deal_count, Decimal(row.amount), Decimal(row.weighted_amount))


def _utc_period(column: Any, granularity: Granularity) -> Any:
    return cast(func.date_trunc(granularity.value, func.timezone("UTC", column)), Date)


def days_between(start: Any, end: Any) -> Any:
    return cast(func.extract("epoch", end - start), Float) / SECONDS_PER_DAY


class AnalyticsRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def stages(self, workspace_id: uuid.UUID) -> list[PipelineStage]:
        rows = await self.session.scalars(
            select(PipelineStage)
            .where(PipelineStage.workspace_id == workspace_id)
            .order_by(PipelineStage.position, PipelineStage.created_at, PipelineStage.id)
        )
        return list(rows.all())

    async def owner_names(
        self, workspace_id: uuid.UUID, owner_ids: set[uuid.UUID]
    ) -> dict[uuid.UUID, str]:
        if not owner_ids:
            return {}
        # Only people who own a deal of this workspace: no names from elsewhere.
        owns_here = (
            select(Deal.id)
            .where(Deal.workspace_id == workspace_id, Deal.owner_id == User.id)
            .exists()
        )
        rows = await self.session.execute(
            select(User.id, User.name).where(User.id.in_(owner_ids), owns_here)
        )
        return {row.id: row.name for row in rows}

    async def pipeline_by_stage(
        self, workspace_id: uuid.UUID, *, include_closed: bool, owner_id: uuid.UUID | None
    ) -> dict[uuid.UUID, Sums]:
        query = self._deals_with_stage(
            workspace_id, owner_id, *_sums_columns(), PipelineStage.id
        ).group_by(PipelineStage.id)
        if not include_closed:
            query = query.where(PipelineStage.kind == StageKind.open)
        return {row.id: _sums(row) for row in await self.session.execute(query)}

    async def closed_outcomes(
        self,
        workspace_id: uuid.UUID,
        *,
        start: datetime,
        end: datetime,
        granularity: Granularity,
        owner_id: uuid.UUID | None,
    ) -> list[Outcomes]:
        """Won/lost deals closed in [start, end), per period x owner, with every roll-up."""
        closed = (
            self._deals_with_stage(
                workspace_id,
                owner_id,
                _utc_period(Deal.closed_at, granularity).label("period"),
                Deal.owner_id,
                PipelineStage.kind,
                Deal.amount,
                days_between(Deal.created_at, Deal.closed_at).label("cycle_days"),
            )
            .where(
                PipelineStage.kind.in_([StageKind.won, StageKind.lost]),
                Deal.closed_at >= start,
                Deal.closed_at < end,
            )
            .subquery()
        )
        won = closed.c.kind == StageKind.won
        query = select(
            closed.c.period,
            closed.c.owner_id,
            func.grouping(closed.c.period).label("all_periods"),
            func.grouping(closed.c.owner_id).label("all_owners"),
            func.count().filter(won).label("won_count"),
            func.count().filter(closed.c.kind == StageKind.lost).label("lost_count"),
            func.coalesce(func.sum(closed.c.amount).filter(won), 0).label("won_amount"),
            func.percentile_cont(0.5)
            .within_group(case((won, closed.c.cycle_days)))
            .label("median_cycle_days"),
        ).group_by(func.cube(closed.c.period, closed.c.owner_id))
        return [
            Outcomes(
                period=row.period,
                owner_id=row.owner_id,
                all_periods=bool(row.all_periods),
                all_owners=bool(row.all_owners),
                won_count=row.won_count,
                lost_count=row.lost_count,
                won_amount=Decimal(row.won_amount),
                median_cycle_days=row.median_cycle_days,
            )
            for row in await self.session.execute(query)
        ]

    async def won_by_period(
        self,
        workspace_id: uuid.UUID,
        *,
        start: datetime,
        end: datetime,
        granularity: Granularity,
        owner_id: uuid.UUID | None,
    ) -> dict[date, Won]:
        period = _utc_period(Deal.closed_at, granularity).label("period")
        query = (
            self._deals_with_stage(
                workspace_id,
                owner_id,
                period,
                func.count(Deal.id).label("won_count"),
                func.sum(Deal.amount).label("won_amount"),
            )
            .where(
                PipelineStage.kind == StageKind.won,
                Deal.closed_at >= start,
                Deal.closed_at < end,
            )
            .group_by(period)
        )
        return {
            row.period: Won(row.won_count, Decimal(row.won_amount))
            for row in await self.session.execute(query)
        }

    async def open_by_close_date(
        self,
        workspace_id: uuid.UUID,
        *,
        start: date,
        end: date,
        today: date,
        granularity: Granularity,
        owner_id: uuid.UUID | None,
    ) -> list[OpenByCloseDate]:
        """Open deals due in [start, end] from today on, plus every overdue and undated one."""
        close = Deal.expected_close_date
        bucket = case(
            (close.is_(None), "unscheduled"), (close < today, "overdue"), else_="scheduled"
        ).label("bucket")
        period = case(
            (close >= today, cast(func.date_trunc(granularity.value, cast(close, DateTime)), Date))
        ).label("period")
        query = (
            self._deals_with_stage(workspace_id, owner_id, bucket, period, *_sums_columns())
            .where(
                PipelineStage.kind == StageKind.open,
                or_(close.is_(None), close < today, close.between(start, end)),
            )
            .group_by(bucket, period)
        )
        return [
            OpenByCloseDate(row.bucket, row.period, _sums(row))
            for row in await self.session.execute(query)
        ]

    def _deals_with_stage(
        self, workspace_id: uuid.UUID, owner_id: uuid.UUID | None, *columns: Any
    ) -> Any:
        query = (
            select(*columns)
            .select_from(Deal)
            .join(
                PipelineStage,
                and_(
                    PipelineStage.id == Deal.stage_id,
                    PipelineStage.workspace_id == Deal.workspace_id,
                ),
            )
            .where(Deal.workspace_id == workspace_id, Deal.archived_at.is_(None))
        )
        if owner_id is not None:
            query = query.where(Deal.owner_id == owner_id)
        return query
