"""Issue 10: a snapshot's dates and numbers are bounded (kit.fields): out of range is a 422.

Unbounded, a year-9999 `as_of`, an integer beyond int64 or a day count of 1e308 overflowed
the numpy analytics or came back as inf/nan that cannot be sent as JSON: a 500.
"""

import json
from collections.abc import Callable
from typing import Any

import pytest
from httpx import AsyncClient

from tests.ai_core.insights.factories import snapshot
from tests.ai_core.insights.test_router import TOKEN, URL, ai_core  # noqa: F401


def setter(*path: Any) -> Callable[[dict[str, Any], Any], None]:
    def put(body: dict[str, Any], value: Any) -> None:
        target = body
        for part in path[:-1]:
            target = target[part]
        target[path[-1]] = value

    return put


CASES = [
    ("as_of", setter("as_of"), "9999-12-31T23:59:59-12:00"),
    ("as_of", setter("as_of"), "0001-01-01T00:00:00+14:00"),
    ("period_end", setter("period_end"), "9999-12-31"),
    ("closed_on", setter("closed_deals", "closed_on", 0), "0001-01-01"),
    ("days_to_close", setter("open_deals", "days_to_close", 0), 2**70),
    ("days_in_stage", setter("open_deals", "days_in_stage", 0), 1e308),
    ("entered", setter("visits", "entered", 0), -1e300),
    ("amount", setter("open_deals", "amount", 0), "1E+200000"),
    ("target", setter("target"), "1e999999"),
    ("position", setter("stages", 0, "position"), 2**63),
    ("activity", setter("open_deals", "activity", 0, 0), 2**40),
]


@pytest.mark.parametrize(("field", "put", "value"), CASES)
async def test_out_of_range_values_are_refused(
    ai_core: AsyncClient,  # noqa: F811
    field: str,
    put: Callable[[dict[str, Any], Any], None],
    value: Any,
) -> None:
    body = snapshot(5, closed=20)
    put(body, value)
    response = await ai_core.post(URL, json=body, headers=TOKEN)
    assert response.status_code == 422, response.text
    assert field in json.dumps(response.json()["error"]["details"])


async def test_nan_is_refused(ai_core: AsyncClient) -> None:  # noqa: F811
    body = snapshot(5, closed=20)
    raw = json.dumps(body).replace('"slip_days": [0', '"slip_days": [NaN', 1)
    response = await ai_core.post(
        URL, content=raw, headers={**TOKEN, "content-type": "application/json"}
    )
    assert response.status_code == 422, response.text
