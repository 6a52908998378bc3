"""Every number Claude writes must come from the input: find the ones that do not.

A number in the text matches an input value when it is that value as written, rounded to
the digits shown ("40 days" for 40.3), as a percentage of a ratio ("35%" for 0.35),
or in thousands/millions/billions with a suffix ("$1.2M" for 1,234,567). Numbers glued to
letters ("Q4", "P90") are labels, not quantities, and are not checked.
"""

import re
from collections.abc import Iterable
from decimal import Decimal, InvalidOperation
from typing import Any

NUMBER = re.compile(
    r"(?<![\w.])(?P<digits>\d{1,3}(?:,\d{3})+|\d+)(?P<decimals>\.\d+)?"
    r"(?:\s?(?P<suffix>k|K|m|M|mn|bn|B)\b)?(?P<percent>\s?%)?(?![\w])"
)
SCALE = {
    None: Decimal(1),
    "k": Decimal(1_000),
    "K": Decimal(1_000),
    "m": Decimal(1_000_000),
    "M": Decimal(1_000_000),
    "mn": Decimal(1_000_000),
    "bn": Decimal(1_000_000_000),
    "B": Decimal(1_000_000_000),
}


class Written:
    """One number as written: its value, how many decimals it shows, its scale."""

    __slots__ = ("text", "value", "decimals", "scale", "percent")

    def __init__(self, match: re.Match[str]) -> None:
        self.text = match.group(0).strip()
        decimals = match.group("decimals") or ""
        self.value = Decimal(match.group("digits").replace(",", "") + decimals)
        self.decimals = max(len(decimals) - 1, 0)
        self.scale = SCALE[match.group("suffix")]
        self.percent = match.group("percent") is not None

    def matches(self, value: Decimal) -> bool:
        tolerance = Decimal(1).scaleb(-self.decimals)
        # Probabilities and ratios travel as 0..1 (or a ratio like 1.5 for 150%).
        scaled = value * 100 if self.percent else value / self.scale
        return abs(scaled - self.value) < tolerance


def written_numbers(text: str) -> list[Written]:
    return [Written(m) for m in NUMBER.finditer(text)]


def input_numbers(*values: Any) -> set[Decimal]:
    """Every number in the input: numeric values, and numbers inside strings (dates, names)."""
    found: set[Decimal] = set()
    for value in _leaves(values):
        if isinstance(value, bool) or value is None:
            continue
        if isinstance(value, int | float | Decimal):
            number = _decimal(value)
            if number is not None:
                found.add(abs(number))
        elif isinstance(value, str):
            found.update(w.value * w.scale for w in written_numbers(value))
    return found


def unsupported(texts: Iterable[str], allowed: set[Decimal]) -> list[str]:
    """The numbers in `texts` that match no input number, as written."""
    return [
        w.text
        for text in texts
        for w in written_numbers(text)
        if not any(w.matches(value) for value in allowed)
    ]


def _leaves(value: Any) -> Iterable[Any]:
    if isinstance(value, dict):
        for item in value.values():
            yield from _leaves(item)
    elif isinstance(value, list | tuple):
        for item in value:
            yield from _leaves(item)
    else:
        yield value


def _decimal(value: int | float | Decimal) -> Decimal | None:
    try:
        number = Decimal(str(value))
    except InvalidOperation:
        return None
    return number if number.is_finite() else None
