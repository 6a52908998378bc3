"""HubSpot's webhook body: a JSON array of at most 100 events."""

import hashlib
import json
from dataclasses import dataclass
from typing import Any, NamedTuple

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter, ValidationError, model_validator

from kit.text import storable_deep

MAX_EVENTS = 100
# What tells two events apart; eventId alone does not (HubSpot does not keep it unique).
_IDENTITY_FIELDS = (
    "portalId",
    "subscriptionType",
    "objectId",
    "propertyName",
    "propertyValue",
    "occurredAt",
    "associationType",
    "fromObjectId",
    "toObjectId",
    "associationRemoved",
    "primaryObjectId",
    "mergedObjectIds",
    "newObjectId",
)


class MalformedBody(Exception):
    """The body is not what HubSpot sends."""


class HubSpotEvent(BaseModel):
    """One event; unknown fields are kept, since the raw event is stored as it came."""

    model_config = ConfigDict(extra="allow", populate_by_name=True)

    portal_id: int = Field(alias="portalId")
    occurred_at_ms: int = Field(alias="occurredAt")
    subscription_type: str = Field(alias="subscriptionType", min_length=1, max_length=100)
    object_id: int | None = Field(default=None, alias="objectId")

    @model_validator(mode="before")
    @classmethod
    def _event_type_is_an_alias(cls, data: Any) -> Any:
        # The classic docs call the type `eventType`; current deliveries `subscriptionType`.
        if isinstance(data, dict) and "subscriptionType" not in data and "eventType" in data:
            return {**data, "subscriptionType": data["eventType"]}
        return data

    def identity(self) -> list[Any]:
        raw = self.model_dump(by_alias=True)
        return [raw.get(name) for name in _IDENTITY_FIELDS]


class ParsedEvent(NamedTuple):
    """What the request side needs of one event; the event itself stays in the body."""

    position: int  # 1-based, in the body's array
    portal_id: int
    occurred_at_ms: int
    dedupe_key: str


@dataclass(frozen=True)
class HubSpotBatch:
    """A delivery: its body as sent and one parsed event per distinct dedupe key."""

    body: str
    events: list[ParsedEvent]

    @property
    def portal_ids(self) -> set[int]:
        return {event.portal_id for event in self.events}


_EVENTS = TypeAdapter(list[dict[str, Any]])
_IDENTITY_JSON = json.JSONEncoder(default=str)  # json.dumps(..., default=str), built once
_FIELD_NAMES = frozenset(HubSpotEvent.model_fields)


def parse_batch(body: bytes) -> HubSpotBatch:
    """The delivery's events, checked; a repeated event (same dedupe key) counts once."""
    try:
        raw = _EVENTS.validate_json(body)
        text = body.decode()
    except (ValidationError, UnicodeDecodeError) as exc:
        raise MalformedBody("the body must be a JSON array of event objects") from exc
    if not raw or len(raw) > MAX_EVENTS:
        raise MalformedBody(f"the body must hold 1 to {MAX_EVENTS} events")
    if b"\\u" in body:
        # The body is stored as jsonb, which refuses a \u0000 escape: such text loses its NULs.
        cleaned = storable_deep(raw)
        if cleaned != raw:
            raw, text = cleaned, json.dumps(cleaned)
    by_key: dict[str, ParsedEvent] = {}
    for position, item in enumerate(raw, start=1):
        portal_id, occurred_at_ms, identity = _identity(item)
        key = hashlib.sha256(_IDENTITY_JSON.encode(identity).encode()).hexdigest()
        # The last of a repeated event is the one kept.
        by_key[key] = ParsedEvent(position, portal_id, occurred_at_ms, key)
    return HubSpotBatch(text, sorted(by_key.values(), key=lambda event: event.position))


def _identity(item: dict[str, Any]) -> tuple[int, int, list[Any]]:
    """The event's portal, occurredAt and identity, exactly as `HubSpotEvent` reads them.

    Events typed as HubSpot sends them are read directly (validating 100 models per request
    costs more than the rest of the request); any other shape goes through the model, whose
    coercions and errors stay the rule.
    """
    event_type = item["subscriptionType"] if "subscriptionType" in item else item.get("eventType")
    object_id = item.get("objectId")
    if (
        type(item.get("portalId")) is int
        and type(item.get("occurredAt")) is int
        and type(event_type) is str
        and 1 <= len(event_type) <= 100
        and (object_id is None or type(object_id) is int)
        and _FIELD_NAMES.isdisjoint(item)
    ):
        typed = item if "subscriptionType" in item else {**item, "subscriptionType": event_type}
        return item["portalId"], item["occurredAt"], [typed.get(n) for n in _IDENTITY_FIELDS]
    try:
        event = HubSpotEvent.model_validate(item)
    except ValidationError as exc:
        raise MalformedBody(f"an event is missing or mistypes a field: {exc.errors()[0]}") from exc
    return event.portal_id, event.occurred_at_ms, event.identity()
