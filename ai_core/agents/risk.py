"""Risk signals for deals read through the API, by the deterministic engine.

The snapshot is built from what the REST API shows: the deal's own fields, its stage's
rotting threshold and its activities. Two engine inputs are not available there and are
left out rather than guessed: how long won deals typically stayed in a stage (so `stuck`
does not fire) and how many contacts a deal has beyond the one recorded (so
`single_threaded` is kept only for deals with no contact at all).
"""

from collections import Counter
from collections.abc import Iterable, Sequence
from datetime import datetime, timedelta
from typing import Any

from ai_core.agents.views import JSON, days_since, parse_time
from ai_core.analytics import (
    DealFeatures,
    DealRisk,
    OwnerActivity,
    RiskSignal,
    SignalKind,
    detect,
    rank,
)
from ai_core.analytics.features import ACTIVITY_TYPES, WINDOWS

SCHEDULABLE = ("call", "meeting", "task")


def snapshot(
    deal: JSON, stage: JSON | None, activities: Iterable[JSON], now: datetime
) -> DealFeatures:
    """The engine's input for one deal as it stands now."""
    counts: Counter[str] = Counter()
    scheduled = 0
    for activity in activities:
        kind = activity["type"]
        done_at = parse_time(activity.get("completed_at"))
        if done_at is None:
            planned = parse_time(activity.get("scheduled_at"))
            scheduled += kind in SCHEDULABLE and planned is not None and planned > now
            continue
        if kind not in ACTIVITY_TYPES:
            continue
        age = (now - done_at).total_seconds() / 86400
        for window in WINDOWS:
            if 0 <= age <= window:
                counts[f"{kind}s_{window}d"] += 1
    close = deal.get("expected_close_date")
    days_to_close = None
    if close:
        days_to_close = (datetime.fromisoformat(close).date() - now.date()).days
    fields: dict[str, Any] = dict(
        deal_id=deal["id"],
        title=deal["title"],
        stage_id=deal["stage_id"],
        stage_name=deal["stage_name"],
        stage_kind=deal["stage_kind"],
        stage_probability=min(max(float(deal["probability"]) / 100, 0.0), 1.0),
        rotting_days=(stage or {}).get("rotting_days"),
        days_in_stage=days_since(deal["stage_entered_at"], now) or 0.0,
        days_since_last_activity=days_since(deal.get("last_activity_at"), now),
        scheduled_activities=scheduled,
        close_date_pushes=deal.get("close_date_push_count", 0),
        days_to_close=days_to_close,
        amount=deal["amount"],
        source=deal.get("source", "manual"),
        owner_id=deal.get("owner_id"),
        contact_count=1 if deal.get("contact_name") or deal.get("contact_email") else 0,
        age_days=days_since(deal.get("created_at"), now),
    )
    return DealFeatures.model_validate({**fields, **counts})


def owner_activity(activities: Iterable[JSON], now: datetime) -> list[OwnerActivity]:
    """Done activities per owner: the last 14 days and the 28 days before them."""
    recent: Counter[str] = Counter()
    before: Counter[str] = Counter()
    for activity in activities:
        done_at = parse_time(activity.get("completed_at"))
        owner = activity.get("owner_id")
        if done_at is None or owner is None or activity["type"] not in ACTIVITY_TYPES:
            continue
        age = now - done_at
        if timedelta(0) <= age <= timedelta(days=14):
            recent[owner] += 1
        elif age <= timedelta(days=42):
            before[owner] += 1
    return [
        OwnerActivity(owner_id=o, last_14_days=recent[o], previous_28_days=before[o])
        for o in sorted(set(recent) | set(before))
    ]


def assess(
    deals: list[DealFeatures],
    owners: Sequence[OwnerActivity] = (),
    *,
    limit: int | None = None,
    alone: bool = False,
) -> list[DealRisk]:
    """The engine's signals, most value at risk first.

    `alone`: the deals are not the whole pipeline, so "top quartile by amount" means nothing.
    """
    if not deals:
        return []
    contacts = {d.deal_id: d.contact_count for d in deals}
    signals = [
        s
        for s in detect(deals, owner_activity=owners)
        if (s.kind != SignalKind.single_threaded or contacts[s.deal_id] == 0)
        and not (alone and s.kind == SignalKind.high_value_low_probability)
    ]
    return rank(deals, signals, limit=limit)


def signal_view(signal: RiskSignal) -> JSON:
    return {
        "kind": signal.kind.value,
        "level": signal.level.value,
        "severity": signal.severity,
        "evidence": signal.evidence,
    }


def risk_view(risk: DealRisk) -> JSON:
    return {
        "risk": risk.risk,
        "level": risk.level.value,
        "value_at_risk": str(risk.value_at_risk),
        "signals": [signal_view(s) for s in risk.signals],
    }
