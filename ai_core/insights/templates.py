"""Deterministic insight text from the evidence: used without an API key, or when Claude fails.

Every number is formatted from the evidence, so the text can never disagree with it.
"""

from collections.abc import Callable
from decimal import Decimal
from typing import Any

from ai_core.insights.analysis import Candidate
from ai_core.insights.schemas import SummaryText

MAX_TITLE_NAME = 80
Sentence = Callable[[dict[str, Any], dict[str, Any]], str]

ACTIONS: dict[str, tuple[str, ...]] = {
    "stalled": (
        "Call or meet the buyer this week and log it",
        "Agree a concrete next step with a date",
    ),
    "stuck": ("Find what blocks the next stage and who can unblock it",),
    "slipping": (
        "Confirm the decision date with the economic buyer",
        "Re-qualify the deal if the date moves again",
    ),
    "high_value_low_probability": ("Review the deal with its owner: qualify it up or out",),
    "closing_soon_unscheduled": ("Schedule the closing call before the expected close date",),
    "single_threaded": ("Add a contact: the economic buyer or a champion",),
    "owner_activity_drop": ("Check in with the owner about their workload and deals",),
}


def deal_text(candidate: Candidate) -> tuple[str, str, list[str]]:
    """Title, description and actions for a deal at risk, led by its most severe signal."""
    evidence = candidate.evidence
    signals: list[dict[str, Any]] = evidence["signals"]
    name = _name(candidate.subject.get("deal"))
    title = f"{name}: {_HEADLINES[signals[0]['kind']](signals[0], evidence)}"
    sentences = [_SENTENCES[s["kind"]](s, evidence) for s in signals]
    sentences.append(
        f"{_money(evidence['value_at_risk'], evidence)} of its "
        f"{_money(evidence['amount'], evidence)} is at risk, at a win probability of "
        f"{_percent(evidence['win_probability'])}."
    )
    actions = list(dict.fromkeys(a for s in signals for a in ACTIONS[s["kind"]]))[:3]
    return title, " ".join(sentences), actions


def forecast_text(candidate: Candidate) -> tuple[str, str, list[str]]:
    e = candidate.evidence
    title = f"{e['period']} forecast: {_money(e['p50'], e)} likely"
    description = (
        f"{_money(e['won_so_far'], e)} is already won. Simulated over {e['open_deals']:,} open "
        f"deals, the period most likely brings {_money(e['p50'], e)} in total, and 8 in 10 "
        f"outcomes fall between {_money(e['p10'], e)} and {_money(e['p90'], e)}."
    )
    if e.get("target") is not None and e.get("chance_to_hit_target") is not None:
        description += (
            f" The chance to reach the target of {_money(e['target'], e)} is "
            f"{_percent(e['chance_to_hit_target'])}."
        )
    actions = [
        "Work the deals due this period with the most value at risk first",
        "Close out or re-date past-due deals so the forecast stays honest",
    ]
    return title, description, actions


def summary_text(candidate: Candidate) -> SummaryText:
    e = candidate.evidence
    kinds = sorted(e["signals_by_kind"].items(), key=lambda item: (-item[1], item[0]))
    common = ", ".join(f"{k.replace('_', ' ')} ({n:,})" for k, n in kinds[:3])
    description = (
        f"Of {e['open_deals']:,} open deals worth {_money(e['open_pipeline'], e)} "
        f"({_money(e['weighted_pipeline'], e)} weighted), {e['deals_at_risk']:,} show risk "
        f"signals: {e['critical_deals']:,} critical and {e['high_risk_deals']:,} high."
    )
    if common:
        description += f" Most common: {common}."
    description += (
        f" {e['forecast_period']} forecast: {_money(e['forecast_p50'], e)} likely, between "
        f"{_money(e['forecast_p10'], e)} and {_money(e['forecast_p90'], e)}, with "
        f"{_money(e['won_so_far'], e)} already won."
    )
    if e.get("win_rate") is not None:
        description += f" Win rate on closed deals: {_percent(e['win_rate'])}."
    top = candidate.subject.get("top_deals")
    actions = [f"Start with the deals most at risk: {top}"] if top else []
    actions.append("Review stalled and slipping deals with their owners this week")
    return SummaryText(
        title=f"{e['deals_at_risk']:,} open deals at risk, {_money(e['value_at_risk'], e)} exposed",
        description=description,
        suggested_actions=actions,
    )


