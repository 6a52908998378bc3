"""Issue 10: values from HubSpot and Notion that no column can hold never crash a batch."""

import json
from datetime import UTC, datetime

import pytest

from backend.hubspot.mapping import decimal_or_none, instant
from backend.notion import values as notion
from backend.webhooks.hubspot_values import EventFailed, _date
from backend.webhooks.schemas import parse_batch


def test_a_webhook_body_with_nul_is_stored_without_it() -> None:
    event = {
        "portalId": 1,
        "occurredAt": 1_700_000_000_000,
        "subscriptionType": "deal.propertyChange",
        "objectId": 5,
        "propertyName": "dealname",
        "propertyValue": "Ac\u0000me",
    }
    batch = parse_batch(json.dumps([event]).encode())
    assert "\\u0000" not in batch.body
    assert json.loads(batch.body)[0]["propertyValue"] == "Acme"
    plain = json.dumps([{**event, "propertyValue": "Acme"}]).encode()
    assert parse_batch(plain).body == plain.decode()  # untouched when there is nothing to drop


@pytest.mark.parametrize(
    "value", ["9999-12-31T23:59:59-12:00", "0001-01-01T00:00:00+14:00", "9" * 30]
)
def test_a_hubspot_close_date_beyond_python_is_a_failed_event(value: str) -> None:
    with pytest.raises(EventFailed):
        _date(value)


def test_hubspot_sync_values_beyond_the_columns_are_unreadable() -> None:
    assert instant("9999-12-31T23:59:59-12:00") is None
    assert instant("9" * 30) is None
    assert instant("2026-01-02T03:04:05+01:00") == datetime(2026, 1, 2, 2, 4, 5, tzinfo=UTC)
    assert decimal_or_none("1e999999") is None
    assert decimal_or_none("12.345") is not None


def test_notion_text_loses_its_nul_characters() -> None:
    assert notion.plain_text([{"plain_text": "Ac\u0000"}, {"plain_text": "me"}]) == "Acme"
    assert notion.option({"type": "select", "select": {"name": "Won\u0000"}}) == "Won"


def test_notion_dates_beyond_the_bounds_are_unreadable() -> None:
    assert notion.timestamp("9999-12-31T23:59:59-12:00") is None
    assert notion.timestamp("2026-01-02T03:04:05.000Z") == datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)
    assert notion.day({"type": "date", "date": {"start": "0001-01-01"}}) is None
