"""How good a probability is: Brier score, AUC and a reliability table."""

from dataclasses import dataclass

import numpy as np

from ai_core.analytics.frame import Bools, Floats


def brier(probability: Floats, won: Bools) -> float:
    """Mean squared gap between probability and outcome: 0 is perfect, 0.25 a coin flip."""
    return float(np.mean((probability - won.astype(np.float64)) ** 2))


def auc(probability: Floats, won: Bools) -> float | None:
    """Chance a random won deal scores above a random lost one (ties count half)."""
    n_won = int(won.sum())
    n_lost = won.size - n_won
    if n_won == 0 or n_lost == 0:
        return None
    ranks = _average_ranks(probability)
    return float((ranks[won].sum() - n_won * (n_won + 1) / 2) / (n_won * n_lost))


def _average_ranks(values: Floats) -> Floats:
    order = np.argsort(values, kind="mergesort")
    ordered = values[order]
    # Runs of equal values share the mean of the ranks they span (1-based).
    starts = np.flatnonzero(np.r_[True, ordered[1:] != ordered[:-1]])
    ends = np.r_[starts[1:], ordered.size]
    mean_rank = (starts + ends + 1) / 2
    ranks = np.empty(values.size)
    ranks[order] = np.repeat(mean_rank, ends - starts)
    return ranks


@dataclass(frozen=True, slots=True)
class CalibrationBin:
    """Deals whose predicted probability fell in [low, high): predicted vs actual win rate."""

    low: float
    high: float
    deals: int
    mean_predicted: float
    win_rate: float


def calibration(probability: Floats, won: Bools, bins: int = 10) -> tuple[CalibrationBin, ...]:
    edges = np.linspace(0, 1, bins + 1)
    which = np.clip(np.digitize(probability, edges[1:-1]), 0, bins - 1)
    table = []
    for b in range(bins):
        inside = which == b
        if inside.any():
            table.append(
                CalibrationBin(
                    low=round(float(edges[b]), 2),
                    high=round(float(edges[b + 1]), 2),
                    deals=int(inside.sum()),
                    mean_predicted=round(float(probability[inside].mean()), 4),
                    win_rate=round(float(won[inside].mean()), 4),
                )
            )
    return tuple(table)
