"""The seven risk rules, each an array operation over all deals.

Severity is 0..1: 0.25 or more means "worth a look" and 1 means "act today". Each rule
states when it fires and how its severity grows, and returns the deals it fires on with
the numbers it rests on (evidence), column by column.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum

import numpy as np

from ai_core.analytics.features import OwnerActivity
from ai_core.analytics.frame import DealFrame, Floats, Ints

EvidenceValue = int | float | str | Decimal | None


class SignalKind(StrEnum):
    stalled = "stalled"
    stuck = "stuck"
    slipping = "slipping"
    high_value_low_probability = "high_value_low_probability"
    closing_soon_unscheduled = "closing_soon_unscheduled"
    single_threaded = "single_threaded"
    owner_activity_drop = "owner_activity_drop"


@dataclass(frozen=True)
class Thresholds:
    """When the rules fire; the defaults are the ones the product documents."""

    slipping_pushes: int = 2
    high_value_quantile: float = 0.75
    low_probability: float = 0.25
    closing_soon_days: int = 14
    owner_drop_ratio: float = 0.5
    # Below this many activities per 14 days an owner's drop is noise, not a signal.
    owner_min_activities: float = 5.0


DEFAULT_THRESHOLDS = Thresholds()


@dataclass(frozen=True)
class Fired:
    kind: SignalKind
    index: Ints
    severity: Floats
    evidence: dict[str, list[EvidenceValue]]


def _ramp(ratio: Floats, full_at: float) -> Floats:
    """0.25 just past the threshold (ratio 1), rising linearly to 1 at `full_at` x it."""
    return 0.25 + 0.75 * np.clip((ratio - 1) / (full_at - 1), 0, 1)


def _days(values: Floats) -> list[EvidenceValue]:
    return [None if v != v else v for v in np.round(values, 1).tolist()]  # NaN -> None


def _amounts(frame: DealFrame, index: Ints) -> list[EvidenceValue]:
    return frame.amount_exact[index].tolist()


def stalled(frame: DealFrame) -> Fired:
    """Idle longer than the stage's rotting_days; 3x the threshold is critical.

    A deal with no activity ever has been idle since it was created (or, if that is
    unknown, since it entered the stage).
    """
    fallback = np.where(np.isnan(frame.age_days), frame.days_in_stage, frame.age_days)
    last = frame.days_since_last_activity
    idle = np.where(np.isnan(last), fallback, last)
    with np.errstate(invalid="ignore"):
        fires = frame.is_open & (idle > frame.rotting_days)
    index = np.flatnonzero(fires)
    ratio = idle[index] / frame.rotting_days[index]
    return Fired(
        SignalKind.stalled,
        index,
        _ramp(ratio, full_at=3),
        {
            "days_idle": _days(idle[index]),
            "days_since_last_activity": _days(frame.days_since_last_activity[index]),
            "rotting_days": frame.rotting_days[index].astype(int).tolist(),
            "days_over": _days(idle[index] - frame.rotting_days[index]),
            "stage": frame.stage_name[index].tolist(),
        },
    )


def stuck(frame: DealFrame) -> Fired:
    """Longer in its stage than 3 in 4 won deals were (the p75); 3x that is critical."""
    typical = np.maximum(frame.typical_won_days_in_stage, 1.0)
    with np.errstate(invalid="ignore"):
        fires = frame.is_open & (frame.days_in_stage > typical)
    index = np.flatnonzero(fires)
    return Fired(
        SignalKind.stuck,
        index,
        _ramp(frame.days_in_stage[index] / typical[index], full_at=3),
        {
            "days_in_stage": _days(frame.days_in_stage[index]),
            "typical_won_days_in_stage": _days(frame.typical_won_days_in_stage[index]),
            "stage": frame.stage_name[index].tolist(),
        },
    )


def slipping(frame: DealFrame, t: Thresholds) -> Fired:
    """Close date pushed >= 2 times, or past due while open.

    Pushes: 0.4 at two, +0.15 per further push. Past due: 0.4 plus up to 0.6 as it
    nears 60 days late. The worse of the two counts.
    """
    pushes = frame.close_date_pushes
    past_due = np.nan_to_num(-frame.days_to_close, nan=0.0)
    fires = frame.is_open & ((pushes >= t.slipping_pushes) | (past_due > 0))
    index = np.flatnonzero(fires)
    push_severity = np.where(
        pushes[index] >= t.slipping_pushes, np.minimum(1.0, 0.1 + 0.15 * pushes[index]), 0.0
    )
    late = past_due[index]
    late_severity = np.where(late > 0, 0.4 + 0.6 * np.minimum(late / 60, 1.0), 0.0)
    return Fired(
        SignalKind.slipping,
        index,
        np.maximum(push_severity, late_severity),
        {
            "close_date_pushes": pushes[index].tolist(),
            "days_past_close": np.maximum(late, 0).astype(int).tolist(),
            "days_to_close": _days(frame.days_to_close[index]),
        },
    )


def high_value_low_probability(frame: DealFrame, probability: Floats, t: Thresholds) -> Fired:
    """Amount in the top quartile of the open deals, yet win probability under 25%.

    0.4 at the probability threshold, rising to 1 as the probability nears 0.
    """
    open_amounts = frame.amount[frame.is_open]
    if open_amounts.size == 0:
        return Fired(SignalKind.high_value_low_probability, np.empty(0, np.int64), np.empty(0), {})
    floor = float(np.quantile(open_amounts, t.high_value_quantile))
    fires = (
        frame.is_open
        & (frame.amount >= floor)
        & (frame.amount > 0)
        & (probability < t.low_probability)
    )
    index = np.flatnonzero(fires)
    p = probability[index]
    return Fired(
        SignalKind.high_value_low_probability,
        index,
        0.4 + 0.6 * (t.low_probability - p) / t.low_probability,
        {
            "amount": _amounts(frame, index),
            "top_quartile_amount": [Decimal(f"{floor:.2f}")] * index.size,
            "win_probability": np.round(p, 3).tolist(),
            "probability_threshold": [t.low_probability] * index.size,
        },
    )


def closing_soon_unscheduled(frame: DealFrame, t: Thresholds) -> Fired:
    """Expected to close within 14 days with nothing scheduled.

    0.3, plus up to 0.4 as the close date nears today, plus 0.3 when nothing was done
    in the last 14 days either.
    """
    days = frame.days_to_close
    recent = frame.activity_total(14)
    with np.errstate(invalid="ignore"):
        fires = (
            frame.is_open
            & (days >= 0)
            & (days <= t.closing_soon_days)
            & (frame.scheduled_activities == 0)
        )
    index = np.flatnonzero(fires)
    nearness = 1 - days[index] / t.closing_soon_days
    return Fired(
        SignalKind.closing_soon_unscheduled,
        index,
        0.3 + 0.4 * nearness + 0.3 * (recent[index] == 0),
        {
            "days_to_close": days[index].astype(int).tolist(),
            "scheduled_activities": frame.scheduled_activities[index].tolist(),
            "activities_last_14_days": recent[index].tolist(),
        },
    )


def single_threaded(frame: DealFrame) -> Fired:
    """One contact (or none) on the deal: 0.2, up to 0.6 as the stage nears the close."""
    index = np.flatnonzero(frame.is_open & (frame.contact_count <= 1))
    return Fired(
        SignalKind.single_threaded,
        index,
        0.2 + 0.4 * frame.stage_probability[index],
        {
            "contact_count": frame.contact_count[index].tolist(),
            "stage_probability": np.round(frame.stage_probability[index], 3).tolist(),
        },
    )


def owner_activity_drop(frame: DealFrame, owners: Sequence[OwnerActivity], t: Thresholds) -> Fired:
    """The owner did under half their usual activities in the last 14 days.

    "Usual" is the previous 4 weeks' count halved (their average per 14 days); owners
    averaging under 5 per 14 days are skipped. Every open deal of the owner carries it:
    0.3 at the threshold, up to 0.8 when the owner went silent.
    """
    drops = {o.owner_id: o for o in owner_activity_drops(owners, t)}
    if not drops:
        return Fired(SignalKind.owner_activity_drop, np.empty(0, np.int64), np.empty(0), {})
    owned = np.fromiter((o in drops for o in frame.owner_id.tolist()), np.bool_, len(frame))
    fires = frame.is_open & owned
    index = np.flatnonzero(fires)
    owners_hit = [drops[o] for o in frame.owner_id[index].tolist()]
    ratio = np.array([o.ratio for o in owners_hit], dtype=np.float64)
    return Fired(
        SignalKind.owner_activity_drop,
        index,
        0.3 + 0.5 * (t.owner_drop_ratio - ratio) / t.owner_drop_ratio,
        {
            "owner_id": [o.owner_id for o in owners_hit],
            "owner_activities_last_14_days": [o.last_14_days for o in owners_hit],
            "owner_average_per_14_days": [o.usual_per_14_days for o in owners_hit],
            "activity_ratio": [o.ratio for o in owners_hit],
        },
    )


@dataclass(frozen=True, slots=True)
class OwnerDrop:
    owner_id: str
    last_14_days: int
    usual_per_14_days: float
    ratio: float


def owner_activity_drops(
    owners: Sequence[OwnerActivity], thresholds: Thresholds = DEFAULT_THRESHOLDS
) -> list[OwnerDrop]:
    """Owners whose last 14 days fell under half their previous 4-week average."""
    drops = []
    for owner in owners:
        usual = owner.previous_28_days / 2
        if usual < thresholds.owner_min_activities:
            continue
        ratio = owner.last_14_days / usual
        if ratio < thresholds.owner_drop_ratio:
            drops.append(OwnerDrop(owner.owner_id, owner.last_14_days, usual, round(ratio, 3)))
    return drops
