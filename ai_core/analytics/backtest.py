"""Time-ordered validation of the win model against the stage probabilities.

Rolling origin: the latest `holdout_fraction` of the closed deals (by close date) is cut
into `folds` consecutive blocks; each block is scored by a model fitted only on the
deals closed before the block starts, and by each deal's stage probability. A single
split lets one lucky or unlucky period decide (real pipelines have strong seasonal swings
in win rate, e.g. quarter-end months); several blocks show whether the model wins
steadily.
"""

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date

import numpy as np

from ai_core.analytics.frame import Bools, DealFrame, Floats
from ai_core.analytics.metrics import CalibrationBin, auc, brier, calibration


@dataclass(frozen=True, slots=True)
class Fold:
    """One block of the holdout: deals closed in [start, end), end None for the last."""

    start: date
    end: date | None
    deals: int
    won: int
    model_brier: float
    baseline_brier: float


@dataclass(frozen=True, slots=True)
class Validation:
    """Out-of-sample evidence, pooled over the folds (deals closed from `cutoff` on)."""

    cutoff: date
    fit_deals: int
    holdout_deals: int
    holdout_won: int
    l2: float
    model_brier: float
    baseline_brier: float
    model_auc: float | None
    baseline_auc: float | None
    folds: tuple[Fold, ...]
    calibration: tuple[CalibrationBin, ...]

    def verdict(self) -> tuple[bool, str]:
        """Whether the model wins, and why in one sentence.

        It must have a lower Brier score pooled AND in every fold (a model that loses any
        recent period stays out), and an AUC no worse than the baseline's (one that only
        shifts every deal's odds while ranking deals worse than the stages stays out too).
        """
        scores = (
            f"on deals closed from {self.cutoff}, Brier {self.model_brier} for the model vs "
            f"{self.baseline_brier} for the stage probabilities"
        )
        if self.model_brier >= self.baseline_brier:
            return False, f"{scores}: the model does not beat them"
        for fold in self.folds:
            if fold.model_brier >= fold.baseline_brier:
                return False, (
                    f"{scores}, but the model loses on deals closed from {fold.start} "
                    f"({fold.model_brier} vs {fold.baseline_brier})"
                )
        if (
            self.model_auc is not None
            and self.baseline_auc is not None
            and self.model_auc < self.baseline_auc
        ):
            return False, (
                f"{scores}, but the model ranks deals worse (AUC {self.model_auc} vs "
                f"{self.baseline_auc})"
            )
        return True, f"{scores}: the model wins"


def fold_starts(closed_on: Sequence[date], *, holdout_fraction: float, folds: int) -> list[date]:
    """The first close date of each block (distinct, increasing); `closed_on` is sorted."""
    n = len(closed_on)
    starts = [
        closed_on[min(int(n * (1 - holdout_fraction * (1 - i / folds))), n - 1)]
        for i in range(folds)
    ]
    return sorted(set(starts))


def backtest(
    frame: DealFrame,
    won: Bools,
    closed_on: Sequence[date],
    *,
    starts: Sequence[date],
    l2: float,
    predict: Callable[[DealFrame, Bools, DealFrame, float], Floats],
) -> Validation:
    """Score each block with `predict(fit_frame, fit_won, block_frame, l2)`."""
    days = np.array(closed_on, dtype="datetime64[D]")
    ends: list[date | None] = [*starts[1:], None]
    predicted, baseline, outcomes, folds = [], [], [], []
    for start, end in zip(starts, ends, strict=True):
        before = days < np.datetime64(start)
        block = ~before if end is None else ~before & (days < np.datetime64(end))
        p = predict(frame.take(before), won[before], frame.take(block), l2)
        b = frame.stage_probability[block]
        y = won[block]
        folds.append(
            Fold(start, end, int(block.sum()), int(y.sum()), _r(brier(p, y)), _r(brier(b, y)))
        )
        predicted.append(p)
        baseline.append(b)
        outcomes.append(y)
    p, b, y = np.concatenate(predicted), np.concatenate(baseline), np.concatenate(outcomes)
    return Validation(
        cutoff=starts[0],
        fit_deals=int((days < np.datetime64(starts[0])).sum()),
        holdout_deals=int(y.size),
        holdout_won=int(y.sum()),
        l2=l2,
        model_brier=_r(brier(p, y)),
        baseline_brier=_r(brier(b, y)),
        model_auc=_maybe(auc(p, y)),
        baseline_auc=_maybe(auc(b, y)),
        folds=tuple(folds),
        calibration=calibration(p, y),
    )


def _r(value: float) -> float:
    return round(value, 5)


def _maybe(value: float | None) -> float | None:
    return None if value is None else round(value, 4)
