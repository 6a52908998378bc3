"""The deterministic analytics engine: pure functions over per-deal snapshots, no I/O.

frame = DealFrame.of(snapshots)            # columns, built once, shared below
model = train(closed_deals)                # used only if it beats stage probabilities
p = model.probabilities(frame)
signals = detect(frame, win_probabilities=p, owner_activity=owners)
ranked = rank(frame, signals)
outlook = forecast(frame, win_probabilities=p, as_of=..., start=..., end=...)
flows = funnel(stage_visits, stage_ids)
"""

from ai_core.analytics.backtest import Fold, Validation
from ai_core.analytics.features import (
    ClosedDeal,
    DealFeatures,
    OwnerActivity,
    StageKind,
)
from ai_core.analytics.forecast import (
    CloseTiming,
    Forecast,
    Outlook,
    WonDeal,
    close_timing,
    forecast,
)
from ai_core.analytics.frame import DealFrame
from ai_core.analytics.funnel import Funnel, StageFlow, StageVisit, funnel
from ai_core.analytics.ranking import DealRisk, rank
from ai_core.analytics.rules import OwnerDrop, SignalKind, Thresholds, owner_activity_drops
from ai_core.analytics.signals import Level, RiskSignal, detect
from ai_core.analytics.win_model import Factor, WinModel, WinScore, train

__all__ = [
    "CloseTiming",
    "ClosedDeal",
    "DealFeatures",
    "DealFrame",
    "DealRisk",
    "Factor",
    "Fold",
    "Forecast",
    "Funnel",
    "Level",
    "Outlook",
    "OwnerActivity",
    "OwnerDrop",
    "RiskSignal",
    "SignalKind",
    "StageFlow",
    "StageKind",
    "StageVisit",
    "Thresholds",
    "Validation",
    "WinModel",
    "WinScore",
    "WonDeal",
    "close_timing",
    "detect",
    "forecast",
    "funnel",
    "owner_activity_drops",
    "rank",
    "train",
]
