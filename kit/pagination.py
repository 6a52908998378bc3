"""Keyset (cursor) pagination: stable while rows are inserted or deleted between pages.

A cursor is the sort key of a page's last row, as base64url JSON. Clients can forge one, so
decoding checks every value's type and range (`decode_cursor(cursor, cursor_datetime,
cursor_uuid)`) and answers 400 `invalid_cursor` for anything else: no forged value can
reach the database as something it cannot hold (a NUL, `1e999999`, year 10000).
"""

import base64
import binascii
import enum
import json
import math
import uuid
from collections.abc import Callable
from datetime import UTC, date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from kit.errors import BadRequest
from kit.text import problem

# Far more than any cursor we issue (a sort value, a timestamp and an id).
MAX_CURSOR_CHARS = 1024
MAX_TEXT_CHARS = 1000
# Datetimes from our own rows, read back: any year a timestamptz column may hold and Python
# can still convert between offsets.
MIN_CURSOR_YEAR, MAX_CURSOR_YEAR = 2, 9998

CursorField = Callable[[Any], Any]


def encode_cursor(values: list[Any]) -> str:
    """Encode the sort key of the last row of a page (e.g. [created_at, id])."""
    raw = json.dumps([_to_json(v) for v in values], separators=(",", ":"))
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def invalid_cursor() -> BadRequest:
    return BadRequest("The cursor is not valid.", code="invalid_cursor")


def decode_cursor(cursor: str, *fields: CursorField | int) -> list[Any]:
    """The cursor's values, each read by its field parser (`cursor_uuid`, ...).

    Any malformed cursor, a value of the wrong type or out of range, is BadRequest
    `invalid_cursor`. Given a single count instead of parsers (the old form), the values
    come back as raw JSON, checked only for storable text and finite numbers.
    """
    if len(fields) == 1 and isinstance(fields[0], int):
        parsers: list[CursorField] = [_raw] * fields[0]
    else:
        parsers = [f for f in fields if not isinstance(f, int)]
    if not isinstance(cursor, str) or len(cursor) > MAX_CURSOR_CHARS:
        raise invalid_cursor()
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        values = json.loads(base64.urlsafe_b64decode(padded.encode("ascii")))
    except (ValueError, UnicodeError, binascii.Error, RecursionError) as exc:
        raise invalid_cursor() from exc
    if not isinstance(values, list) or len(values) != len(parsers):
        raise invalid_cursor()
    try:
        return [parse(value) for parse, value in zip(parsers, values, strict=True)]
    except (TypeError, ValueError, ArithmeticError) as exc:
        raise invalid_cursor() from exc


def _raw(value: Any) -> Any:
    if value is None or isinstance(value, bool | int):
        return value
    if isinstance(value, float):
        if not math.isfinite(value):
            raise ValueError("not a finite number")
        return value
    return cursor_text(value)


def cursor_text(value: Any) -> str:
    if not isinstance(value, str) or len(value) > MAX_TEXT_CHARS or problem(value):
        raise ValueError("not a storable string")
    return value


def cursor_uuid(value: Any) -> uuid.UUID:
    return uuid.UUID(cursor_text(value))


def cursor_datetime(value: Any) -> datetime:
    """An ISO datetime with an offset (as we encode them), in UTC."""
    parsed = datetime.fromisoformat(cursor_text(value))
    if parsed.tzinfo is None or not MIN_CURSOR_YEAR <= parsed.year <= MAX_CURSOR_YEAR:
        raise ValueError("not an aware datetime in range")
    return parsed.astimezone(UTC)


def cursor_date(value: Any) -> date:
    text = cursor_text(value)
    if len(text) != 10:
        raise ValueError("not an ISO date")
    return date.fromisoformat(text)


def cursor_decimal(precision: int, scale: int) -> CursorField:
    """A parser of a numeric(precision, scale) value, as a string or a number."""

    def parse(value: Any) -> Decimal:
        if isinstance(value, bool) or not isinstance(value, str | int | float):
            raise ValueError("not a number")
        if isinstance(value, str):
            cursor_text(value)
        try:
            number = Decimal(str(value)) if len(str(value)) <= 100 else None
        except InvalidOperation as exc:
            raise ValueError("not a number") from exc
        if number is None or not number.is_finite():
            raise ValueError("not a finite number")
        quantized = number.quantize(Decimal(1).scaleb(-scale)) if number.adjusted() < 100 else None
        if quantized is None or quantized != number or len(quantized.as_tuple().digits) > precision:
            raise ValueError(f"not a numeric({precision}, {scale})")
        return quantized

    return parse


def cursor_enum(kind: type[enum.Enum]) -> CursorField:
    def parse(value: Any) -> enum.Enum:
        return kind(cursor_text(value))

    return parse


def or_null(parse: CursorField) -> CursorField:
    def parse_or_none(value: Any) -> Any:
        return None if value is None else parse(value)

    return parse_or_none


def _to_json(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if value is None or isinstance(value, int | float | str | bool):
        return value
    return str(value)
