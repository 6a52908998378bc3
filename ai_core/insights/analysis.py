"""The engine over one snapshot: win scores, signals, ranking, forecast, funnel; and what to say.

Claude is shown only `Analysis.deals` (the top K deals by value at risk), the forecast and
the summary, whatever the size of the workspace. Numbers come from here; words come later.
"""

import time
from collections import Counter
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

import numpy as np
from pydantic import TypeAdapter

from ai_core.analytics import (
    ClosedDeal,
    DealFeatures,
    DealFrame,
    DealRisk,
    Forecast,
    Funnel,
    Level,
    RiskSignal,
    SignalKind,
    StageKind,
    StageVisit,
    WinModel,
    WinScore,
    close_timing,
    detect,
    forecast,
    funnel,
    rank,
    train,
)
from ai_core.analytics import WonDeal as EngineWonDeal
from ai_core.analytics.bulk import gc_paused
from ai_core.analytics.features import ACTIVITY_TYPES, WINDOWS
from ai_core.insights.schemas import (
    DealColumns,
    GenerateRequest,
    InsightType,
    RunStats,
    Stage,
)

CENT = Decimal("0.01")
ACTIVITY_FIELDS = [f"{kind}s_{window}d" for window in WINDOWS for kind in ACTIVITY_TYPES]
SUMMARY_KEY = "summary:pipeline"
_DEALS = TypeAdapter(list[DealFeatures])
_VISITS = TypeAdapter(list[StageVisit])


@dataclass(frozen=True)
class Candidate:
    """One insight to write: its numbers (evidence) and what it is about (subject)."""

    signal_key: str
    deal_id: str | None
    type: InsightType
    level: Level
    confidence: float
    # What it concerns in the CRM's own words (deal title, stage, owner): shown as data.
    subject: dict[str, str | None]
    evidence: dict[str, Any]
    # The signals behind it, most severe first; ("forecast",) or ("summary",) otherwise.
    kinds: tuple[str, ...]


@dataclass(frozen=True)
class Analysis:
    as_of: datetime
    deals: list[Candidate]
    forecast: Candidate
    summary: Candidate
    stats: RunStats

    @property
    def candidates(self) -> list[Candidate]:
        """What Claude writes one insight each for, in the engine's order."""
        return [*self.deals, self.forecast]


def analyze(request: GenerateRequest, *, top_k: int) -> Analysis:
    """Score, detect, rank and forecast; keep the `top_k` deals with the most value at risk."""
    started = time.perf_counter()
    flows, deals, closed = prepare(request)
    model = train(closed)
    frame = DealFrame.of(deals)
    probability = model.probabilities(frame)
    signals = _meaningful(
        detect(frame, win_probabilities=probability, owner_activity=request.owner_activity),
        frame,
    )
    ranked = rank(frame, signals)
    top = ranked[:top_k]
    by_id = {d.deal_id: d for d in deals}
    scores = {s.deal_id: s for s in model.score([by_id[r.deal_id] for r in top])}
    currencies = dict(zip(request.open_deals.deal_id, request.open_deals.currency, strict=True))
    outlook = forecast(
        frame,
        as_of=request.as_of.date(),
        start=request.period_start,
        end=request.period_end,
        win_probabilities=probability,
        won=[EngineWonDeal(w.amount, w.closed_on) for w in request.won_in_period],
        timing=close_timing(request.slip_days),
        target=request.target,
    )
    deal_candidates = [
        _deal_candidate(r, by_id[r.deal_id], scores[r.deal_id], currencies[r.deal_id]) for r in top
    ]
    forecast_candidate = _forecast_candidate(request, outlook, model, len(deals))
    stats = RunStats(
        open_deals=len(deals),
        closed_deals=len(closed),
        signals=len(signals),
        deals_at_risk=len(ranked),
        win_model="model" if model.use_model else "stage",
        win_model_reason=model.reason,
        seconds_analysing=round(time.perf_counter() - started, 3),
    )
    summary = _summary_candidate(
        request, frame, probability, signals, ranked, outlook, flows, model, top
    )
    return Analysis(request.as_of, deal_candidates, forecast_candidate, summary, stats)


