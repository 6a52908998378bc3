"""Numbers in Claude's text must come from the input, however they are written."""

from decimal import Decimal

import pytest

from ai_core.insights.numbers import input_numbers, unsupported

EVIDENCE = {
    "amount": "48250.75",
    "days_since_last_activity": 40.3,
    "win_probability": 0.354,
    "close_date_pushes": 3,
    "days_to_close": -9,
    "value_at_risk": "1234567.00",
    "period_start": "2026-10-01",
    "signals": [{"kind": "stalled", "rotting_days": 21}],
}
ALLOWED = input_numbers(EVIDENCE)


@pytest.mark.parametrize(
    "text",
    [
        "No activity for 40 days",
        "No activity for 40.3 days",
        "Worth $48,250.75",
        "Worth $48,251 or so",
        "Worth 48k",
        "1.2M at risk",
        "$1,234,567 at risk",
        "a 35% chance",
        "a 35.4% chance",
        "pushed 3 times",
        "9 days past due",
        "stale after 21 days",
        "since 2026-10-01",
    ],
)
def test_numbers_from_the_evidence_pass_however_they_are_written(text: str) -> None:
    assert unsupported([text], ALLOWED) == []


@pytest.mark.parametrize(
    ("text", "bad"),
    [
        ("No activity for 42 days", ["42"]),
        ("Worth $50,000", ["$50,000"[1:]]),
        ("a 40% chance", ["40%"]),
        ("pushed 4 times in 2 weeks", ["4", "2"]),
        ("2.5M at risk", ["2.5M"]),
    ],
)
def test_numbers_not_in_the_evidence_are_reported_as_written(text: str, bad: list[str]) -> None:
    assert unsupported([text], ALLOWED) == bad


def test_labels_glued_to_letters_are_not_quantities() -> None:
    assert unsupported(["The Q4 forecast: P10, P50 and P90"], ALLOWED) == []


def test_numbers_inside_input_strings_count_as_input() -> None:
    allowed = input_numbers({"deal": "Deal 7781 Globex"})

    assert Decimal(7781) in allowed
    assert unsupported(["Deal 7781 Globex has gone quiet"], allowed) == []
