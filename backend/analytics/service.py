"""Revenue analytics: pipeline by stage, funnel conversion, team performance and forecast.

SQL does the aggregation (see the repository); this module fills in empty stages and
periods, rounds money to cents and turns counts into rates.
"""

import uuid
from collections import defaultdict
from collections.abc import Iterable
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

from sqlalchemy.ext.asyncio import AsyncSession

from backend.analytics.outcomes import Outcomes, combine
from backend.analytics.periods import (
    WINDOW_MONTHS,
    Granularity,
    add_months,
    check_order,
    day_start,
    period_start,
    periods_between,
    resolve_range,
    today_utc,
)
from backend.analytics.repository import AnalyticsRepository, Sums, Won
from backend.analytics.schemas import (
    ConversionReport,
    DealSums,
    ForecastFigures,
    ForecastPeriod,
    ForecastReport,
    OwnerPerformance,
    PerformanceMetrics,
    PerformanceReport,
    PeriodPerformance,
    PipelineReport,
    PipelineStageStats,
    StageConversion,
)
from backend.analytics.stage_history import StageFlow, StageHistoryRepository
from backend.auth.deps import WorkspaceContext
from backend.db import session_factory
from backend.models import StageKind

CENT = Decimal("0.01")
NO_DEALS = Sums(0, Decimal(0), Decimal(0))
NOT_ENTERED = StageFlow(0, 0, None, None, 0)
NOTHING_WON = Won(0, Decimal(0))