def prepare(request: GenerateRequest) -> tuple[Funnel, list[DealFeatures], list[ClosedDeal]]:
    """The funnel, the open deals and the closed deals for training, as the engine takes them."""
    flows = funnel(_visits(request), [s.id for s in _open_stages(request.stages)])
    typical = {flow.stage_id: flow.won_p75_days for flow in flows.stages}
    return flows, _features(request.open_deals, request, typical), _closed(request, typical)


def _open_stages(stages: list[Stage]) -> list[Stage]:
    return sorted((s for s in stages if s.kind == StageKind.open), key=lambda s: s.position)


def _visits(request: GenerateRequest) -> list[StageVisit]:
    visits, stages, as_of = request.visits, request.stages, request.as_of
    rows = [
        {
            "deal_id": str(deal),
            "stage_id": stages[stage].id,
            "entered_at": as_of + timedelta(days=entered),
            "left_at": None if left is None else as_of + timedelta(days=left),
            "outcome": outcome,
        }
        for deal, stage, entered, left, outcome in zip(
            visits.deal, visits.stage, visits.entered, visits.left, visits.outcome, strict=True
        )
    ]
    with gc_paused():
        return _VISITS.validate_python(rows)


def _features(
    table: DealColumns, request: GenerateRequest, typical: dict[str, float | None]
) -> list[DealFeatures]:
    stages, owners = request.stages, request.owners
    rows = []
    for i in range(len(table)):
        stage = stages[table.stage[i]]
        owner_index = table.owner[i]
        owner = owners[owner_index] if owner_index is not None else None
        probability = table.probability[i]
        row: dict[str, Any] = dict(zip(ACTIVITY_FIELDS, table.activity[i], strict=True))
        row.update(
            deal_id=table.deal_id[i],
            title=table.title[i],
            stage_id=stage.id,
            stage_name=stage.name,
            stage_kind=stage.kind,
            stage_probability=stage.probability if probability is None else probability,
            rotting_days=stage.rotting_days,
            typical_won_days_in_stage=typical.get(stage.id),
            days_in_stage=table.days_in_stage[i],
            days_since_last_activity=table.days_since_last_activity[i],
            scheduled_activities=table.scheduled[i],
            close_date_pushes=table.pushes[i],
            days_to_close=table.days_to_close[i],
            amount=table.amount[i],
            source=table.source[i],
            owner_id=owner.id if owner else None,
            owner_name=owner.name if owner else None,
            contact_count=table.contacts[i],
            age_days=table.age_days[i],
        )
        rows.append(row)
    # One validation pass in pydantic's core: faster than constructing 100,000 objects.
    with gc_paused():
        return _DEALS.validate_python(rows)


def _closed(request: GenerateRequest, typical: dict[str, float | None]) -> list[ClosedDeal]:
    table = request.closed_deals
    features = _features(table, request, typical)
    return [
        ClosedDeal(features=f, won=won, closed_on=closed_on)
        for f, won, closed_on in zip(features, table.won, table.closed_on, strict=True)
        # The model learns from snapshots of open stages only.
        if f.stage_kind == StageKind.open
    ]


def _meaningful(signals: list[RiskSignal], frame: DealFrame) -> list[RiskSignal]:
    """Drop "single-threaded" where the data cannot tell one contact from several.

    A deal records at most one contact, so every deal would be single-threaded; only "no
    contact at all" then says something about a deal.
    """
    if len(frame) and int(np.max(frame.contact_count)) > 1:
        return signals
    return [
        s
        for s in signals
        if s.kind != SignalKind.single_threaded or s.evidence.get("contact_count") == 0
    ]


def _deal_candidate(
    risk: DealRisk, deal: DealFeatures, score: WinScore, currency: str
) -> Candidate:
    evidence: dict[str, Any] = {
        "amount": _money(deal.amount),
        "currency": currency,
        "stage": deal.stage_name,
        "stage_probability": round(deal.stage_probability, 3),
        "win_probability": round(score.probability, 3),
        "win_probability_source": score.source,
        "risk": risk.risk,
        "value_at_risk": _money(risk.value_at_risk),
        "days_in_stage": _days(deal.days_in_stage),
        "days_since_last_activity": _days(deal.days_since_last_activity),
        "close_date_pushes": deal.close_date_pushes,
        "days_to_close": deal.days_to_close,
        "activities_last_30_days": deal.activities(30),
        "scheduled_activities": deal.scheduled_activities,
        "signals": [_signal(s) for s in risk.signals],
        "win_factors": [f.text for f in score.factors],
    }
    return Candidate(
        signal_key=f"deal_risk:{deal.deal_id}",
        deal_id=deal.deal_id,
        type="risk",
        level=risk.level,
        confidence=round(min(max(risk.risk, 0.0), 1.0), 3),
        subject={"deal": deal.title, "stage": deal.stage_name, "owner": deal.owner_name},
        evidence=evidence,
        kinds=tuple(s.kind.value for s in risk.signals),
    )


