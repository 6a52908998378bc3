"""The simulated forecast and deal win probabilities, computed live by the AI core's engine.

The backend snapshots the workspace in SQL (as for an insight run) and the AI core trains the
workspace's win model, simulates and scores; no LLM is involved.
"""

import uuid
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any, TypeVar

from pydantic import BaseModel
from sqlalchemy.ext.asyncio import AsyncSession

from backend.analytics.periods import Granularity, add_months, period_start, periods_between
from backend.auth.deps import WorkspaceContext
from backend.insights import snapshot
from backend.insights.ai_core_client import AICoreError, post_snapshot
from backend.insights.outlook_repository import OutlookRepository
from backend.insights.outlook_schemas import (
    CoreForecast,
    CoreScores,
    CoreSpan,
    DealWinProbability,
    ForecastSpan,
    SimulatedForecast,
)
from backend.models import StageKind
from kit.errors import NotFound, ServiceUnavailable

M = TypeVar("M", bound=BaseModel)
FORECAST_PATH = "/v1/insights/forecast"
SCORE_PATH = "/v1/insights/score"
# How far each view looks: this quarter by month, or four quarters from this one.
HORIZON_MONTHS = {Granularity.month: 3, Granularity.quarter: 12}
METHOD = (
    "Each open deal is won with its win probability ({source}) times the chance that it "
    "closes inside the span, from its expected close date and how late this workspace's won "
    "deals have closed against theirs (past-due and undated deals included). {simulations:,} "
    "simulations of every deal give the spread: P10 is reached in 9 of 10 simulated futures, "
    "P90 in 1 of 10. Revenue already won in the span is added to every simulation. The "
    "weighted pipeline is the usual CRM figure: amount x stage probability of the deals due "
    "in the span, plus what is won."
)


async def simulated_forecast(
    session: AsyncSession, ctx: WorkspaceContext, *, group_by: Granularity
) -> SimulatedForecast:
    """P10/P50/P90 for this quarter by month, or the next four quarters by quarter."""
    as_of = datetime.now(UTC)
    start = period_start(as_of.date(), Granularity.quarter)
    end = add_months(start, HORIZON_MONTHS[group_by]) - timedelta(days=1)
    spans = periods_between(start, end, group_by)
    quarters = periods_between(start, end, Granularity.quarter)
    first, last = quarters[0].label, quarters[-1].label
    label = first if first == last else f"{first}..{last}"
    monthly = await OutlookRepository(session).monthly_target(ctx.workspace_id)
    built = await snapshot.build(
        session,
        ctx.workspace_id,
        run_id=None,
        as_of=as_of,
        period=snapshot.Period(start, end, label),
        with_funnel=False,
        reuse_training=True,
    )
    payload = {
        **built.payload,
        "spans": [
            {"start": s.start.isoformat(), "end": s.end.isoformat(), "label": s.label}
            for s in spans
        ],
        "target": str(monthly * HORIZON_MONTHS[group_by]) if monthly is not None else None,
    }
    core = await _ask(FORECAST_PATH, payload, CoreForecast)
    months_each = group_by.months
    return SimulatedForecast(
        group_by=group_by,
        as_of=core.as_of,
        currency=core.currency,
        period=_span(core.period, core.target),
        spans=[
            _span(s, monthly * months_each if monthly is not None else None) for s in core.spans
        ],
        coverage=core.coverage,
        chance_to_hit_target=core.chance_to_hit_target,
        simulations=core.simulations,
        open_deals=core.open_deals,
        win_model=core.win_model,
        method=METHOD.format(
            source="learned from this workspace's closed deals"
            if core.win_model.source == "model"
            else "its stage's probability",
            simulations=core.simulations,
        ),
    )


async def deal_win_probability(
    session: AsyncSession, ctx: WorkspaceContext, deal_id: uuid.UUID
) -> DealWinProbability:
    """The deal's win probability with its top factors; closed deals are not scored."""
    found = await OutlookRepository(session).deal_stage_kind(ctx.workspace_id, deal_id)
    if found is None:
        raise NotFound("Deal not found.")
    if found.kind != StageKind.open:
        return DealWinProbability(
            deal_id=deal_id,
            is_open=False,
            probability=None,
            source=None,
            stage_probability=None,
            factors=[],
            win_model=None,
        )
    built = await snapshot.build(
        session,
        ctx.workspace_id,
        run_id=None,
        as_of=datetime.now(UTC),
        deal_id=deal_id,
        with_funnel=False,
        reuse_training=True,
    )
    core = await _ask(SCORE_PATH, built.payload, CoreScores)
    [score] = [s for s in core.scores if s.deal_id == str(deal_id)]
    return DealWinProbability(
        deal_id=deal_id,
        is_open=True,
        probability=score.probability,
        source=score.source,
        stage_probability=score.stage_probability,
        factors=score.factors,
        win_model=core.win_model,
    )


async def _ask(path: str, payload: dict[str, Any], answer: type[M]) -> M:
    try:
        return (await post_snapshot(path, payload, answer))[0]
    except AICoreError as exc:
        raise ServiceUnavailable("The AI core could not compute this; try again shortly.") from exc


def _span(span: CoreSpan, target: Decimal | None) -> ForecastSpan:
    return ForecastSpan(**span.model_dump(), target=target)
