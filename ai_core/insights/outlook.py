"""The forecast by span and win scores for a few deals, from the same engine as the insights.

Nothing here calls Claude: these are the numbers behind the Forecast page and a deal's page.
"""

from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from ai_core.analytics import DealFrame, Outlook, WinModel, close_timing, forecast
from ai_core.analytics import WonDeal as EngineWonDeal
from ai_core.insights import model_cache
from ai_core.insights.analysis import prepare
from ai_core.insights.outlook_schemas import (
    Backtest,
    DealScore,
    Factor,
    ForecastRequest,
    ForecastResponse,
    ScoreResponse,
    SpanOutlook,
    WinModelStatus,
)
from ai_core.insights.schemas import GenerateRequest

CENT = Decimal("0.01")


def simulate(request: ForecastRequest) -> ForecastResponse:
    """P10/P50/P90 for the period and each span, next to the stage-weighted pipeline."""
    _, deals, closed = prepare(request)
    model = model_cache.trained(request, closed)
    frame = DealFrame.of(deals)
    as_of = request.as_of.date()
    spans = [(s.start, s.end) for s in request.spans]
    outlook = forecast(
        frame,
        as_of=as_of,
        start=request.period_start,
        end=request.period_end,
        win_probabilities=model.probabilities(frame),
        won=[EngineWonDeal(w.amount, w.closed_on) for w in request.won_in_period],
        timing=close_timing(request.slip_days),
        target=request.target,
        spans=spans,
    )
    weighted = _weighted(frame, as_of, spans)
    labels = [s.label for s in request.spans]
    return ForecastResponse(
        as_of=as_of,
        currency=request.currency,
        period=_span(request.period_label, outlook.total, sum(weighted, Decimal(0))),
        spans=[
            _span(label, o, w) for label, o, w in zip(labels, outlook.months, weighted, strict=True)
        ],
        target=outlook.target,
        coverage=outlook.coverage,
        chance_to_hit_target=outlook.chance_to_hit_target,
        simulations=outlook.simulations,
        deals_simulated_individually=outlook.deals_simulated_individually,
        open_deals=len(frame),
        win_model=status(model),
    )


def score(request: GenerateRequest) -> ScoreResponse:
    """Each open deal of the snapshot's win probability with its top factors in words."""
    _, deals, closed = prepare(request)
    model = model_cache.trained(request, closed)
    return ScoreResponse(
        scores=[
            DealScore(
                deal_id=s.deal_id,
                probability=s.probability,
                source=s.source,
                stage_probability=s.stage_probability,
                factors=[Factor(text=f.text, contribution=f.contribution) for f in s.factors],
            )
            for s in model.score(deals)
        ],
        win_model=status(model),
    )


def status(model: WinModel) -> WinModelStatus:
    """Whether the learned model is used, why, and its out-of-sample scores."""
    v = model.validation
    return WinModelStatus(
        source="model" if model.use_model else "stage",
        reason=model.reason,
        won=model.won,
        lost=model.lost,
        backtest=Backtest(
            cutoff=v.cutoff,
            holdout_deals=v.holdout_deals,
            model_brier=v.model_brier,
            baseline_brier=v.baseline_brier,
            model_auc=v.model_auc,
            baseline_auc=v.baseline_auc,
        )
        if v is not None
        else None,
    )


def _weighted(frame: DealFrame, as_of: date, spans: list[tuple[date, date]]) -> list[Decimal]:
    """Amount x stage probability of the open deals due in each span (past due: today's span)."""
    due = frame.days_to_close
    amounts = frame.amount_exact.tolist()
    probabilities = frame.stage_probability.tolist()
    out = []
    for first, last in spans:
        lo, hi = (first - as_of).days, (last - as_of).days
        inside = (due >= lo) & (due <= hi)
        if lo <= 0 <= hi:
            inside |= due < 0
        out.append(
            sum(
                (
                    a * Decimal(f"{p:.4f}")
                    for a, p, i in zip(amounts, probabilities, inside.tolist(), strict=True)
                    if i
                ),
                Decimal(0),
            )
        )
    return out


def _span(label: str, outlook: Outlook, weighted_open: Decimal) -> SpanOutlook:
    return SpanOutlook(
        label=label,
        start=outlook.start,
        end=outlook.end,
        won=outlook.won,
        p10=outlook.p10,
        p50=outlook.p50,
        p90=outlook.p90,
        expected=outlook.expected,
        pipeline=outlook.pipeline,
        weighted=(outlook.won + weighted_open).quantize(CENT, rounding=ROUND_HALF_UP),
    )