def _forecast_candidate(
    request: GenerateRequest, outlook: Forecast, model: WinModel, open_deals: int
) -> Candidate:
    total = outlook.total
    evidence: dict[str, Any] = {
        "period": request.period_label,
        "period_start": request.period_start.isoformat(),
        "period_end": request.period_end.isoformat(),
        "currency": request.currency,
        "won_so_far": _money(total.won),
        "p10": _money(total.p10),
        "p50": _money(total.p50),
        "p90": _money(total.p90),
        "expected": _money(total.expected),
        "pipeline_due_in_period": _money(total.pipeline),
        "open_deals": open_deals,
        "win_probability_source": "model" if model.use_model else "stage",
        "target": _money(outlook.target) if outlook.target is not None else None,
        "coverage": outlook.coverage,
        "chance_to_hit_target": outlook.chance_to_hit_target,
    }
    at_risk = outlook.chance_to_hit_target is not None and outlook.chance_to_hit_target < 0.5
    return Candidate(
        signal_key=f"forecast:{request.period_label}",
        deal_id=None,
        type="prediction",
        level=Level.high if at_risk else Level.medium,
        # P10..P90 is an 80% interval.
        confidence=0.8,
        subject={"period": request.period_label},
        evidence=evidence,
        kinds=("forecast",),
    )


def _summary_candidate(
    request: GenerateRequest,
    frame: DealFrame,
    probability: Any,
    signals: list[RiskSignal],
    ranked: list[DealRisk],
    outlook: Forecast,
    flows: Funnel,
    model: WinModel,
    top: list[DealRisk],
) -> Candidate:
    amounts = frame.amount_exact.tolist()
    weighted = sum(
        (a * Decimal(f"{p:.4f}") for a, p in zip(amounts, probability.tolist(), strict=True)),
        Decimal(0),
    )
    levels = Counter(r.level for r in ranked)
    evidence: dict[str, Any] = {
        "as_of": request.as_of.date().isoformat(),
        "currency": request.currency,
        "open_deals": len(frame),
        "open_pipeline": _money(sum(amounts, Decimal(0))),
        "weighted_pipeline": _money(weighted),
        "deals_at_risk": len(ranked),
        "critical_deals": levels[Level.critical],
        "high_risk_deals": levels[Level.high],
        "value_at_risk": _money(sum((r.value_at_risk for r in ranked), Decimal(0))),
        "signals_by_kind": dict(sorted(Counter(s.kind.value for s in signals).items())),
        "forecast_period": request.period_label,
        "forecast_p10": _money(outlook.total.p10),
        "forecast_p50": _money(outlook.total.p50),
        "forecast_p90": _money(outlook.total.p90),
        "won_so_far": _money(outlook.total.won),
        "win_rate": flows.win_rate,
        "median_won_cycle_days": flows.median_won_cycle_days,
        "win_model": "model" if model.use_model else "stage",
    }
    return Candidate(
        signal_key=SUMMARY_KEY,
        deal_id=None,
        type="summary",
        level=Level.high if levels[Level.critical] else Level.medium,
        confidence=1.0,
        subject={"top_deals": ", ".join(r.title or "" for r in top[:3]) or None},
        evidence=evidence,
        kinds=("summary",),
    )


def _signal(signal: RiskSignal) -> dict[str, Any]:
    values = {k: str(v) if isinstance(v, Decimal) else v for k, v in signal.evidence.items()}
    return {"kind": signal.kind.value, "level": signal.level.value, **values}


def _money(value: Decimal) -> str:
    return str(Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP))


def _days(value: float | None) -> float | None:
    return None if value is None else round(value, 1)
