"""HubSpot's 5-minute window applies both ways: a v3 timestamp ahead of now is not fresh."""

import json
import time

import pytest
from httpx import AsyncClient

from backend.webhooks.hubspot_signature import InvalidSignature, expected_signature, verify
from tests.backend.webhooks.factories import WEBHOOK_PATH, event, signed_headers

SECRET = "window-test-client-secret-0123"
URI = "https://crm.example.com/api/v1/webhooks/hubspot"
BODY = b'[{"portalId": 1}]'
NOW_MS = 1_765_000_000_000
MINUTE_MS = 60 * 1000


def _verify_at(timestamp: str) -> None:
    signature = expected_signature(
        version="v3", client_secret=SECRET, method="POST", uri=URI, body=BODY, timestamp=timestamp
    )
    verify(
        {"x-hubspot-signature-v3": signature, "x-hubspot-request-timestamp": timestamp},
        client_secret=SECRET,
        method="POST",
        uri=URI,
        body=BODY,
        now_ms=NOW_MS,
    )


@pytest.mark.parametrize(
    "offset_ms", [-5 * MINUTE_MS, -MINUTE_MS, 0, MINUTE_MS, 5 * MINUTE_MS], ids=str
)
def test_a_timestamp_within_five_minutes_either_way_verifies(offset_ms: int) -> None:
    _verify_at(str(NOW_MS + offset_ms))


@pytest.mark.parametrize(
    "offset_ms",
    [
        5 * MINUTE_MS + 1,  # just past the window, ahead
        60 * MINUTE_MS,  # an hour ahead
        10 * 365 * 24 * 60 * MINUTE_MS,  # ten years ahead
        -(5 * MINUTE_MS + 1),  # just past the window, behind
    ],
    ids=["5min+1ms-ahead", "1h-ahead", "10y-ahead", "5min+1ms-behind"],
)
def test_a_timestamp_outside_five_minutes_either_way_fails(offset_ms: int) -> None:
    with pytest.raises(InvalidSignature):
        _verify_at(str(NOW_MS + offset_ms))


@pytest.mark.parametrize("timestamp", ["", "-1", "1e12", "²", "9" * 40])
def test_a_timestamp_that_is_not_plain_milliseconds_fails(timestamp: str) -> None:
    with pytest.raises(InvalidSignature):
        _verify_at(timestamp)


@pytest.mark.parametrize("ahead_ms", [60 * MINUTE_MS, 10 * 365 * 24 * 60 * MINUTE_MS])
async def test_the_endpoint_refuses_a_delivery_stamped_in_the_future(
    client: AsyncClient, ahead_ms: int
) -> None:
    body = json.dumps([event("deal.creation", 1, int(time.time() * 1000))]).encode()
    headers = signed_headers(body, timestamp_ms=int(time.time() * 1000) + ahead_ms)

    response = await client.post(WEBHOOK_PATH, content=body, headers=headers)

    assert response.status_code == 401
    assert response.json()["error"]["code"] == "invalid_signature"