def money(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def ratio(part: int, whole: int) -> float | None:
    return round(part / whole, 4) if whole else None


def rounded_days(days: float | None) -> float | None:
    return None if days is None else round(days, 2)


async def pipeline(
    session: AsyncSession,
    ctx: WorkspaceContext,
    *,
    include_closed: bool,
    owner_id: uuid.UUID | None,
) -> PipelineReport:
    repository = AnalyticsRepository(session)
    stages = await repository.stages(ctx.workspace_id)
    sums = await repository.pipeline_by_stage(
        ctx.workspace_id, include_closed=include_closed, owner_id=owner_id
    )
    shown = [s for s in stages if include_closed or s.kind == StageKind.open]
    rows = [
        PipelineStageStats(
            stage_id=stage.id,
            name=stage.name,
            kind=stage.kind,
            position=stage.position,
            probability=stage.probability,
            **_deal_sums(sums.get(stage.id, NO_DEALS)).model_dump(),
        )
        for stage in shown
    ]
    return PipelineReport(
        include_closed=include_closed,
        owner_id=owner_id,
        stages=rows,
        totals=_deal_sums(_add(sums.get(stage.id, NO_DEALS) for stage in shown)),
    )


async def conversion(
    session: AsyncSession,
    ctx: WorkspaceContext,
    *,
    start: date | None,
    end: date | None,
    owner_id: uuid.UUID | None,
) -> ConversionReport:
    if start is not None and end is not None:
        check_order(start, end)
    stages = await AnalyticsRepository(session).stages(ctx.workspace_id)
    flows = await StageHistoryRepository(session).stage_flow(
        ctx.workspace_id,
        start=day_start(start) if start else None,
        end=day_start(end + timedelta(days=1)) if end else None,
        owner_id=owner_id,
    )
    rows = []
    for stage in stages:
        flow = flows.get(stage.id, NOT_ENTERED)
        terminal = stage.kind != StageKind.open
        rows.append(
            StageConversion(
                stage_id=stage.id,
                name=stage.name,
                kind=stage.kind,
                position=stage.position,
                entered=flow.entered,
                advanced=None if terminal else flow.advanced,
                conversion_rate=None if terminal else ratio(flow.advanced, flow.entered),
                median_days=rounded_days(flow.median_days),
                p75_days=rounded_days(flow.p75_days),
                measured_stays=flow.measured_stays,
            )
        )
    return ConversionReport(start=start, end=end, owner_id=owner_id, stages=rows)


async def compact_stage_funnel() -> None:
    """Keep the whole-history funnel cheap to read: every stage change adds rows to its
    running totals, and this folds them (the worker runs it every minute)."""
    async with session_factory()() as session, session.begin():
        await StageHistoryRepository(session).compact_totals()


async def performance(
    session: AsyncSession,
    ctx: WorkspaceContext,
    *,
    group_by: Granularity,
    start: date | None,
    end: date | None,
    owner_id: uuid.UUID | None,
) -> PerformanceReport:
    this_period = period_start(today_utc(), group_by)
    default_start = add_months(this_period, group_by.months - WINDOW_MONTHS)
    start, end = resolve_range(start, end, default_start=default_start)
    repository = AnalyticsRepository(session)
    cells = await repository.closed_outcomes(
        ctx.workspace_id,
        start=day_start(start),
        end=day_start(end + timedelta(days=1)),
        granularity=group_by,
        owner_id=owner_id,
    )
    names = await repository.owner_names(
        ctx.workspace_id, {c.owner_id for c in cells if c.owner_id is not None}
    )

    def per_owner(outcomes: dict[uuid.UUID | None, Outcomes]) -> list[OwnerPerformance]:
        ranked = sorted(
            outcomes.items(), key=lambda o: (-o[1].won_amount, -o[1].won_count, str(o[0]))
        )
        return [
            OwnerPerformance(
                owner_id=owner,
                owner_name=names.get(owner) if owner else None,
                **_metrics(o).model_dump(),
            )
            for owner, o in ranked
        ]

    by_period: dict[date, dict[uuid.UUID | None, Outcomes]] = defaultdict(dict)
    by_owner: dict[uuid.UUID | None, list[Outcomes]] = defaultdict(list)
    for cell in cells:
        by_period[cell.period][cell.owner_id] = cell.outcomes
        by_owner[cell.owner_id].append(cell.outcomes)
    periods = [
        PeriodPerformance(
            label=p.label,
            start=p.start,
            end=p.end,
            owners=per_owner(by_period[p.key]),
            **_metrics(combine(by_period[p.key].values())).model_dump(),
        )
        for p in periods_between(start, end, group_by)
    ]
    return PerformanceReport(
        group_by=group_by,
        start=start,
        end=end,
        owner_id=owner_id,
        periods=periods,
        owners=per_owner({owner: combine(parts) for owner, parts in by_owner.items()}),
        totals=_metrics(combine(c.outcomes for c in cells)),
    )


async def forecast(
    session: AsyncSession,
    ctx: WorkspaceContext,
    *,
    group_by: Granularity,
    start: date | None,
    end: date | None,
    owner_id: uuid.UUID | None,
) -> ForecastReport:
    today = today_utc()
    start, end = resolve_range(start, end, default_start=period_start(today, Granularity.quarter))
    repository = AnalyticsRepository(session)
    won = await repository.won_by_period(
        ctx.workspace_id,
        start=day_start(start),
        end=day_start(end + timedelta(days=1)),
        granularity=group_by,
        owner_id=owner_id,
    )
    open_deals = await repository.open_by_close_date(
        ctx.workspace_id,
        start=start,
        end=end,
        today=today,
        granularity=group_by,
        owner_id=owner_id,
    )
    due = {row.period: row.sums for row in open_deals if row.bucket == "scheduled"}
    unplaced = {row.bucket: row.sums for row in open_deals if row.bucket != "scheduled"}
    cells = [
        (period, won.get(period.key, NOTHING_WON), due.get(period.key, NO_DEALS))
        for period in periods_between(start, end, group_by)
    ]
    return ForecastReport(
        group_by=group_by,
        start=start,
        end=end,
        as_of=today,
        owner_id=owner_id,
        periods=[
            ForecastPeriod(
                label=period.label,
                start=period.start,
                end=period.end,
                **_forecast_figures(period_won, period_due).model_dump(),
            )
            for period, period_won, period_due in cells
        ],
        totals=_forecast_figures(
            Won(
                sum(w.won_count for _, w, _ in cells),
                sum((w.won_amount for _, w, _ in cells), Decimal(0)),
            ),
            _add(d for _, _, d in cells),
        ),
        overdue=_deal_sums(unplaced.get("overdue", NO_DEALS)),
        unscheduled=_deal_sums(unplaced.get("unscheduled", NO_DEALS)),
    )


def _add(parts: Iterable[Sums]) -> Sums:
    total = NO_DEALS
    for part in parts:
        total = Sums(
            total.deal_count + part.deal_count,
            total.amount + part.amount,
            total.weighted_amount + part.weighted_amount,
        )
    return total


def _deal_sums(sums: Sums) -> DealSums:
    return DealSums(
        deal_count=sums.deal_count,
        amount=money(sums.amount),
        weighted_amount=money(sums.weighted_amount),
    )


def _metrics(outcomes: Outcomes) -> PerformanceMetrics:
    won = outcomes.won_count
    return PerformanceMetrics(
        won_count=won,
        lost_count=outcomes.lost_count,
        win_rate=ratio(won, won + outcomes.lost_count),
        won_amount=money(outcomes.won_amount),
        average_won_amount=money(outcomes.won_amount / won) if won else None,
        median_cycle_days=rounded_days(outcomes.median_cycle_days),
    )


def _forecast_figures(won: Won, due: Sums) -> ForecastFigures:
    return ForecastFigures(
        won_count=won.won_count,
        won_amount=money(won.won_amount),
        open_count=due.deal_count,
        open_amount=money(due.amount),
        weighted_amount=money(due.weighted_amount),
        forecast_amount=money(won.won_amount + due.weighted_amount),
        best_case_amount=money(won.won_amount + due.amount),
    )
