"""The dashboard's calendar periods and the one before each."""

from datetime import date

from backend.dashboard.periods import PeriodKind, Span, current_span, label, previous_span


def test_a_quarter_runs_from_its_first_to_its_last_day() -> None:
    span = current_span(PeriodKind.quarter, date(2026, 11, 25))

    assert span == Span(date(2026, 10, 1), date(2026, 12, 31))
    assert label(PeriodKind.quarter, span) == "Q4 2026"


def test_the_previous_month_of_march_is_february_of_a_leap_year() -> None:
    span = current_span(PeriodKind.month, date(2028, 3, 31))

    assert previous_span(PeriodKind.month, span) == Span(date(2028, 2, 1), date(2028, 2, 29))


def test_the_previous_year_crosses_the_new_year() -> None:
    span = current_span(PeriodKind.year, date(2026, 1, 1))

    assert previous_span(PeriodKind.year, span) == Span(date(2025, 1, 1), date(2025, 12, 31))
    assert span.months()[0] == date(2026, 1, 1) and len(span.months()) == 12
