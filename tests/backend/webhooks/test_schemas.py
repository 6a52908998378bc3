"""Parsing a delivery: the fast reading of HubSpot-typed events agrees with the model's."""

import hashlib
import json
from typing import Any

import pytest

from backend.webhooks.schemas import HubSpotEvent, MalformedBody, parse_batch
from tests.backend.webhooks.factories import change, event
from tests.shared_data import SHARED_DATA

PAYLOADS = SHARED_DATA / "hubspot" / "payloads"


def model_key(item: dict[str, Any]) -> str:
    """The dedupe key as the model computes it (the rule stored keys were made by)."""
    identity = HubSpotEvent.model_validate(item).identity()
    return hashlib.sha256(json.dumps(identity, default=str).encode()).hexdigest()


def shared_events() -> list[dict[str, Any]]:
    delivery = json.loads((PAYLOADS / "prismatic_example_delivery_with_headers.json").read_text())
    return [
        *json.loads((PAYLOADS / "docs_legacy_webhooks_example_batch.json").read_text()),
        *json.loads((PAYLOADS / "docs_v1_validation_example_body.raw.json").read_text()),
        *delivery["body"],
    ]


ODD_SHAPES = [
    # Coerced by the model: the key must be the one the model's values give.
    {**event("deal.creation", 1, 1000), "portalId": "62515"},
    {**event("deal.creation", 1, 1000), "objectId": "7"},
    {**event("deal.creation", 1, 1000), "occurredAt": 1000.0},
    # The classic docs' `eventType`, and a field given by its Python name.
    {k: v for k, v in event("deal.creation", 1, 1000).items() if k != "subscriptionType"}
    | {"eventType": "deal.creation"},
    {**event("deal.creation", 1, 1000), "object_id": 9},
    {**change(1, "amount", "10", 2000), "propertyValue": 10.5},
    {
        **event("deal.merge", 1, 3000),
        "primaryObjectId": 1,
        "mergedObjectIds": [2, 3],
        "newObjectId": 4,
    },
]


@pytest.mark.parametrize("item", shared_events() + ODD_SHAPES)
def test_each_event_gets_the_key_the_model_gives_it(item: dict[str, Any]) -> None:
    [parsed] = parse_batch(json.dumps([item]).encode()).events

    assert parsed.dedupe_key == model_key(item)
    assert parsed.portal_id == HubSpotEvent.model_validate(item).portal_id


def test_a_repeated_event_counts_once_at_its_last_position() -> None:
    first, second = event("deal.creation", 1, 1000), change(1, "amount", "10", 2000)

    batch = parse_batch(json.dumps([first, second, {**first, "eventId": 7}]).encode())

    assert [(e.position, e.dedupe_key) for e in batch.events] == [
        (2, model_key(second)),
        (3, model_key(first)),
    ]


def test_the_body_is_kept_as_sent() -> None:
    body = json.dumps([event("deal.creation", 1, 1000)], indent=2).encode()

    assert parse_batch(body).body == body.decode()


@pytest.mark.parametrize(
    "item",
    [
        {**event("deal.creation", 1, 1000), "portalId": None},
        {**event("deal.creation", 1, 1000), "occurredAt": "soon"},
        {**event("deal.creation", 1, 1000), "subscriptionType": ""},
        {**event("deal.creation", 1, 1000), "objectId": [1]},
    ],
    ids=["no-portal", "bad-occurred-at", "empty-type", "bad-object-id"],
)
def test_a_mistyped_event_is_malformed(item: dict[str, Any]) -> None:
    with pytest.raises(MalformedBody):
        parse_batch(json.dumps([item]).encode())


def test_a_body_that_is_not_utf8_is_malformed() -> None:
    with pytest.raises(MalformedBody):
        parse_batch(b'[{"portalId": 1, "x": "\xff"}]')
