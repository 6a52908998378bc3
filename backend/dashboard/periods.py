"""Dashboard periods: the current calendar month, quarter or year (UTC), and the one before."""

import enum
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from backend.analytics.periods import add_months, day_start


class PeriodKind(enum.StrEnum):
    month = "month"
    quarter = "quarter"
    year = "year"

    @property
    def months(self) -> int:
        return {"month": 1, "quarter": 3, "year": 12}[self.value]


@dataclass(frozen=True)
class Span:
    """Whole UTC days, both ends inclusive."""

    start: date
    end: date

    @property
    def starts_at(self) -> datetime:
        return day_start(self.start)

    @property
    def ends_before(self) -> datetime:
        return day_start(self.end + timedelta(days=1))

    def contains(self, day: date) -> bool:
        return self.start <= day <= self.end

    def months(self) -> list[date]:
        """The first day of every month the span meets, oldest first."""
        first, months = self.start.replace(day=1), []
        while first <= self.end:
            months.append(first)
            first = add_months(first, 1)
        return months


def current_span(kind: PeriodKind, today: date) -> Span:
    month = today.month - (today.month - 1) % kind.months
    start = date(today.year, month, 1)
    return Span(start, add_months(start, kind.months) - timedelta(days=1))


def previous_span(kind: PeriodKind, span: Span) -> Span:
    start = add_months(span.start, -kind.months)
    return Span(start, span.start - timedelta(days=1))


def label(kind: PeriodKind, span: Span) -> str:
    if kind is PeriodKind.month:
        return span.start.strftime("%B %Y")
    if kind is PeriodKind.quarter:
        return f"Q{(span.start.month - 1) // 3 + 1} {span.start.year}"
    return str(span.start.year)
