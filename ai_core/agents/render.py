"""Markdown for the no-AI answers: the tools' figures, as they are, in a fixed template."""

from typing import Any

from ai_core.agents.views import JSON, money

HELP = (
    "I can answer these without AI:\n"
    "- **Which deals are at risk?**\n"
    "- **What is the forecast this quarter?** (or next quarter, this month, this year)\n"
    "- **Show me the pipeline** or **the funnel**\n"
    "- **Any open insights?** or **team activity**\n"
    '- A deal by name, e.g. **Tell me about "Acme renewal"**\n'
)


def link(deal: JSON) -> str:
    title = str(deal["title"]).replace("[", "(").replace("]", ")")
    return f"[{title}]({deal['link']})"


def _deal_line(deal: JSON) -> str:
    parts = [f"{money(deal['amount'])} {deal['currency']}", deal["stage"]]
    if deal.get("owner"):
        parts.append(f"owner {deal['owner']}")
    if deal.get("expected_close_date"):
        parts.append(f"closes {deal['expected_close_date']}")
    return f"{link(deal)}: " + ", ".join(parts)


def signal_text(signal: JSON) -> str:
    e: dict[str, Any] = signal["evidence"]
    kind = signal["kind"]
    if kind == "stalled":
        return f"stalled, no activity for {e['days_idle']} days (stage limit {e['rotting_days']})"
    if kind == "stuck":
        return f"stuck {e['days_in_stage']} days in {e['stage']}"
    if kind == "slipping":
        late = f", {e['days_past_close']} days past its close date" if e["days_past_close"] else ""
        return f"slipping, close date pushed {e['close_date_pushes']} times{late}"
    if kind == "high_value_low_probability":
        return f"large deal with a {e['win_probability']} win probability"
    if kind == "closing_soon_unscheduled":
        return f"closes in {e['days_to_close']} days with nothing scheduled"
    if kind == "single_threaded":
        return "no contact recorded"
    if kind == "owner_activity_drop":
        return (
            f"owner's activity fell to {e['owner_activities_last_14_days']} in 14 days "
            f"(usually {e['owner_average_per_14_days']})"
        )
    return str(kind)


def at_risk(data: JSON) -> str:
    if not data["deals"]:
        return f"No open deal shows a risk signal ({data['open_deals_checked']} checked)."
    lines = [f"**Deals most at risk** ({data['open_deals_checked']} open deals checked):"]
    for deal in data["deals"]:
        signals = "; ".join(signal_text(s) for s in deal["signals"])
        lines.append(
            f"- {_deal_line(deal)}. **{deal['level']}** risk, "
            f"{money(deal['value_at_risk'])} at risk: {signals}."
        )
    if data.get("note"):
        lines.append(f"\n{data['note']}")
    return "\n".join(lines)


def forecast(data: JSON) -> str:
    t, period = data["totals"], data["period"]
    overdue, undated = data["overdue_open_deals"], data["open_deals_without_close_date"]
    return "\n".join(
        [
            f"**Forecast, {period['from']} to {period['to']}** (as of {data['as_of']}):",
            f"- Won so far: {money(t['won_amount'])} ({t['won_count']} deals)",
            f"- Weighted open pipeline: {money(t['weighted_amount'])} "
            f"({t['open_count']} open deals worth {money(t['open_amount'])})",
            f"- Forecast (won + weighted): **{money(t['forecast_amount'])}**",
            f"- Best case (won + all open): {money(t['best_case_amount'])}",
            f"- Overdue open deals: {overdue['deal_count']} worth {money(overdue['amount'])}; "
            f"without a close date: {undated['deal_count']} worth {money(undated['amount'])}",
        ]
    )


def pipeline(data: JSON) -> str:
    totals = data["open_deals"]
    lines = [
        f"**Open pipeline**: {totals['deal_count']} deals, {money(totals['amount'])} "
        f"(weighted {money(totals['weighted_amount'])})."
    ]
    for stage in data["stages"]:
        lines.append(
            f"- {stage['stage']}: {stage['deal_count']} deals, {money(stage['amount'])} "
            f"(weighted {money(stage['weighted_amount'])})"
        )
    return "\n".join(lines)


def funnel(data: JSON) -> str:
    lines = ["**Funnel** (deals that entered each stage, and how many moved on):"]
    for stage in data["stages"]:
        if stage["kind"] != "open":
            continue
        rate = stage["conversion_rate"]
        shown = f"{rate * 100:.1f}%" if rate is not None else "n/a"
        days = stage["median_days_in_stage"]
        typical = f", median {days} days in stage" if days is not None else ""
        lines.append(
            f"- {stage['stage']}: {stage['entered']} entered, {stage['advanced']} moved on "
            f"({shown}){typical}"
        )
    return "\n".join(lines)


def insights(data: JSON) -> str:
    if not data["insights"]:
        return "There are no open insights."
    lines = [f"**Open insights** ({data['total']}):"]
    for insight in data["insights"]:
        target = f" ([deal]({insight['deal_link']}))" if insight.get("deal_link") else ""
        lines.append(f"- **{insight['priority']}**: {insight['title']}{target}")
    return "\n".join(lines)


def activity(data: JSON) -> str:
    lines = [f"**Activity from {data['from']} to {data['to']}** ({data['activities_in_window']}):"]
    for row in data["owners"]:
        kinds = ", ".join(f"{n} {kind}s" for kind, n in row["by_type"].items())
        lines.append(f"- {row['owner']}: {row['activities']} ({kinds})")
    if data.get("note"):
        lines.append(f"\n{data['note']}")
    return "\n".join(lines)


def deal(data: JSON) -> str:
    d = data["deal"]
    lines = [
        f"**{link(d)}**: {money(d['amount'])} {d['currency']}, {d['stage']} ({d['status']}), "
        f"win probability {d['win_probability_pct']}%.",
        f"- Owner: {d.get('owner') or 'none'}; company: {d.get('company') or 'n/a'}; "
        f"expected close: {d.get('expected_close_date') or 'not set'}",
    ]
    if d.get("days_since_last_activity") is not None:
        lines.append(f"- Last activity {d['days_since_last_activity']} days ago")
    signals = data["risk"]["signals"]
    if signals:
        described = "; ".join(signal_text(s) for s in signals)
        lines.append(f"- Risk: **{data['risk']['level']}**, {described}")
    else:
        lines.append("- No risk signal.")
    for entry in data["timeline"][:3]:
        lines.append(f"- {entry['on']}: {entry['type']}, {entry['subject']}")
    return "\n".join(lines)


def matches(query: str, data: JSON) -> str:
    lines = [f"Several deals match “{query}” ({data['total_matching']}); which one?"]
    lines += [f"- {_deal_line(d)}" for d in data["deals"]]
    return "\n".join(lines)
