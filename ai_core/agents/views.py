"""Compact views of backend records for the model: few fields, exact numbers, deal links."""

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

JSON = dict[str, Any]


class QueryError(Exception):
    """Arguments the tools cannot use (an unknown stage, a malformed id); fit for the model."""


@dataclass(frozen=True)
class Found:
    """A tool's answer: data for the model, and one line for the user's tool indicator."""

    data: JSON
    summary: str


def deal_link(deal_id: str) -> str:
    return f"/deals/{deal_id}"


def parse_time(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


def days_since(value: str | None, now: datetime) -> float | None:
    moment = parse_time(value)
    if moment is None:
        return None
    return round(max((now - moment).total_seconds(), 0.0) / 86400, 1)


def owner_names(members: list[JSON]) -> dict[str, str]:
    return {str(m["user_id"]): m["name"] or m["email"] for m in members}


def deal_card(deal: JSON, owners: dict[str, str], now: datetime) -> JSON:
    """The fields a sales leader asks about; `link` is what answers cite."""
    owner_id = deal.get("owner_id")
    return {
        "id": deal["id"],
        "title": deal["title"],
        "link": deal_link(deal["id"]),
        "amount": deal["amount"],
        "currency": deal["currency"],
        "stage": deal["stage_name"],
        "status": deal["stage_kind"],
        "win_probability_pct": deal["probability"],
        "expected_close_date": deal.get("expected_close_date"),
        "company": deal.get("company"),
        "owner": owners.get(str(owner_id), "unknown") if owner_id else None,
        "days_in_stage": days_since(deal.get("stage_entered_at"), now),
        "days_since_last_activity": days_since(deal.get("last_activity_at"), now),
        "close_date_pushes": deal.get("close_date_push_count", 0),
        "rotting": deal.get("is_rotting", False),
    }


def money(value: str | Decimal) -> str:
    """An amount as people read it: 12,000.00."""
    return f"{Decimal(value):,.2f}"


def iso(value: date | None) -> str | None:
    return value.isoformat() if value else None


def clip(text: str | None, limit: int) -> str | None:
    if text is None:
        return None
    return text if len(text) <= limit else text[: limit - 1] + "…"
