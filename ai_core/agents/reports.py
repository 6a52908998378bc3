"""Workspace-level figures behind the tools: pipeline, funnel, forecast, insights, activity."""

from collections import Counter, defaultdict
from datetime import date, timedelta
from typing import Literal

from ai_core.agents.context import ChatContext
from ai_core.agents.views import JSON, Found, clip, deal_link, money, owner_names

Period = Literal[
    "this_month", "next_month", "this_quarter", "next_quarter", "this_year", "next_12_months"
]
InsightStatus = Literal["open", "new", "viewed", "actioned", "dismissed", "all"]
INSIGHT_STATUSES: dict[str, list[str]] = {
    "open": ["new", "viewed"],
    "new": ["new"],
    "viewed": ["viewed"],
    "actioned": ["actioned"],
    "dismissed": ["dismissed"],
    "all": [],
}
MAX_ACTIVITIES = 2000


async def pipeline_summary(ctx: ChatContext) -> Found:
    report = await ctx.api.get("/analytics/pipeline")
    totals = report["totals"]
    data = {
        "as_of": ctx.today.isoformat(),
        "open_deals": totals,
        "stages": [
            {
                "stage": s["name"],
                "deal_count": s["deal_count"],
                "amount": s["amount"],
                "weighted_amount": s["weighted_amount"],
                "stage_probability_pct": s["probability"],
            }
            for s in report["stages"]
        ],
        "definitions": {"weighted_amount": "sum of amount x win probability"},
    }
    return Found(data, f"{totals['deal_count']} open deals, {money(totals['amount'])} in total")


async def funnel(ctx: ChatContext) -> Found:
    report = await ctx.api.get("/analytics/conversion")
    stages = [
        {
            "stage": s["name"],
            "kind": s["kind"],
            "entered": s["entered"],
            "advanced": s["advanced"],
            "conversion_rate": s["conversion_rate"],
            "median_days_in_stage": s["median_days"],
            "p75_days_in_stage": s["p75_days"],
        }
        for s in report["stages"]
    ]
    data = {
        "as_of": ctx.today.isoformat(),
        "stages": stages,
        "definitions": {
            "conversion_rate": "share of deals that entered the stage and later moved further "
            "on or were won",
        },
    }
    return Found(data, f"conversion across {len(stages)} stages")


def period_bounds(period: Period, today: date) -> tuple[str, date, date]:
    """(group_by, first day, last day) of a named period, in UTC calendar days."""
    month = date(today.year, today.month, 1)
    quarter = date(today.year, 3 * ((today.month - 1) // 3) + 1, 1)
    if period == "this_month":
        return "month", month, _add_months(month, 1) - timedelta(days=1)
    if period == "next_month":
        start = _add_months(month, 1)
        return "month", start, _add_months(start, 1) - timedelta(days=1)
    if period == "this_quarter":
        return "quarter", quarter, _add_months(quarter, 3) - timedelta(days=1)
    if period == "next_quarter":
        start = _add_months(quarter, 3)
        return "quarter", start, _add_months(start, 3) - timedelta(days=1)
    if period == "this_year":
        return "quarter", date(today.year, 1, 1), date(today.year, 12, 31)
    return "month", month, _add_months(month, 12) - timedelta(days=1)


def _add_months(day: date, months: int) -> date:
    index = day.year * 12 + day.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


async def forecast(ctx: ChatContext, *, period: Period = "this_quarter") -> Found:
    group_by, start, end = period_bounds(period, ctx.today)
    report = await ctx.api.get(
        "/analytics/forecast",
        {"group_by": group_by, "from": start.isoformat(), "to": end.isoformat()},
    )
    keys = ("won_amount", "weighted_amount", "forecast_amount", "best_case_amount")
    counts = ("won_count", "open_count", "open_amount")
    data = {
        "as_of": report["as_of"],
        "period": {"name": period, "from": report["start"], "to": report["end"]},
        "totals": {k: report["totals"][k] for k in (*keys, *counts)},
        "by_period": [
            {"label": p["label"], **{k: p[k] for k in (*keys, "open_count")}}
            for p in report["periods"]
        ],
        "overdue_open_deals": report["overdue"],
        "open_deals_without_close_date": report["unscheduled"],
        "definitions": {
            "won_amount": "deals won in the period",
            "weighted_amount": "open deals expected to close in the period x win probability",
            "forecast_amount": "won_amount + weighted_amount",
            "best_case_amount": "won_amount + every open deal expected in the period",
        },
    }
    return Found(data, f"forecast {money(report['totals']['forecast_amount'])} ({period})")


async def list_insights(
    ctx: ChatContext, *, status: InsightStatus = "open", limit: int = 10
) -> Found:
    params = {"status": INSIGHT_STATUSES[status], "limit": max(1, min(limit, 25))}
    page = await ctx.api.get("/insights", params)
    insights = [
        {
            "title": i["title"],
            "priority": i["priority"],
            "type": i["type"],
            "status": i["status"],
            "description": clip(i["description"], 400),
            "deal_link": deal_link(i["deal_id"]) if i.get("deal_id") else None,
            "suggested_actions": i["suggested_actions"][:3],
            "generated_without_ai": i["generated_without_ai"],
            "created_on": i["created_at"][:10],
        }
        for i in page["items"]
    ]
    data = {"status": status, "total": page["total"], "insights": insights}
    return Found(data, f"{page['total']} {status} insight{'' if page['total'] == 1 else 's'}")


async def activity_stats_by_owner(ctx: ChatContext, *, days: int = 30) -> Found:
    days = max(1, min(days, 365))
    since = ctx.now - timedelta(days=days)
    activities, total = await ctx.api.pages(
        "/activities",
        {"from": since.isoformat(), "to": ctx.now.isoformat(), "include_system": "false"},
        max_items=MAX_ACTIVITIES,
    )
    owners = owner_names(await ctx.api.members())
    by_owner: dict[str | None, Counter[str]] = defaultdict(Counter)
    for activity in activities:
        tally = by_owner[activity.get("owner_id")]
        tally[activity["type"]] += 1
        tally["done" if activity.get("completed_at") else "not_done"] += 1
    rows: list[JSON] = []
    for owner_id, tally in by_owner.items():
        by_type = {t: tally[t] for t in ("call", "email", "meeting", "note", "task") if tally[t]}
        rows.append(
            {
                "owner": owners.get(str(owner_id), "unknown") if owner_id else "no owner",
                "activities": sum(by_type.values()),
                "done": tally["done"],
                "not_done": tally["not_done"],
                "by_type": by_type,
            }
        )
    rows.sort(key=lambda r: (-r["activities"], r["owner"]))
    data: JSON = {
        "from": since.date().isoformat(),
        "to": ctx.today.isoformat(),
        "activities_in_window": total,
        "owners": rows,
    }
    if len(activities) < total:
        data["note"] = f"Counted the {len(activities)} most recent of {total} activities."
    return Found(data, f"{total} activities by {len(rows)} owners in {days} days")
