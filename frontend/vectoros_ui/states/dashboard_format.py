"""Turning the dashboard API's numbers into what the cards and charts show."""

import dataclasses
from datetime import date
from decimal import Decimal
from typing import Any

from vectoros_ui.states.records import CURRENCY_SYMBOLS

PRIORITY_COLORS = {"critical": "red", "high": "orange", "medium": "amber", "low": "gray"}


@dataclasses.dataclass
class Card:
    key: str
    label: str
    value: str
    change: str
    change_color: str
    detail: str


def compact(amount: Decimal | str | int | float, currency: str) -> str:
    """'$1.2M', '$350K', '$12,500' (amounts under 100K exact), '1.2M SEK'."""
    value = Decimal(str(amount))
    size = abs(value)
    if size >= 1_000_000_000:
        digits = f"{value / 1_000_000_000:.1f}B"
    elif size >= 1_000_000:
        digits = f"{value / 1_000_000:.1f}M"
    elif size >= 100_000:
        digits = f"{value / 1_000:.0f}K"
    else:
        digits = f"{value:,.0f}"
    symbol = CURRENCY_SYMBOLS.get(currency)
    return f"{symbol}{digits}" if symbol else f"{digits} {currency}"


def change_label(change: float | None, against: str, *, points: bool = False) -> str:
    if change is None:
        return f"— vs {against}"
    if points:
        return f"{change * 100:+.1f} pts vs {against}"
    return f"{change * 100:+.1f}% vs {against}"


def change_color(change: float | None) -> str:
    if change is None or abs(change) < 0.0005:
        return "gray"
    return "green" if change > 0 else "red"


def rate(value: float | None) -> str:
    return "—" if value is None else f"{value * 100:.1f}%"


def cards(body: dict[str, Any]) -> list[Card]:
    """The five headline cards, each with its change against the previous period."""
    c, currency = body["cards"], body["currency"]
    period = body["period"]
    start = period["start"]
    previous = _previous_label(period["kind"], period["previous_start"])
    open_, weighted, won = c["open_pipeline"], c["weighted_pipeline"], c["won"]
    win, forecast = c["win_rate"], c["forecast"]
    since = f"{_day(start)}"
    return [
        Card(
            "open_pipeline",
            "Open pipeline",
            compact(open_["value"], currency),
            change_label(open_["change"], since),
            change_color(open_["change"]),
            f"{open_['count']:,} open deals",
        ),
        Card(
            "weighted_pipeline",
            "Weighted pipeline",
            compact(weighted["value"], currency),
            change_label(weighted["change"], since),
            change_color(weighted["change"]),
            "Amount × stage probability",
        ),
        Card(
            "won",
            "Won",
            compact(won["value"], currency),
            change_label(won["change"], previous),
            change_color(won["change"]),
            f"{won['count']:,} deals won in {period['label']}",
        ),
        Card(
            "win_rate",
            "Win rate",
            rate(win["value"]),
            change_label(win["change"], previous, points=True),
            change_color(win["change"]),
            f"{win['won']:,} won · {win['lost']:,} lost",
        ),
        Card(
            "forecast",
            "Forecast (P50)",
            compact(forecast["p50"], currency),
            change_label(forecast["change"], f"{previous} won"),
            change_color(forecast["change"]),
            f"P10–P90: {compact(forecast['p10'], currency)} – {compact(forecast['p90'], currency)}",
        ),
    ]


def _day(iso: str) -> str:
    day = date.fromisoformat(iso)
    return f"{day:%b} {day.day}"


def _previous_label(kind: str, iso_start: str) -> str:
    day = date.fromisoformat(iso_start)
    if kind == "month":
        return f"{day:%b %Y}"
    if kind == "quarter":
        return f"Q{(day.month - 1) // 3 + 1} {day.year}"
    return str(day.year)


def number(value: Any) -> float:
    """Charts plot floats; the API's exact decimals stay in the cards."""
    return float(Decimal(str(value)))


def chart_data(body: dict[str, Any]) -> dict[str, list[dict[str, Any]]]:
    return {
        "stages": [
            {
                "stage": s["stage"],
                "Amount": number(s["amount"]),
                "Weighted": number(s["weighted"]),
                "deals": s["count"],
            }
            for s in body["pipeline_by_stage"]
        ],
        "forecast": [
            {
                "month": m["month"],
                "Won": number(m["won"]),
                "Forecast": number(m["forecast"]),
                **({"Target": number(m["target"])} if m["target"] is not None else {}),
            }
            for m in body["forecast_by_month"]
        ],
        "trend": [{"month": m["month"], "Won": number(m["won"])} for m in body["won_trend"]],
        "funnel": [
            {
                "stage": f["stage"],
                "Deals": f["deals"],
                "conversion": "" if f["conversion"] is None else f"{f['conversion'] * 100:.0f}%",
            }
            for f in body["funnel"]
        ],
        "activity": [
            {
                "owner": a["owner"],
                "Calls": a["call"],
                "Emails": a["email"],
                "Meetings": a["meeting"],
                "Notes": a["note"],
                "Tasks": a["task"],
            }
            for a in body["activity_by_owner"]
        ],
    }
