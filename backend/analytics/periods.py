"""Calendar periods (UTC months and quarters) that analytics group by."""

import calendar
import enum
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from kit.errors import UnprocessableEntity

WINDOW_MONTHS = 12
MAX_RANGE_MONTHS = 120


class Granularity(enum.StrEnum):
    month = "month"
    quarter = "quarter"

    @property
    def months(self) -> int:
        return 1 if self is Granularity.month else 3


@dataclass(frozen=True)
class Period:
    """One calendar period, clipped to the requested range."""

    key: date  # the calendar start, as the repository's date_trunc returns it
    start: date
    end: date
    label: str


def add_months(day: date, months: int) -> date:
    """The same day `months` later (or earlier), clamped to the month's last day."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    last = calendar.monthrange(year, month + 1)[1]
    return date(year, month + 1, min(day.day, last))


def period_start(day: date, granularity: Granularity) -> date:
    month = day.month - (day.month - 1) % granularity.months
    return date(day.year, month, 1)


def periods_between(start: date, end: date, granularity: Granularity) -> list[Period]:
    """Every calendar period that meets [start, end], clipped to it, oldest first."""
    periods = []
    key = period_start(start, granularity)
    while key <= end:
        following = add_months(key, granularity.months)
        periods.append(
            Period(
                key=key,
                start=max(key, start),
                end=min(following - timedelta(days=1), end),
                label=_label(key, granularity),
            )
        )
        key = following
    return periods


def today_utc() -> date:
    return datetime.now(UTC).date()


def day_start(day: date) -> datetime:
    """Midnight UTC at the start of `day`: date ranges are inclusive days in UTC."""
    return datetime.combine(day, time.min, tzinfo=UTC)


def resolve_range(
    start: date | None, end: date | None, *, default_start: date
) -> tuple[date, date]:
    """Fill missing bounds to make a 12-month window, then check the range is sensible."""
    if start is None and end is None:
        start = default_start
    if end is None:
        assert start is not None
        end = add_months(start, WINDOW_MONTHS) - timedelta(days=1)
    elif start is None:
        start = add_months(end + timedelta(days=1), -WINDOW_MONTHS)
    check_order(start, end)
    if end >= add_months(start, MAX_RANGE_MONTHS):
        raise UnprocessableEntity(
            f"The date range may span at most {MAX_RANGE_MONTHS // 12} years.",
            details=[_detail("to", "the range is too long", start, end)],
        )
    return start, end


def check_order(start: date, end: date) -> None:
    if start > end:
        raise UnprocessableEntity(
            "`from` must not be after `to`.",
            details=[_detail("from", "must be on or before `to`", start, end)],
        )


def _detail(field: str, message: str, start: date, end: date) -> dict[str, str]:
    return {
        "field": f"query.{field}",
        "message": f"{message} (from={start.isoformat()}, to={end.isoformat()})",
        "type": "value_error",
    }


def _label(key: date, granularity: Granularity) -> str:
    if granularity is Granularity.month:
        return f"{key.year}-{key.month:02d}"
    return f"{key.year}-Q{(key.month - 1) // 3 + 1}"
