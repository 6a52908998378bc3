"""HubSpot's webhook body: a JSON array of at most 100 events."""

import hashlib
import json
from datetime import UTC, datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter, ValidationError, model_validator

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

    @property
    def occurred_at(self) -> datetime:
        return datetime.fromtimestamp(self.occurred_at_ms / 1000, tz=UTC)

    def dedupe_key(self) -> str:
        raw = self.model_dump(by_alias=True)
        identity = [raw.get(name) for name in _IDENTITY_FIELDS]
        return hashlib.sha256(json.dumps(identity, default=str).encode()).hexdigest()


_EVENTS = TypeAdapter(list[dict[str, Any]])


def parse_events(body: bytes) -> list[tuple[HubSpotEvent, dict[str, Any]]]:
    """Each event, parsed, beside the raw object it came as."""
    try:
        raw = _EVENTS.validate_json(body)
    except ValidationError as exc:
        raise MalformedBody("the body must be a JSON array of event objects") from exc
    if not raw or len(raw) > MAX_EVENTS:
        raise MalformedBody(f"the body must hold 1 to {MAX_EVENTS} events")
    try:
        return [(HubSpotEvent.model_validate(item), item) for item in raw]
    except ValidationError as exc:
        raise MalformedBody(f"an event is missing or mistypes a field: {exc.errors()[0]}") from exc
