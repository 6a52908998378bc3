"""Forged cursors are 400 invalid_cursor, whatever they hold."""

import base64
import json
import uuid
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

import pytest

from kit.errors import BadRequest
from kit.pagination import (
    cursor_date,
    cursor_datetime,
    cursor_decimal,
    cursor_text,
    cursor_uuid,
    decode_cursor,
    encode_cursor,
    or_null,
)

ID = "00000000-0000-0000-0000-000000000001"


def forged(values: Any) -> str:
    return base64.urlsafe_b64encode(json.dumps(values).encode()).decode().rstrip("=")


def test_round_trip() -> None:
    at = datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)
    cursor = encode_cursor([at, Decimal("12.50"), date(2026, 1, 2), "Acme", uuid.UUID(ID)])
    assert decode_cursor(
        cursor, cursor_datetime, cursor_decimal(18, 2), cursor_date, cursor_text, cursor_uuid
    ) == [at, Decimal("12.50"), date(2026, 1, 2), "Acme", uuid.UUID(ID)]
    assert decode_cursor(forged([None, ID]), or_null(cursor_date), cursor_uuid) == [
        None,
        uuid.UUID(ID),
    ]


@pytest.mark.parametrize(
    ("values", "parser"),
    [
        (["1e999999"], cursor_decimal(18, 2)),
        ([1e308], cursor_decimal(18, 2)),
        (["NaN"], cursor_decimal(18, 2)),
        (["0.001"], cursor_decimal(18, 2)),
        (["1" * 5000], cursor_decimal(18, 2)),
        ([True], cursor_decimal(18, 2)),
        (["9999-12-31T23:59:59-12:00"], cursor_datetime),
        (["0001-01-01T00:00:00+14:00"], cursor_datetime),
        (["2026-01-01T00:00:00"], cursor_datetime),  # we always encode an offset
        ([12], cursor_datetime),
        (["2026-02-30"], cursor_date),
        (["a\x00b"], cursor_text),
        (["\ud800"], cursor_text),
        ([["nested"]], cursor_text),
        (["x" * 2000], cursor_text),
        (["not-a-uuid"], cursor_uuid),
    ],
)
def test_forged_values(values: list[Any], parser: Any) -> None:
    with pytest.raises(BadRequest) as caught:
        decode_cursor(forged(values), parser)
    assert caught.value.code == "invalid_cursor"


@pytest.mark.parametrize(
    "cursor",
    [
        "%%%",
        "",
        forged({"a": 1}),
        forged([1, 2, 3]),
        base64.urlsafe_b64encode(b"[" * 700).decode(),  # deep, yet short
        base64.urlsafe_b64encode(b"\xff\xfe").decode(),
        "A" * 5000,
        "é",
    ],
)
def test_malformed_cursors(cursor: str) -> None:
    with pytest.raises(BadRequest) as caught:
        decode_cursor(cursor, cursor_datetime, cursor_uuid)
    assert caught.value.code == "invalid_cursor"


def test_the_count_form_checks_text_and_numbers() -> None:
    assert decode_cursor(forged(["a", 1, None]), 3) == ["a", 1, None]
    infinity = base64.urlsafe_b64encode(b"[1e999]").decode().rstrip("=")
    for cursor in (forged(["\x00"]), infinity):
        with pytest.raises(BadRequest):
            decode_cursor(cursor, 1)
