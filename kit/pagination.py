"""Keyset (cursor) pagination: stable while rows are inserted or deleted between pages."""

import base64
import json
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from kit.errors import BadRequest


def encode_cursor(values: list[Any]) -> str:
    """Encode the sort key of the last row of a page (e.g. [created_at, id])."""
    raw = json.dumps([_to_json(v) for v in values], separators=(",", ":"))
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def decode_cursor(cursor: str, length: int) -> list[Any]:
    """Decode a cursor into raw JSON values; callers convert them to column types."""
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        values = json.loads(base64.urlsafe_b64decode(padded.encode()))
    except (ValueError, UnicodeDecodeError) as exc:
        raise BadRequest("The cursor is not valid.", code="invalid_cursor") from exc
    if not isinstance(values, list) or len(values) != length:
        raise BadRequest("The cursor is not valid.", code="invalid_cursor")
    return values


def _to_json(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if value is None or isinstance(value, int | float | str | bool):
        return value
    return str(value)
