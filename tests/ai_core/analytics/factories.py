"""Deal snapshots for the engine's tests: healthy by default, one field away from a signal."""

from decimal import Decimal
from typing import Any

from ai_core.analytics import DealFeatures

HEALTHY: dict[str, Any] = {
    "title": "Healthy deal",
    "stage_id": "propose",
    "stage_name": "Proposal",
    "stage_probability": 0.4,
    "rotting_days": 21,
    "typical_won_days_in_stage": 20.0,
    "days_in_stage": 5.0,
    "days_since_last_activity": 2.0,
    "calls_14d": 2,
    "emails_14d": 3,
    "calls_30d": 3,
    "emails_30d": 5,
    "calls_90d": 6,
    "emails_90d": 9,
    "scheduled_activities": 1,
    "close_date_pushes": 0,
    "days_to_close": 45,
    "amount": Decimal("10000.00"),
    "source": "manual",
    "owner_id": "owner-1",
    "contact_count": 3,
    "age_days": 40.0,
}


def deal(deal_id: str = "deal-1", **changes: Any) -> DealFeatures:
    return DealFeatures(deal_id=deal_id, **{**HEALTHY, **changes})
