"""The dashboard: a handful of aggregate queries shaped into cards, charts and lists."""

import math
import uuid
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from backend.analytics.periods import add_months, today_utc
from backend.auth.deps import WorkspaceContext
from backend.dashboard import periods
from backend.dashboard.periods import PeriodKind, Span
from backend.dashboard.repository import (
    DashboardRepository,
    Filters,
    MonthOutlook,
    Outcome,
    PreferenceRepository,
)
from backend.dashboard.schemas import (
    AtRiskDeal,
    Cards,
    CountedMoneyCard,
    Dashboard,
    ForecastCard,
    ForecastMonth,
    FunnelStep,
    InsightBrief,
    MoneyCard,
    OwnerActivity,
    PeriodInfo,
    PreferencesRead,
    PreferencesUpdate,
    RateCard,
    StageBar,
    WonMonth,
)
from backend.models import InsightSchedule

CENT = Decimal("0.01")
# The 10th/90th percentiles of a normal lie 1.2816 standard deviations from its median.
Z_80 = 1.2815515655446004
ATTENTION_ITEMS = 5
DEFAULT_CURRENCY = "USD"
ACTIVITY_OWNERS = 8


def _money(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def _change(value: Decimal, previous: Decimal) -> float | None:
    if previous == 0:
        return None
    return round(float((value - previous) / previous), 4)


def _rate(won: int, lost: int) -> float | None:
    return round(won / (won + lost), 4) if won + lost else None


def _month_label(month: date) -> str:
    return month.strftime("%b %Y")


async def dashboard(
    session: AsyncSession,
    ctx: WorkspaceContext,
    *,
    kind: PeriodKind,
    filters: Filters,
    today: date | None = None,
) -> Dashboard:
    """Everything the dashboard shows for the period containing `today` (UTC)."""
    today = today or today_utc()
    repo = DashboardRepository(session)
    ws = ctx.workspace_id
    span = periods.current_span(kind, today)
    previous = periods.previous_span(kind, span)
    preference = await PreferenceRepository(session).get(ws)
    target = preference.monthly_target if preference is not None else None

    currency = await repo.main_currency(ws)
    open_now = await repo.open_pipeline(ws, filters)
    open_then = await repo.open_pipeline_at(ws, filters, span.starts_at)
    current, before = await repo.outcomes(ws, filters, [span, previous])
    outlook = await repo.open_outlook(ws, filters, span, today) if span.end >= today else []
    won_in_span = await repo.won_by_month(ws, filters, span)
    forecast = _forecast(current.won_amount, outlook)

    # Twelve months up to the current one (or the period's last, for a past period).
    trend_end = min(span.end, today)
    trend_span = Span(add_months(trend_end.replace(day=1), -11), trend_end)
    won_trend = await repo.won_by_month(ws, filters, trend_span)

    cards = Cards(
        open_pipeline=CountedMoneyCard(
            value=_money(open_now.amount),
            previous=_money(open_then.amount),
            change=_change(open_now.amount, open_then.amount),
            count=open_now.count,
        ),
        weighted_pipeline=MoneyCard(
            value=_money(open_now.weighted),
            previous=_money(open_then.weighted),
            change=_change(open_now.weighted, open_then.weighted),
        ),
        won=CountedMoneyCard(
            value=_money(current.won_amount),
            previous=_money(before.won_amount),
            change=_change(current.won_amount, before.won_amount),
            count=current.won_count,
        ),
        win_rate=_win_rate(current.won_count, current.lost_count, before),
        forecast=ForecastCard(
            **forecast,
            won=_money(current.won_amount),
            previous=_money(before.won_amount),
            change=_change(forecast["p50"], before.won_amount),
        ),
    )
    return Dashboard(
        period=PeriodInfo(
            kind=kind,
            label=periods.label(kind, span),
            start=span.start,
            end=span.end,
            previous_start=previous.start,
            previous_end=previous.end,
        ),
        owner_id=filters.owner_id,
        source=filters.source,
        has_deals=currency is not None,
        currency=currency or DEFAULT_CURRENCY,
        cards=cards,
        pipeline_by_stage=[
            StageBar(
                stage=row.name,
                count=row.count,
                amount=_money(Decimal(row.amount)),
                weighted=_money(Decimal(row.weighted)),
            )
            for row in await repo.pipeline_by_stage(ws, filters)
        ],
        forecast_by_month=_forecast_months(span, won_in_span, outlook, target),
        won_trend=[
            WonMonth(month=_month_label(m), won=_money(won_trend.get(m, Decimal(0))))
            for m in trend_span.months()
        ],
        funnel=_funnel(await repo.funnel(ws, filters, span)),
        activity_by_owner=_activity(await repo.activity_volume(ws, filters, span)),
        at_risk=[
            AtRiskDeal(
                deal_id=row.deal_id,
                title=row.deal_title,
                amount=row.amount,
                currency=row.currency,
                signal=row.title,
                priority=row.priority,
                insight_id=row.insight_id,
            )
            for row in await repo.at_risk_deals(ws, filters, ATTENTION_ITEMS)
        ],
        newest_insights=[
            InsightBrief.model_validate(insight)
            for insight in await repo.newest_insights(ws, ATTENTION_ITEMS)
        ],
    )


def _win_rate(won: int, lost: int, before: Outcome) -> RateCard:
    value, previous = _rate(won, lost), _rate(before.won_count, before.lost_count)
    change = round(value - previous, 4) if value is not None and previous is not None else None
    return RateCard(value=value, previous=previous, change=change, won=won, lost=lost)


def _forecast(won: Decimal, outlook: list[MonthOutlook]) -> dict[str, Decimal]:
    """Won so far plus open deals due in the period, each won independently with its
    probability: by the central limit theorem the sum is close to normal, so P50 is the
    mean and P10/P90 lie 1.28 standard deviations either side (clipped to what is possible)."""
    mean = sum((m.mean for m in outlook), Decimal(0))
    spread = Decimal(str(Z_80 * math.sqrt(float(sum((m.variance for m in outlook), 0)))))
    due = sum((m.open_amount for m in outlook), Decimal(0))
    return {
        "p10": _money(won + max(Decimal(0), mean - spread)),
        "p50": _money(won + mean),
        "p90": _money(won + min(due, mean + spread)),
    }


def _forecast_months(
    span: Span,
    won: dict[date, Decimal],
    outlook: list[MonthOutlook],
    target: Decimal | None,
) -> list[ForecastMonth]:
    expected = {m.month: m.mean for m in outlook}
    return [
        ForecastMonth(
            month=_month_label(month),
            won=_money(won.get(month, Decimal(0))),
            forecast=_money(won.get(month, Decimal(0)) + expected.get(month, Decimal(0))),
            target=target,
        )
        for month in span.months()
    ]


def _funnel(rows: list[Any]) -> list[FunnelStep]:
    steps: list[FunnelStep] = []
    before: int | None = None
    for row in rows:
        conversion: float | None = round(row.reached / before, 4) if before else None
        steps.append(FunnelStep(stage=row.name, deals=row.reached, conversion=conversion))
        before = row.reached
    return steps


def _activity(rows: list[Any]) -> list[OwnerActivity]:
    owners: dict[uuid.UUID | None, OwnerActivity] = {}
    for row in rows:
        owner = owners.setdefault(row.owner_id, OwnerActivity(owner=row.owner_name))
        setattr(owner, row.type.value, getattr(owner, row.type.value) + row.count)
        owner.total += row.count
    ranked = sorted(owners.values(), key=lambda o: (-o.total, o.owner))
    return ranked[:ACTIVITY_OWNERS]


async def preferences(session: AsyncSession, ctx: WorkspaceContext) -> PreferencesRead:
    found = await PreferenceRepository(session).get(ctx.workspace_id)
    if found is None:
        return PreferencesRead(monthly_target=None, insight_schedule=InsightSchedule.daily)
    return PreferencesRead.model_validate(found)


async def update_preferences(
    session: AsyncSession, ctx: WorkspaceContext, body: PreferencesUpdate
) -> PreferencesRead:
    preference = await PreferenceRepository(session).get_or_add(ctx.workspace_id)
    if "monthly_target" in body.model_fields_set:
        preference.monthly_target = body.monthly_target
    if body.insight_schedule is not None:
        preference.insight_schedule = body.insight_schedule.value
    await session.flush()
    return PreferencesRead.model_validate(preference)
