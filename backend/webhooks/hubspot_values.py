"""HubSpot deal properties as our deal fields: which field, and the value parsed and checked."""

import uuid
from collections.abc import Callable
from datetime import UTC, date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from pydantic import ValidationError

from backend.deals.schemas import DealUpsert
from backend.models import Integration, PipelineStage


class EventIgnored(Exception):
    """Nothing to apply (not handled, or superseded); the reason is kept on the event."""


class EventFailed(Exception):
    """The event cannot be applied as it is (unknown stage, invalid value)."""


def placeholder_title(object_id: int) -> str:
    return f"HubSpot deal {object_id}"


def deal_fields(
    name: str,
    payload: dict[str, Any],
    *,
    stage_by_external_id: Callable[[str], PipelineStage | None],
    integration: Integration | None,
) -> dict[str, Any]:
    """Our deal fields for a change of HubSpot property `name` to the payload's value.

    Stages come from `stage_by_external_id` (what the caller loaded); owners from the
    integration's `owner_map`.
    """
    value = payload.get("propertyValue")
    text = "" if value is None else str(value).strip()
    if name == "dealname":
        return {"title": text}
    if name == "amount":
        return {"amount": _decimal(text) if text else Decimal("0.00")}
    if name == "closedate":
        return {"expected_close_date": _date(text) if text else None}
    if name == "dealstage":
        stage = stage_by_external_id(text)
        if stage is None:
            raise EventFailed(f"HubSpot stage {text!r} matches no stage of this workspace")
        return {"stage_id": stage.id}
    if name == "hubspot_owner_id":
        return {"owner_id": _owner(integration, text)}
    if name == "pipeline":
        raise EventIgnored("deals follow their stage; the stage id says the pipeline")
    raise EventIgnored(f"property {name!r} is not synced")


def new_deal(object_id: int, fields: dict[str, Any]) -> DealUpsert:
    """A deal first heard of: its placeholder title unless the change is its name."""
    return _checked({"title": placeholder_title(object_id), **fields})


def partial(fields: dict[str, Any]) -> DealUpsert:
    """An upsert that changes only `fields` (the title stays unless it is one of them)."""
    checked = _checked({"title": "-", **fields})
    return DealUpsert.model_construct(
        _fields_set=set(fields), **{name: getattr(checked, name) for name in fields}
    )


def _checked(values: dict[str, Any]) -> DealUpsert:
    try:
        return DealUpsert.model_validate(values)
    except ValidationError as exc:
        problems = "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors())
        raise EventFailed(f"invalid value from HubSpot: {problems}") from exc


def _decimal(text: str) -> Decimal:
    try:
        return Decimal(text)
    except InvalidOperation as exc:
        raise EventFailed(f"amount {text!r} is not a number") from exc


def _date(text: str) -> date:
    """HubSpot sends dates as epoch milliseconds; some payloads use ISO 8601."""
    try:
        if text.lstrip("-").isdigit():
            return datetime.fromtimestamp(int(text) / 1000, tz=UTC).date()
        parsed = datetime.fromisoformat(text.replace("Z", "+00:00"))
        # Converting year 9999 or 0001 to UTC can overflow too.
        return parsed.astimezone(UTC).date() if parsed.tzinfo else parsed.date()
    except (ValueError, OverflowError, OSError) as exc:
        raise EventFailed(f"close date {text!r} is neither epoch milliseconds nor ISO") from exc


def _owner(integration: Integration | None, owner: str) -> uuid.UUID | None:
    """The member the integration maps this HubSpot owner to (config `owner_map`)."""
    if not owner:
        return None
    mapped = (integration.config.get("owner_map") or {}).get(owner) if integration else None
    if mapped is None:
        raise EventIgnored(f"HubSpot owner {owner} is not mapped to a member")
    try:
        return uuid.UUID(str(mapped))
    except ValueError as exc:
        raise EventFailed(f"owner_map gives {mapped!r} for {owner}, not a user id") from exc
