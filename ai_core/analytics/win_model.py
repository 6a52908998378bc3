"""Win probability per open deal, learned from the workspace's own closed deals.

`train` decides whether the learned model earns its place:

1. Enough history: at least 40 won and 40 lost closed deals. 40/40 is lower than
   Salesforce Einstein's 200/200 or Gong's 50/150 on purpose: the model is a strongly
   regularised logistic regression, and the out-of-sample test below, not the count, is
   the real guard.
2. The L2 strength is chosen by Brier score on a time-ordered split of the deals closed
   before the holdout, so the holdout plays no part in any choice.
3. Out of sample (see backtest): the latest 30% of the closed deals, in 3 consecutive
   blocks, each scored by a model fitted only on deals closed before it, and by the
   stage probabilities (the baseline). Each block needs 5 won and 5 lost deals.
4. The model is used only if its Brier score beats the baseline's pooled AND in every
   block, and it ranks deals (AUC) at least as well. Either way it is refitted on all
   closed deals (`fitted`, for inspection), but unless used every score is the stage
   probability, explained as such.

A score from the model lists its top factors: each factor's share of the deal's log-odds,
measured from the average training deal, in plain words.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Literal

import numpy as np

from ai_core.analytics import logistic
from ai_core.analytics.backtest import Validation, backtest, fold_starts
from ai_core.analytics.bulk import gc_paused
from ai_core.analytics.encoding import Encoder, fit_encoder
from ai_core.analytics.explain import sentences
from ai_core.analytics.features import ClosedDeal, DealFeatures, StageKind
from ai_core.analytics.frame import Bools, DealFrame, Floats, build
from ai_core.analytics.metrics import brier

# Strongest first: each fit starts from the previous, more constrained one.
L2_PATH = (10000.0, 3000.0, 1000.0, 300.0, 100.0, 30.0, 10.0, 3.0, 1.0)
MIN_WON = 40
MIN_LOST = 40
MIN_EACH_PER_BLOCK = 5
HOLDOUT_FRACTION = 0.3
FOLDS = 3


@dataclass(frozen=True, slots=True)
class Factor:
    key: str
    text: str
    # Log-odds the factor adds (> 0) or takes away (< 0) against the average deal.
    contribution: float


@dataclass(frozen=True, slots=True)
class WinScore:
    deal_id: str
    probability: float
    source: Literal["model", "stage"]
    stage_probability: float
    factors: tuple[Factor, ...]


@dataclass(frozen=True)
class Fitted:
    encoder: Encoder
    intercept: float
    weights: Floats
    # Training column means: contributions are measured from the average deal.
    centre: Floats
    groups: tuple[str, ...]
    membership: Floats

    def probabilities(self, frame: DealFrame) -> Floats:
        return logistic.sigmoid(self.intercept + self.encoder.matrix(frame) @ self.weights)


@dataclass(frozen=True)
class WinModel:
    use_model: bool
    reason: str
    won: int
    lost: int
    validation: Validation | None
    fitted: Fitted | None

    def probabilities(self, deals: Sequence[DealFeatures] | DealFrame) -> Floats:
        """One win probability per deal: the model's when used, else the stage's."""
        frame = DealFrame.of(deals)
        if not self.use_model or self.fitted is None:
            return frame.stage_probability.copy()
        return self.fitted.probabilities(frame)

    def score(self, deals: Sequence[DealFeatures] | DealFrame, *, top: int = 3) -> list[WinScore]:
        """Each deal's win probability with its `top` factors in plain words."""
        with gc_paused():
            return self._score(DealFrame.of(deals), top)

    def _score(self, frame: DealFrame, top: int) -> list[WinScore]:
        if not self.use_model or self.fitted is None:
            return [_stage_score(d) for d in frame.deals]
        fitted = self.fitted
        x = fitted.encoder.matrix(frame)
        probability = np.round(logistic.sigmoid(fitted.intercept + x @ fitted.weights), 4)
        by_group = ((x - fitted.centre) * fitted.weights) @ fitted.membership
        strongest = np.argsort(-np.abs(by_group), axis=1)[:, :top]
        weight = np.take_along_axis(by_group, strongest, axis=1)
        texts = sentences(frame, fitted.groups, strongest, weight)
        names = np.array(fitted.groups, dtype=object)[strongest]
        rounded = np.round(weight, 3)
        # A factor slot at a time with map/zip rather than a Python loop per deal: the
        # objects are what costs at 100,000 deals.
        slots = [
            list(map(Factor, names[:, k].tolist(), texts[:, k].tolist(), rounded[:, k].tolist()))
            for k in range(strongest.shape[1])
        ]
        factors = list(zip(*slots, strict=True))
        for i in np.flatnonzero((np.abs(weight) < 0.01).any(axis=1)).tolist():
            factors[i] = tuple(f for f in factors[i] if abs(f.contribution) >= 0.01)
        source: list[Literal["model"]] = ["model"] * len(frame)
        return list(
            map(
                WinScore,
                frame.deal_id.tolist(),
                probability.tolist(),
                source,
                frame.stage_probability.tolist(),
                factors,
            )
        )


