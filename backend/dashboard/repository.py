"""The dashboard's aggregates: set-based SQL over one workspace, never lists of deals.

Every statement filters on the workspace id, leaves archived deals out and applies the
page's filters (owner, deal source) through `_deal_filters`.
"""

import uuid
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import Date, Numeric, and_, case, cast, func, literal, or_, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from backend.dashboard.periods import Span
from backend.models import (
    Activity,
    ActivityType,
    Deal,
    DealSource,
    DealStageChange,
    Insight,
    InsightPriority,
    InsightSchedule,
    InsightStatus,
    InsightType,
    PipelineStage,
    StageKind,
    User,
    WorkspacePreference,
)

ONE_PERCENT = literal(Decimal("0.01"), Numeric)
OPEN_INSIGHT = (InsightStatus.new, InsightStatus.viewed)
# Won deals passed every open stage: they count as reaching beyond the last one.
WON_REACH = 1_000_000


@dataclass(frozen=True)
class Filters:
    owner_id: uuid.UUID | None = None
    source: DealSource | None = None


@dataclass(frozen=True)
class Sums:
    count: int
    amount: Decimal
    weighted: Decimal


@dataclass(frozen=True)
class Outcome:
    won_count: int
    won_amount: Decimal
    lost_count: int


@dataclass(frozen=True)
class MonthOutlook:
    """Open deals expected to close in a month: their amount, and the mean and variance of
    what they bring if each is won independently with its probability."""

    month: date
    open_amount: Decimal
    mean: Decimal
    variance: Decimal


def _deal_filters(workspace_id: uuid.UUID, filters: Filters) -> list[Any]:
    conditions = [Deal.workspace_id == workspace_id, Deal.archived_at.is_(None)]
    if filters.owner_id is not None:
        conditions.append(Deal.owner_id == filters.owner_id)
    if filters.source is not None:
        conditions.append(Deal.source == filters.source)
    return conditions


def _probability(stage: Any = PipelineStage) -> Any:
    return func.coalesce(Deal.probability_override, stage.probability) * ONE_PERCENT


def _month(column: Any) -> Any:
    return cast(func.date_trunc("month", func.timezone("UTC", column)), Date)


def _sums(row: Any) -> Sums:
    return Sums(int(row.count), Decimal(row.amount), Decimal(row.weighted))


class DashboardRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def main_currency(self, workspace_id: uuid.UUID) -> str | None:
        """The currency most of the workspace's deals are in (amounts are summed as-is)."""
        return await self.session.scalar(
            select(Deal.currency)
            .where(Deal.workspace_id == workspace_id)
            .group_by(Deal.currency)
            .order_by(func.count().desc(), Deal.currency)
            .limit(1)
        )

    async def open_pipeline(self, workspace_id: uuid.UUID, filters: Filters) -> Sums:
        """Open deals now: count, amount and weighted amount."""
        row = (
            await self.session.execute(
                select(
                    func.count(Deal.id).label("count"),
                    func.coalesce(func.sum(Deal.amount), 0).label("amount"),
                    func.coalesce(func.sum(Deal.amount * _probability()), 0).label("weighted"),
                )
                .join(PipelineStage, PipelineStage.id == Deal.stage_id)
                .where(*_deal_filters(workspace_id, filters), PipelineStage.kind == StageKind.open)
            )
        ).one()
        return _sums(row)

    async def open_pipeline_at(
        self, workspace_id: uuid.UUID, filters: Filters, moment: datetime
    ) -> Sums:
        """Open deals as they stood at `moment`: the stage from the history, today's amounts."""
        # Per deal alive at `moment`, its last move before it: one index probe each.
        stage_then = (
            select(DealStageChange.to_stage_id)
            .where(DealStageChange.deal_id == Deal.id, DealStageChange.changed_at < moment)
            .order_by(DealStageChange.changed_at.desc())
            .limit(1)
            .scalar_subquery()
        )
        alive = (
            select(Deal.amount, Deal.probability_override, stage_then.label("stage_id"))
            .where(
                *_deal_filters(workspace_id, filters),
                Deal.created_at < moment,
                or_(Deal.closed_at.is_(None), Deal.closed_at >= moment),
            )
            .subquery()
        )
        probability = (
            func.coalesce(alive.c.probability_override, PipelineStage.probability) * ONE_PERCENT
        )
        row = (
            await self.session.execute(
                select(
                    func.count().label("count"),
                    func.coalesce(func.sum(alive.c.amount), 0).label("amount"),
                    func.coalesce(func.sum(alive.c.amount * probability), 0).label("weighted"),
                )
                .select_from(alive)
                .join(PipelineStage, PipelineStage.id == alive.c.stage_id)
                .where(PipelineStage.kind == StageKind.open)
            )
        ).one()
        return _sums(row)

    async def outcomes(
        self, workspace_id: uuid.UUID, filters: Filters, spans: list[Span]
    ) -> list[Outcome]:
        """Won and lost deals closed in each span (one row per span, in order)."""
        columns: list[Any] = []
        for n, span in enumerate(spans):
            inside = and_(Deal.closed_at >= span.starts_at, Deal.closed_at < span.ends_before)
            won = and_(inside, PipelineStage.kind == StageKind.won)
            lost = and_(inside, PipelineStage.kind == StageKind.lost)
            columns += [
                func.count(Deal.id).filter(won).label(f"won_count_{n}"),
                func.coalesce(func.sum(Deal.amount).filter(won), 0).label(f"won_amount_{n}"),
                func.count(Deal.id).filter(lost).label(f"lost_count_{n}"),
            ]
        first = min(span.starts_at for span in spans)
        last = max(span.ends_before for span in spans)
        row = (
            (
                await self.session.execute(
                    select(*columns)
                    .join(PipelineStage, PipelineStage.id == Deal.stage_id)
                    .where(
                        *_deal_filters(workspace_id, filters),
                        Deal.closed_at >= first,
                        Deal.closed_at < last,
                    )
                )
            )
            .one()
            ._mapping
        )
        return [
            Outcome(
                int(row[f"won_count_{n}"]),
                Decimal(row[f"won_amount_{n}"]),
                int(row[f"lost_count_{n}"]),
            )
            for n in range(len(spans))
        ]

    async def won_by_month(
        self, workspace_id: uuid.UUID, filters: Filters, span: Span
    ) -> dict[date, Decimal]:
        month = _month(Deal.closed_at).label("month")
        rows = await self.session.execute(
            select(month, func.sum(Deal.amount).label("amount"))
            .join(PipelineStage, PipelineStage.id == Deal.stage_id)
            .where(
                *_deal_filters(workspace_id, filters),
                PipelineStage.kind == StageKind.won,
                Deal.closed_at >= span.starts_at,
                Deal.closed_at < span.ends_before,
            )
            .group_by(month)
        )
        return {row.month: Decimal(row.amount) for row in rows}

    async def open_outlook(
        self, workspace_id: uuid.UUID, filters: Filters, span: Span, today: date
    ) -> list[MonthOutlook]:
        """Open deals by the month they are expected to close in; overdue ones count in the
        current month (they may still close any day), undated ones nowhere."""
        overdue = Deal.expected_close_date < today
        month = case(
            (overdue, cast(func.date_trunc("month", literal(today, Date)), Date)),
            else_=cast(func.date_trunc("month", Deal.expected_close_date), Date),
        ).label("month")
        p = _probability()
        rows = await self.session.execute(
            select(
                month,
                func.sum(Deal.amount).label("open_amount"),
                func.sum(Deal.amount * p).label("mean"),
                func.sum(Deal.amount * Deal.amount * p * (1 - p)).label("variance"),
            )
            .join(PipelineStage, PipelineStage.id == Deal.stage_id)
            .where(
                *_deal_filters(workspace_id, filters),
                PipelineStage.kind == StageKind.open,
                Deal.expected_close_date.is_not(None),
                or_(overdue, Deal.expected_close_date >= span.start),
                Deal.expected_close_date <= span.end,
            )
            .group_by(month)
        )
        return [
            MonthOutlook(
                row.month, Decimal(row.open_amount), Decimal(row.mean), Decimal(row.variance)
            )
            for row in rows
            if span.contains(row.month) or span.start.replace(day=1) == row.month
        ]

    async def pipeline_by_stage(self, workspace_id: uuid.UUID, filters: Filters) -> list[Any]:
        """Every open stage in order, with its open deals' count, amount and weighted amount."""
        stage = aliased(PipelineStage)
        sums = (
            select(
                Deal.stage_id,
                func.count(Deal.id).label("count"),
                func.sum(Deal.amount).label("amount"),
                func.sum(Deal.amount * _probability(stage)).label("weighted"),
            )
            .join(stage, stage.id == Deal.stage_id)
            .where(*_deal_filters(workspace_id, filters))
            .group_by(Deal.stage_id)
            .subquery()
        )
        rows = await self.session.execute(
            select(
                PipelineStage.id,
                PipelineStage.name,
                func.coalesce(sums.c.count, 0).label("count"),
                func.coalesce(sums.c.amount, 0).label("amount"),
                func.coalesce(sums.c.weighted, 0).label("weighted"),
            )
            .outerjoin(sums, sums.c.stage_id == PipelineStage.id)
            .where(
                PipelineStage.workspace_id == workspace_id,
                PipelineStage.kind == StageKind.open,
            )
            .order_by(PipelineStage.position, PipelineStage.id)
        )
        return list(rows)

    async def funnel(self, workspace_id: uuid.UUID, filters: Filters, span: Span) -> list[Any]:
        """Deals created in the span: how many reached each open stage, and won."""
        cohort_ids = select(Deal.id).where(
            *_deal_filters(workspace_id, filters),
            Deal.created_at >= span.starts_at,
            Deal.created_at < span.ends_before,
        )
        visits = (
            select(DealStageChange.deal_id, DealStageChange.to_stage_id.label("stage_id"))
            .where(DealStageChange.deal_id.in_(cohort_ids))
            .union_all(
                select(Deal.id.label("deal_id"), Deal.stage_id).where(Deal.id.in_(cohort_ids))
            )
            .subquery()
        )
        visited = aliased(PipelineStage)
        reach = func.max(
            case(
                (visited.kind == StageKind.won, WON_REACH),
                (visited.kind == StageKind.open, visited.position),
                else_=-1,
            )
        )
        cohort = (
            select(visits.c.deal_id.label("id"), reach.label("reach"))
            .join(visited, visited.id == visits.c.stage_id)
            .group_by(visits.c.deal_id)
            .subquery()
        )
        needed = case(
            (PipelineStage.kind == StageKind.won, WON_REACH), else_=PipelineStage.position
        )
        rows = await self.session.execute(
            select(
                PipelineStage.name,
                PipelineStage.kind,
                func.count(cohort.c.id).filter(cohort.c.reach >= needed).label("reached"),
            )
            .outerjoin(cohort, literal(True))
            .where(
                PipelineStage.workspace_id == workspace_id,
                PipelineStage.kind.in_([StageKind.open, StageKind.won]),
            )
            .group_by(PipelineStage.id)
            .order_by(needed, PipelineStage.id)
        )
        return list(rows)

    async def activity_volume(
        self, workspace_id: uuid.UUID, filters: Filters, span: Span
    ) -> list[Any]:
        """People's activities (not system entries) in the span, by owner and type."""
        conditions = [
            Activity.workspace_id == workspace_id,
            Activity.type != ActivityType.system,
            Activity.occurred_at >= span.starts_at,
            Activity.occurred_at < span.ends_before,
        ]
        if filters.owner_id is not None:
            conditions.append(Activity.owner_id == filters.owner_id)
        if filters.source is not None:
            conditions.append(Activity.source == filters.source)
        counts = (
            select(Activity.owner_id, Activity.type, func.count().label("count"))
            .where(*conditions)
            .group_by(Activity.owner_id, Activity.type)
            .subquery()
        )
        # Names after counting: a few dozen joins instead of one per activity.
        rows = await self.session.execute(
            select(
                counts.c.owner_id,
                func.coalesce(User.name, "Unassigned").label("owner_name"),
                counts.c.type,
                counts.c.count,
            ).outerjoin(User, User.id == counts.c.owner_id)
        )
        return list(rows)

    async def at_risk_deals(
        self, workspace_id: uuid.UUID, filters: Filters, limit: int
    ) -> list[Any]:
        """Open deals with an open risk insight, most urgent (then largest) first."""
        rank = case(
            (Insight.priority == InsightPriority.critical, 4),
            (Insight.priority == InsightPriority.high, 3),
            (Insight.priority == InsightPriority.medium, 2),
            else_=1,
        )
        rows = await self.session.execute(
            select(
                Insight.id.label("insight_id"),
                Insight.title,
                Insight.priority,
                Deal.id.label("deal_id"),
                Deal.title.label("deal_title"),
                Deal.amount,
                Deal.currency,
            )
            .join(Deal, Deal.id == Insight.deal_id)
            .join(PipelineStage, PipelineStage.id == Deal.stage_id)
            .where(
                Insight.workspace_id == workspace_id,
                Insight.type == InsightType.risk,
                Insight.status.in_(OPEN_INSIGHT),
                PipelineStage.kind == StageKind.open,
                *_deal_filters(workspace_id, filters),
            )
            .order_by(rank.desc(), Deal.amount.desc(), Insight.id)
            .limit(limit * 4)
        )
        # One row per deal: its most urgent signal.
        seen: set[uuid.UUID] = set()
        result = []
        for row in sorted(rows, key=lambda r: (-_RANK[r.priority], -r.amount, str(r.insight_id))):
            if row.deal_id not in seen:
                seen.add(row.deal_id)
                result.append(row)
        return result[:limit]

    async def newest_insights(self, workspace_id: uuid.UUID, limit: int) -> list[Insight]:
        rows = await self.session.scalars(
            select(Insight)
            .where(Insight.workspace_id == workspace_id, Insight.status.in_(OPEN_INSIGHT))
            .order_by(Insight.created_at.desc(), Insight.id.desc())
            .limit(limit)
        )
        return list(rows)


_RANK = {
    InsightPriority.critical: 4,
    InsightPriority.high: 3,
    InsightPriority.medium: 2,
    InsightPriority.low: 1,
}


class PreferenceRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def get(self, workspace_id: uuid.UUID) -> WorkspacePreference | None:
        return await self.session.get(WorkspacePreference, workspace_id)

    async def get_or_add(self, workspace_id: uuid.UUID) -> WorkspacePreference:
        found = await self.get(workspace_id)
        if found is not None:
            return found
        preference = WorkspacePreference(
            workspace_id=workspace_id, insight_schedule=InsightSchedule.daily.value
        )
        self.session.add(preference)
        await self.session.flush()
        return preference
