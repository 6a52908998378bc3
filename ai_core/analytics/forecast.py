"""Closed-won revenue for a period: P10/P50/P90 by simulation, plus what is already won.

Each open deal is won inside the period with probability

    pi = win probability x P(it closes inside the period)

and the deals are independent. When it closes comes from its expected close date and the
workspace's slip history (`CloseTiming`):

- dated, not yet due: it closes on its expected date with probability `on_time_rate`,
  otherwise later by an exponential delay with mean `mean_slip_days`;
- past due: it has already slipped, and (the exponential forgets) closes after today by
  a fresh delay of the same mean;
- undated: it closes after today by an exponential delay of mean `undated_mean_days`.

The simulation draws each deal's outcome (won in which month, or not in the period) as
one uniform number. Deals are simulated one by one up to `exact_deals` (those with the
largest variance, i.e. the ones that move the result); the many small rest add up to a
normal with their exact means and (co)variances, drawn per month. Either way the result's
expected value is the analytical sum of amount x pi plus the won revenue (`expected`).
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

import numpy as np

from ai_core.analytics.features import DealFeatures
from ai_core.analytics.frame import DealFrame, Floats

CENT = Decimal("0.01")
_BLOCK = 1_000  # simulations per block: bounds memory at 100k deals


@dataclass(frozen=True)
class CloseTiming:
    """How deals close against their expected date; the defaults stand in for no history."""

    on_time_rate: float = 0.5
    mean_slip_days: float = 30.0
    undated_mean_days: float = 90.0


def close_timing(slip_days: Sequence[float], *, undated_mean_days: float = 90.0) -> CloseTiming:
    """Timing from history: one slip per won deal, its close date minus its expected date.

    The expected date to measure from is the one the deal had 30 days before it closed
    (its first one if it was younger): today's pushes are the open deals' own business.
    """
    if not slip_days:
        return CloseTiming(undated_mean_days=undated_mean_days)
    slips = np.asarray(slip_days, dtype=np.float64)
    late = slips[slips > 0]
    return CloseTiming(
        on_time_rate=float((slips <= 0).mean()),
        mean_slip_days=float(late.mean()) if late.size else 1.0,
        undated_mean_days=undated_mean_days,
    )


@dataclass(frozen=True, slots=True)
class WonDeal:
    amount: Decimal
    closed_on: date


@dataclass(frozen=True, slots=True)
class Outlook:
    """One period (or month) of it: `won` already, then won + the simulated rest."""

    start: date
    end: date
    won: Decimal
    # Analytical: won + sum(amount x pi). `mean` is the simulations' average, its check.
    expected: Decimal
    mean: Decimal
    p10: Decimal
    p50: Decimal
    p90: Decimal
    # Open deals expected to close in it (past-due ones count if it includes today).
    pipeline: Decimal


@dataclass(frozen=True, slots=True)
class Forecast:
    as_of: date
    total: Outlook
    # The months (or the spans asked for) when the period was split; else empty.
    months: tuple[Outlook, ...]
    target: Decimal | None
    # Pipeline over what is left to win; None without a target or once it is met.
    coverage: float | None
    chance_to_hit_target: float | None
    simulations: int
    seed: int
    deals_simulated_individually: int


def months_between(start: date, end: date) -> list[tuple[date, date]]:
    """[start, end] cut at month boundaries, both ends inclusive."""
    spans, first = [], start
    while first <= end:
        following = (first.replace(day=1) + timedelta(days=32)).replace(day=1)
        last = min(end, following - timedelta(days=1))
        spans.append((first, last))
        first = following
    return spans


def close_probabilities(
    days_to_close: Floats,
    *,
    as_of: date,
    spans: Sequence[tuple[date, date]],
    timing: CloseTiming,
) -> Floats:
    """P(deal closes inside each span): one row per deal, one column per span.

    `days_to_close` counts from `as_of` to each deal's expected close date (NaN: none).
    """
    expected = days_to_close
    dated = ~np.isnan(expected)
    due = np.where(dated, expected, 0.0)
    # Where the exponential delay starts: the expected date if still ahead, else today.
    base = np.where(dated & (due >= 0), due, 0.0)
    late_mean = np.where(dated, timing.mean_slip_days, timing.undated_mean_days)
    late_share = np.where(dated & (due >= 0), 1 - timing.on_time_rate, 1.0)
    out = np.empty((expected.size, len(spans)))
    for k, (first, last) in enumerate(spans):
        lo, hi = (first - as_of).days, (last - as_of).days + 1
        delay = np.exp(-np.maximum(lo - base, 0) / late_mean) - np.exp(
            -np.maximum(hi - base, 0) / late_mean
        )
        on_time = dated & (due >= 0) & (due >= lo) & (due < hi)
        out[:, k] = late_share * delay + (1 - late_share) * on_time
    return out


def forecast(
    deals: Sequence[DealFeatures] | DealFrame,
    *,
    as_of: date,
    start: date,
    end: date,
    win_probabilities: Floats | None = None,
    won: Sequence[WonDeal] = (),
    timing: CloseTiming = CloseTiming(),
    target: Decimal | None = None,
    by_month: bool = False,
    spans: Sequence[tuple[date, date]] | None = None,
    simulations: int = 10_000,
    seed: int = 0,
    exact_deals: int = 2_000,
) -> Forecast:
    """P10/P50/P90 of closed-won revenue in [start, end], optionally month by month.

    `spans` (e.g. quarters) cut the period another way: they must tile [start, end].
    """
    if end < start:
        raise ValueError("the period ends before it starts")
    if spans is not None and not _tiles(spans, start, end):
        raise ValueError("the spans do not tile the period")
    frame = DealFrame.of(deals)
    p_win = frame.stage_probability if win_probabilities is None else win_probabilities
    if len(p_win) != len(frame):
        raise ValueError("win_probabilities needs one value per deal")
    open_ = frame.is_open
    amount, p_win = frame.amount[open_], np.asarray(p_win)[open_]
    split = spans is not None or by_month
    if spans is None:
        spans = months_between(start, end) if by_month else [(start, end)]
    pi = p_win[:, None] * close_probabilities(
        frame.days_to_close[open_], as_of=as_of, spans=spans, timing=timing
    )
    revenue = _simulate(amount, pi, simulations, seed, exact_deals)
    won_by_span = [
        sum((w.amount for w in won if first <= w.closed_on <= last), Decimal(0))
        for first, last in spans
    ]
    expected_open = amount @ pi
    pipeline = _pipeline(frame, open_, as_of, spans)
    months = tuple(
        _outlook(span, won_by_span[k], float(expected_open[k]), revenue[:, k], pipeline[k])
        for k, span in enumerate(spans)
    )
    total_won = sum(won_by_span, Decimal(0))
    total = _outlook(
        (start, end),
        total_won,
        float(expected_open.sum()),
        revenue.sum(axis=1),
        sum(pipeline, Decimal(0)),
    )
    coverage = chance = None
    if target is not None:
        left = target - total_won
        coverage = round(float(total.pipeline / left), 3) if left > 0 else None
        chance = round(float(np.mean(revenue.sum(axis=1) >= float(left))), 4)
    return Forecast(
        as_of=as_of,
        total=total,
        months=months if split else (),
        target=target,
        coverage=coverage,
        chance_to_hit_target=chance,
        simulations=simulations,
        seed=seed,
        deals_simulated_individually=min(exact_deals, int((pi.sum(axis=1) > 0).sum())),
    )


def _tiles(spans: Sequence[tuple[date, date]], start: date, end: date) -> bool:
    if not spans or spans[0][0] != start or spans[-1][1] != end:
        return False
    return all(
        first <= last and (k == 0 or first == spans[k - 1][1] + timedelta(days=1))
        for k, (first, last) in enumerate(spans)
    )


def _simulate(amount: Floats, pi: Floats, simulations: int, seed: int, exact_deals: int) -> Floats:
    """Simulated open-deal revenue: one row per simulation, one column per span."""
    rng = np.random.default_rng(seed)
    spans = pi.shape[1]
    total_pi = pi.sum(axis=1)
    live = np.flatnonzero(total_pi > 0)
    variance = amount[live] ** 2 * total_pi[live] * (1 - total_pi[live])
    order = live[np.argsort(-variance, kind="stable")]
    exact, rest = order[:exact_deals], order[exact_deals:]
    revenue = np.zeros((simulations, spans))
    if exact.size:
        upper = np.cumsum(pi[exact], axis=1)  # deal won in span k if U in [upper[k-1], upper[k])
        lower = np.hstack([np.zeros((exact.size, 1)), upper[:, :-1]])
        a = amount[exact]
        for first in range(0, simulations, _BLOCK):
            u = rng.random((min(_BLOCK, simulations - first), exact.size))
            for k in range(spans):
                hit = (u >= lower[:, k]) & (u < upper[:, k])
                revenue[first : first + u.shape[0], k] = hit @ a
    if rest.size:
        a2, p = amount[rest] ** 2, pi[rest]
        mean = amount[rest] @ p
        covariance = np.diag(a2 @ p) - p.T @ (p * a2[:, None])
        draws = rng.multivariate_normal(mean, covariance, size=simulations, method="eigh")
        revenue += np.maximum(draws, 0)
    return revenue


def _pipeline(
    frame: DealFrame, open_: np.ndarray, as_of: date, spans: Sequence[tuple[date, date]]
) -> list[Decimal]:
    amounts = frame.amount_exact[open_].tolist()
    due = frame.days_to_close[open_]
    out = []
    for first, last in spans:
        lo, hi = (first - as_of).days, (last - as_of).days
        inside = (due >= lo) & (due <= hi)
        if lo <= 0 <= hi:
            inside |= due < 0
        out.append(sum((a for a, i in zip(amounts, inside.tolist(), strict=True) if i), Decimal(0)))
    return out


def _money(value: float) -> Decimal:
    return Decimal(f"{value:.2f}")


def _outlook(
    span: tuple[date, date], won: Decimal, expected_open: float, revenue: Floats, pipeline: Decimal
) -> Outlook:
    p10, p50, p90 = np.percentile(revenue, [10, 50, 90])
    return Outlook(
        start=span[0],
        end=span[1],
        won=won.quantize(CENT, rounding=ROUND_HALF_UP),
        expected=(won + _money(expected_open)).quantize(CENT, rounding=ROUND_HALF_UP),
        mean=(won + _money(float(revenue.mean()))).quantize(CENT, rounding=ROUND_HALF_UP),
        p10=(won + _money(p10)).quantize(CENT, rounding=ROUND_HALF_UP),
        p50=(won + _money(p50)).quantize(CENT, rounding=ROUND_HALF_UP),
        p90=(won + _money(p90)).quantize(CENT, rounding=ROUND_HALF_UP),
        pipeline=pipeline,
    )