def _stage_score(deal: DealFeatures) -> WinScore:
    text = f"{deal.stage_name} is set to win {deal.stage_probability:.0%} of the time"
    p = deal.stage_probability
    return WinScore(deal.deal_id, p, "stage", p, (Factor("stage", text, 0.0),))


def train(
    closed: Sequence[ClosedDeal],
    *,
    min_won: int = MIN_WON,
    min_lost: int = MIN_LOST,
    holdout_fraction: float = HOLDOUT_FRACTION,
    folds: int = FOLDS,
) -> WinModel:
    """Fit on the workspace's closed deals; use the model only if it beats the baseline."""
    if any(c.features.stage_kind != StageKind.open for c in closed):
        raise ValueError("closed deals must be snapshots of their last open stage")
    deals = sorted(closed, key=lambda c: c.closed_on)
    won = np.array([c.won for c in deals], dtype=np.bool_)
    n_won, n_lost = int(won.sum()), int((~won).sum())

    def refuse(reason: str, validation: Validation | None = None) -> WinModel:
        return WinModel(False, reason, n_won, n_lost, validation, None)

    if n_won < min_won or n_lost < min_lost:
        return refuse(f"{n_won} won and {n_lost} lost deals; the model needs {min_won}/{min_lost}")
    closed_on = [c.closed_on for c in deals]
    starts = fold_starts(closed_on, holdout_fraction=holdout_fraction, folds=folds)
    if not _enough_per_block(won, closed_on, starts):
        return refuse(f"under {MIN_EACH_PER_BLOCK} won or lost deals in a validation period")
    frame = build([c.features for c in deals])
    before = np.array([d < starts[0] for d in closed_on], dtype=np.bool_)
    l2 = _choose_l2(frame.take(before), won[before], closed_on[: int(before.sum())])
    validation = backtest(
        frame,
        won,
        closed_on,
        starts=starts,
        l2=l2,
        predict=_fit_and_predict,
    )
    use, reason = validation.verdict()
    return WinModel(use, reason, n_won, n_lost, validation, _fit(frame, won, l2))


def _fit_and_predict(frame: DealFrame, won: Bools, block: DealFrame, l2: float) -> Floats:
    return _fit(frame, won, l2).probabilities(block)


def _enough_per_block(won: Bools, closed_on: list[date], starts: list[date]) -> bool:
    ends: list[date | None] = [*starts[1:], None]
    for start, end in zip(starts, ends, strict=True):
        inside = np.array(
            [d >= start and (end is None or d < end) for d in closed_on], dtype=np.bool_
        )
        if min(int(won[inside].sum()), int((~won[inside]).sum())) < MIN_EACH_PER_BLOCK:
            return False
    first = np.array([d < starts[0] for d in closed_on], dtype=np.bool_)
    return min(int(won[first].sum()), int((~won[first]).sum())) >= MIN_EACH_PER_BLOCK


def _fit(frame: DealFrame, won: Bools, l2: float) -> Fitted:
    encoder = fit_encoder(frame)
    x = encoder.matrix(frame)
    intercept, weights = logistic.fit(x, won, l2=l2)
    groups = tuple(dict.fromkeys(encoder.groups))
    membership = np.zeros((x.shape[1], len(groups)))
    for column, group in enumerate(encoder.groups):
        membership[column, groups.index(group)] = 1.0
    return Fitted(encoder, intercept, weights, x.mean(axis=0), groups, membership)


def _choose_l2(frame: DealFrame, won: Bools, closed_on: list[date]) -> float:
    """The L2 strength with the best Brier score on the latest quarter of `frame`."""
    split = closed_on[int(len(closed_on) * 0.75)]
    early = np.array([d < split for d in closed_on], dtype=np.bool_)
    if min(int(won[early].sum()), int((~won[early]).sum())) < 2 or early.all():
        return 100.0  # too little to choose: a firm middle of the path
    encoder = fit_encoder(frame.take(early))
    x_early, x_late = encoder.matrix(frame.take(early)), encoder.matrix(frame.take(~early))
    best, best_brier, start = L2_PATH[0], np.inf, None
    for l2 in L2_PATH:
        start = logistic.fit(x_early, won[early], l2=l2, start=start)
        intercept, weights = start
        score = brier(logistic.sigmoid(intercept + x_late @ weights), won[~early])
        if score < best_brier:
            best, best_brier = l2, score
    return best
