"""Risk signals per open deal, each with its severity and the numbers it rests on.

The rules live in `rules`; `level` buckets severity like an insight's priority
(< 0.4 low, < 0.6 medium, < 0.8 high, else critical). Objects are built only for the
deals a rule fires on.
"""

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from enum import StrEnum

import numpy as np

from ai_core.analytics import rules
from ai_core.analytics.bulk import gc_paused
from ai_core.analytics.features import DealFeatures, OwnerActivity
from ai_core.analytics.frame import DealFrame, Floats
from ai_core.analytics.rules import DEFAULT_THRESHOLDS, EvidenceValue, Fired, SignalKind, Thresholds


class Level(StrEnum):
    low = "low"
    medium = "medium"
    high = "high"
    critical = "critical"


def level_of(severity: float) -> Level:
    if severity < 0.4:
        return Level.low
    if severity < 0.6:
        return Level.medium
    if severity < 0.8:
        return Level.high
    return Level.critical


@dataclass(frozen=True, slots=True)
class RiskSignal:
    deal_id: str
    kind: SignalKind
    severity: float
    level: Level
    evidence: dict[str, EvidenceValue]


def detect(
    deals: Sequence[DealFeatures] | DealFrame,
    *,
    win_probabilities: Floats | None = None,
    owner_activity: Sequence[OwnerActivity] = (),
    thresholds: Thresholds = DEFAULT_THRESHOLDS,
) -> list[RiskSignal]:
    """All signals on the open deals; `win_probabilities` (one per deal) default to stage's."""
    with gc_paused():
        frame = DealFrame.of(deals)
    probability = frame.stage_probability if win_probabilities is None else win_probabilities
    if len(probability) != len(frame):
        raise ValueError("win_probabilities needs one value per deal")
    checks: list[Callable[[], Fired]] = [
        lambda: rules.stalled(frame),
        lambda: rules.stuck(frame),
        lambda: rules.slipping(frame, thresholds),
        lambda: rules.high_value_low_probability(frame, probability, thresholds),
        lambda: rules.closing_soon_unscheduled(frame, thresholds),
        lambda: rules.single_threaded(frame),
        lambda: rules.owner_activity_drop(frame, owner_activity, thresholds),
    ]
    with gc_paused():
        return [signal for check in checks for signal in _materialise(frame, check())]


def _materialise(frame: DealFrame, fired: Fired) -> list[RiskSignal]:
    n = fired.index.size
    severity = np.round(fired.severity, 3)
    levels = np.select(
        [severity < 0.4, severity < 0.6, severity < 0.8],
        [Level.low, Level.medium, Level.high],
        Level.critical,
    )
    keys = list(fired.evidence)
    columns = fired.evidence.values()
    evidence = [dict(zip(keys, row, strict=True)) for row in zip(*columns, strict=True)]
    return list(
        map(
            RiskSignal,
            frame.deal_id[fired.index].tolist(),
            [fired.kind] * n,
            severity.tolist(),
            [Level(v) for v in levels.tolist()],
            evidence if keys else [{} for _ in range(n)],
        )
    )
