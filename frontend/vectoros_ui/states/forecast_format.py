"""Turning the simulated forecast and win scores into what the pages show."""

import dataclasses
from decimal import Decimal
from typing import Any

from vectoros_ui.states.dashboard_format import compact


@dataclasses.dataclass
class Figure:
    key: str
    label: str
    value: str
    detail: str


@dataclasses.dataclass
class SpanRow:
    label: str
    won: str
    p10: str
    p50: str
    p90: str
    weighted: str
    pipeline: str
    target: str


@dataclasses.dataclass
class ModelStatus:
    used: bool = False
    title: str = ""
    detail: str = ""
    backtest: str = ""


@dataclasses.dataclass
class FactorLine:
    text: str
    # "up" helps the deal, "down" hurts it, "flat" is the stage's own rate.
    direction: str


def percent(value: float | None) -> str:
    return "—" if value is None else f"{round(value * 100)}%"


def model_status(win_model: dict[str, Any] | None) -> ModelStatus:
    """Whether the learned model is used, in words a sales leader reads."""
    if not win_model:
        return ModelStatus()
    reason = str(win_model.get("reason") or "")
    backtest = win_model.get("backtest")
    scores = (
        f"Out of sample ({backtest['holdout_deals']} deals closed from {backtest['cutoff']}): "
        f"Brier {backtest['model_brier']:.3f} for the model, "
        f"{backtest['baseline_brier']:.3f} for the stage probabilities (lower is better)."
        if backtest
        else ""
    )
    if win_model.get("source") == "model":
        return ModelStatus(
            used=True,
            title="Win probabilities learned from this workspace's closed deals",
            detail=f"The model beats the stage probabilities: {reason}.",
            backtest=scores,
        )
    return ModelStatus(
        used=False,
        title="Stage probabilities used: the learned model is not",
        detail=f"The model is used only when it beats the stage probabilities on this "
        f"workspace's own history; here {reason}.",
        backtest=scores,
    )


def factor_lines(factors: list[dict[str, Any]]) -> list[FactorLine]:
    return [
        FactorLine(
            text=str(f["text"]),
            direction="up"
            if f["contribution"] > 0
            else "down"
            if f["contribution"] < 0
            else "flat",
        )
        for f in factors
    ]


def _money(value: Any, currency: str) -> str:
    return compact(Decimal(str(value)), currency) if value is not None else "—"


def figures(body: dict[str, Any]) -> list[Figure]:
    currency = body.get("currency") or "USD"
    period = body["period"]
    chance = body.get("chance_to_hit_target")
    target = period.get("target")
    return [
        Figure("p50", "Likely (P50)", _money(period["p50"], currency), "Half the futures beat it"),
        Figure(
            "range",
            "Worst to best (P10 - P90)",
            f"{_money(period['p10'], currency)} - {_money(period['p90'], currency)}",
            "8 of 10 simulated futures land in between",
        ),
        Figure(
            "weighted",
            "Weighted pipeline",
            _money(period["weighted"], currency),
            "Won + amount x stage probability",
        ),
        Figure("won", "Won so far", _money(period["won"], currency), period["label"]),
        Figure(
            "target",
            "Target",
            _money(target, currency) if target is not None else "Not set",
            f"{percent(chance)} chance to reach it"
            if chance is not None
            else "Set a monthly target in settings",
        ),
    ]


def span_rows(body: dict[str, Any]) -> list[SpanRow]:
    currency = body.get("currency") or "USD"
    return [
        SpanRow(
            label=s["label"],
            won=_money(s["won"], currency),
            p10=_money(s["p10"], currency),
            p50=_money(s["p50"], currency),
            p90=_money(s["p90"], currency),
            weighted=_money(s["weighted"], currency),
            pipeline=_money(s["pipeline"], currency),
            target=_money(s.get("target"), currency),
        )
        for s in body["spans"]
    ]


def chart_rows(body: dict[str, Any]) -> list[dict[str, Any]]:
    """One point per span for rx.recharts: the simulated band, the weighted line, the target."""
    rows = []
    for s in body["spans"]:
        row: dict[str, Any] = {
            "span": s["label"],
            "P10": float(s["p10"]),
            "P50": float(s["p50"]),
            "P90": float(s["p90"]),
            "Weighted": float(s["weighted"]),
        }
        if s.get("target") is not None:
            row["Target"] = float(s["target"])
        rows.append(row)
    return rows