def _stalled_headline(s: dict[str, Any], _: dict[str, Any]) -> str:
    return f"no activity for {_days(s['days_idle'])} days"


def _stalled(s: dict[str, Any], _: dict[str, Any]) -> str:
    never = s.get("days_since_last_activity") is None
    idle = "No activity was ever logged" if never else "No activity"
    return (
        f"{idle} for {_days(s['days_idle'])} days in {s['stage']}, where deals go stale "
        f"after {s['rotting_days']} days."
    )


def _stuck(s: dict[str, Any], _: dict[str, Any]) -> str:
    return (
        f"{_days(s['days_in_stage'])} days in {s['stage']}, longer than 3 in 4 won deals "
        f"spent there ({_days(s['typical_won_days_in_stage'])} days)."
    )


def _slipping_headline(s: dict[str, Any], _: dict[str, Any]) -> str:
    if s["close_date_pushes"] >= 2:
        return f"close date pushed {s['close_date_pushes']} times"
    return f"{s['days_past_close']} days past its close date"


def _slipping(s: dict[str, Any], _: dict[str, Any]) -> str:
    parts = []
    if s["close_date_pushes"] >= 2:
        parts.append(f"The close date was pushed {s['close_date_pushes']} times.")
    if s["days_past_close"] > 0:
        parts.append(f"It is {s['days_past_close']} days past its expected close date.")
    return " ".join(parts)


def _high_value(s: dict[str, Any], e: dict[str, Any]) -> str:
    return (
        f"At {_money(s['amount'], e)} it is among the largest quarter of open deals, yet its "
        f"win probability is {_percent(s['win_probability'])}."
    )


def _closing_soon(s: dict[str, Any], _: dict[str, Any]) -> str:
    quiet = " and no activity in the last 14 days" if s["activities_last_14_days"] == 0 else ""
    return f"Due to close in {s['days_to_close']} days with nothing scheduled{quiet}."


def _single_threaded(s: dict[str, Any], _: dict[str, Any]) -> str:
    if s["contact_count"] == 0:
        return "No contact is recorded on the deal."
    return "Only one contact is engaged on the deal."


def _owner_drop(s: dict[str, Any], _: dict[str, Any]) -> str:
    return (
        f"Its owner logged {s['owner_activities_last_14_days']} activities in the last 14 "
        f"days, against {_days(s['owner_average_per_14_days'])} usually."
    )


_SENTENCES: dict[str, Sentence] = {
    "stalled": _stalled,
    "stuck": _stuck,
    "slipping": _slipping,
    "high_value_low_probability": _high_value,
    "closing_soon_unscheduled": _closing_soon,
    "single_threaded": _single_threaded,
    "owner_activity_drop": _owner_drop,
}
_HEADLINES: dict[str, Sentence] = {
    "stalled": _stalled_headline,
    "stuck": lambda s, _: f"{_days(s['days_in_stage'])} days in {s['stage']}",
    "slipping": _slipping_headline,
    "high_value_low_probability": lambda s, e: (
        f"{_money(s['amount'], e)} at {_percent(s['win_probability'])} to win"
    ),
    "closing_soon_unscheduled": lambda s, _: (
        f"closes in {s['days_to_close']} days, nothing scheduled"
    ),
    "single_threaded": lambda s, _: (
        "no contact on record" if s["contact_count"] == 0 else "single-threaded"
    ),
    "owner_activity_drop": lambda s, _: "its owner has gone quiet",
}


def _name(value: str | None) -> str:
    name = (value or "Untitled deal").strip()
    return name if len(name) <= MAX_TITLE_NAME else name[: MAX_TITLE_NAME - 1] + "…"


def _days(value: float) -> str:
    return f"{round(value):,}"


def _percent(value: float) -> str:
    return f"{round(value * 100):,}%"


def _money(value: str | Decimal, evidence: dict[str, Any]) -> str:
    amount = f"{round(Decimal(value)):,}"
    currency = evidence.get("currency")
    return f"{amount} {currency}" if currency else amount
