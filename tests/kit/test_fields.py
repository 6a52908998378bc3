"""The bounded types: out-of-range dates, datetimes and numbers are validation errors."""

from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Annotated, Any

import pytest
from pydantic import TypeAdapter, ValidationError

from kit.fields import (
    MAX_DATE,
    MIN_DATE,
    BoundedDate,
    Int32,
    Numeric,
    UtcDatetime,
)

moment = TypeAdapter(UtcDatetime)
day = TypeAdapter(BoundedDate)
amount = TypeAdapter(Annotated[Decimal, Numeric(18, 2, ge=0)])
int32 = TypeAdapter(Int32)


@pytest.mark.parametrize(
    "value",
    [
        "9999-12-31T23:59:59-12:00",  # UTC would be year 10000: Python overflows
        "0001-01-01T00:00:00+14:00",  # UTC would be year 0
        "1899-12-31T23:59:59Z",
        "1900-01-01T00:00:00+01:00",  # 1899 in UTC
        "2999-12-31T23:30:00-01:00",  # 3000 in UTC
        "3000-01-01T00:00:00",
    ],
)
def test_datetimes_out_of_range(value: str) -> None:
    with pytest.raises(ValidationError) as caught:
        moment.validate_python(value)
    assert caught.value.errors()[0]["type"] == "datetime_out_of_range"


def test_datetimes_are_normalised_to_utc() -> None:
    assert moment.validate_python("2026-03-01T10:00:00+02:00") == datetime(
        2026, 3, 1, 8, tzinfo=UTC
    )
    # Without an offset: UTC, not the server's zone.
    assert moment.validate_python("2026-03-01T10:00:00") == datetime(2026, 3, 1, 10, tzinfo=UTC)
    assert moment.validate_python("1900-01-01T00:00:00Z").year == 1900
    assert moment.validate_python("2999-12-31T23:59:59Z").year == 2999


@pytest.mark.parametrize("value", ["0001-01-01", "1899-12-31", "3000-01-01", "9999-12-31"])
def test_dates_out_of_range(value: str) -> None:
    with pytest.raises(ValidationError):
        day.validate_python(value)


def test_dates_in_range() -> None:
    assert day.validate_python(MIN_DATE.isoformat()) == MIN_DATE
    assert day.validate_python(MAX_DATE.isoformat()) == MAX_DATE
    assert day.validate_python("2026-02-28") == date(2026, 2, 28)


@pytest.mark.parametrize(
    "value", ["1E+200000", "1e999999", "NaN", "Infinity", "-1", "10000000000000000", "0.001"]
)
def test_amounts_out_of_range(value: Any) -> None:
    with pytest.raises(ValidationError):
        amount.validate_python(value)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("9999999999999999.99", "9999999999999999.99"),
        ("12.5", "12.50"),
        ("-0", "0.00"),
        ("0E-1000000", "0.00"),
        (12, "12.00"),
    ],
)
def test_amounts_in_range_are_quantized(value: Any, expected: str) -> None:
    assert str(amount.validate_python(value)) == expected


@pytest.mark.parametrize("value", [2**31, -(2**31) - 1, 10**100])
def test_int32(value: int) -> None:
    with pytest.raises(ValidationError):
        int32.validate_python(value)
