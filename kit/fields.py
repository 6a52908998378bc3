"""Bounded input types: every date, datetime and number a request may hold, defined once.

Values outside these ranges are a 422 naming the field, never an overflow further in:
Python's dates end at 9999-12-31 (so `9999-12-31T23:59:59-12:00` cannot be converted to
UTC), period arithmetic adds years to the bounds it is given, and the database's integer
and numeric columns have their own limits.

Dates and datetimes live in the years 1900-2999 (UTC): far beyond any CRM's data, and far
enough inside Python's and Postgres' limits that adding or subtracting a few centuries of
months or days to a bound cannot overflow.
"""

from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from decimal import Decimal
from typing import Annotated, Any

from pydantic import AfterValidator, Field, GetCoreSchemaHandler
from pydantic_core import PydanticCustomError, core_schema

MIN_YEAR = 1900
MAX_YEAR = 2999
MIN_DATE = date(MIN_YEAR, 1, 1)
MAX_DATE = date(MAX_YEAR, 12, 31)
MIN_DATETIME = datetime.combine(MIN_DATE, time.min, tzinfo=UTC)
MAX_DATETIME = datetime.combine(MAX_DATE, time.max, tzinfo=UTC)

INT32_MIN, INT32_MAX = -(2**31), 2**31 - 1
INT64_MIN, INT64_MAX = -(2**63), 2**63 - 1


def in_range(day: date) -> bool:
    return MIN_DATE <= day <= MAX_DATE


def to_utc(value: datetime) -> datetime:
    """An aware datetime in UTC within the bounds; a naive one is taken as UTC.

    Raises ValueError (a pydantic error, in a model) when it is out of range.
    """
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    # Checked before converting: an offset moves the moment by less than a day, so within
    # these years the conversion itself cannot overflow.
    if MIN_YEAR <= value.year <= MAX_YEAR:
        value = value.astimezone(UTC)
        if MIN_DATETIME <= value <= MAX_DATETIME:
            return value
    raise PydanticCustomError(
        "datetime_out_of_range",
        "Datetime should be between {min} and {max} (UTC)",
        {"min": f"{MIN_DATE}T00:00:00Z", "max": f"{MAX_DATE}T23:59:59Z"},
    )


# A calendar day in 1900-01-01..2999-12-31 (checked in pydantic-core: cheap in long lists).
BoundedDate = Annotated[date, Field(ge=MIN_DATE, le=MAX_DATE)]
# An aware datetime normalised to UTC (naive input is taken as UTC), within the same years.
UtcDatetime = Annotated[datetime, AfterValidator(to_utc)]

# Integers that fit Postgres' integer and bigint columns.
Int32 = Annotated[int, Field(ge=INT32_MIN, le=INT32_MAX)]
Int64 = Annotated[int, Field(ge=INT64_MIN, le=INT64_MAX)]
NonNegativeInt32 = Annotated[int, Field(ge=0, le=INT32_MAX)]


@dataclass(frozen=True)
class Numeric:
    """`Annotated[Decimal, Numeric(18, 2, ge=0)]`: a finite Decimal that fits a
    `numeric(precision, scale)` column, quantized to its scale.

    Exponent forms such as `1E+200000` are refused and `0E-999999` normalised here, before
    they reach the database or any arithmetic.
    """

    precision: int
    scale: int
    ge: Decimal | int | None = None
    gt: Decimal | int | None = None
    le: Decimal | int | None = None
    lt: Decimal | int | None = None

    def __get_pydantic_core_schema__(
        self, source: Any, handler: GetCoreSchemaHandler
    ) -> core_schema.CoreSchema:
        step = Decimal(1).scaleb(-self.scale)
        bounds = {
            name: Decimal(value)
            for name in ("ge", "gt", "le", "lt")
            if (value := getattr(self, name)) is not None
        }
        schema = core_schema.decimal_schema(
            max_digits=self.precision,
            decimal_places=self.scale,
            allow_inf_nan=False,
            **bounds,  # type: ignore[arg-type]
        )
        # `+ 0` turns -0.00 into 0.00.
        return core_schema.no_info_after_validator_function(
            lambda value: value.quantize(step) + 0, schema
        )


# A number of days between two moments in range (fractions allowed; negative: before).
MAX_DAYS = float((MAX_DATE - MIN_DATE).days + 1)
Days = Annotated[float, Field(ge=-MAX_DAYS, le=MAX_DAYS, allow_inf_nan=False)]
NonNegativeDays = Annotated[float, Field(ge=0, le=MAX_DAYS, allow_inf_nan=False)]
