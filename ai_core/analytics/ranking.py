"""Which deals to save first: the value each stands to lose, from its signals.

    risk          = 1 - prod(1 - severity_i)    over the deal's signals
    value_at_risk = amount x risk

`risk` combines the signals as independent warnings (noisy-OR): one critical signal
is enough to make a deal critical, and several medium ones add up without ever
passing 1. Ranking by amount x risk puts a large deal with one warning ahead of a
small deal with many, which is how a sales leader triages.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

import numpy as np

from ai_core.analytics.bulk import gc_paused
from ai_core.analytics.features import DealFeatures
from ai_core.analytics.frame import DealFrame
from ai_core.analytics.signals import Level, RiskSignal, level_of

CENT = Decimal("0.01")


@dataclass(frozen=True, slots=True)
class DealRisk:
    deal_id: str
    title: str | None
    amount: Decimal
    risk: float
    level: Level
    value_at_risk: Decimal
    # Most severe first.
    signals: tuple[RiskSignal, ...]


def rank(
    deals: Sequence[DealFeatures] | DealFrame,
    signals: Sequence[RiskSignal],
    *,
    limit: int | None = None,
) -> list[DealRisk]:
    """Deals with at least one signal, the most value at risk first (ties: riskier, then id)."""
    with gc_paused():
        return _rank(DealFrame.of(deals), signals, limit)


def _rank(frame: DealFrame, signals: Sequence[RiskSignal], limit: int | None) -> list[DealRisk]:
    if not signals:
        return []
    position = {deal_id: i for i, deal_id in enumerate(frame.deal_id.tolist())}
    where = np.fromiter((position[s.deal_id] for s in signals), np.int64, len(signals))
    severity = np.fromiter((s.severity for s in signals), np.float64, len(signals))
    with np.errstate(divide="ignore"):
        log_survival = np.bincount(
            where, weights=np.log1p(-np.clip(severity, 0, 1)), minlength=len(frame)
        )
    index = np.flatnonzero(np.bincount(where, minlength=len(frame)))
    risk = np.round(1 - np.exp(log_survival[index]), 4)
    value = frame.amount[index] * risk
    order = np.lexsort((frame.deal_id[index].astype(str), -risk, -value))[:limit]
    # All signals sorted by deal, then most severe first: each deal's are one slice.
    by_deal = np.lexsort((-severity, where))
    sorted_where = where[by_deal]
    ranked_index = index[order]
    starts = np.searchsorted(sorted_where, ranked_index, side="left").tolist()
    ends = np.searchsorted(sorted_where, ranked_index, side="right").tolist()
    risks = risk[order].tolist()
    amounts = frame.amount_exact[ranked_index].tolist()
    pick = signals.__getitem__
    by_deal_list = by_deal.tolist()
    return list(
        map(
            DealRisk,
            frame.deal_id[ranked_index].tolist(),
            frame.title[ranked_index].tolist(),
            amounts,
            risks,
            list(map(level_of, risks)),
            [
                (a * Decimal(f"{r:.4f}")).quantize(CENT, rounding=ROUND_HALF_UP)
                for a, r in zip(amounts, risks, strict=True)
            ],
            [tuple(map(pick, by_deal_list[a:b])) for a, b in zip(starts, ends, strict=True)],
        )
    )
