"""Deal lookups behind the tools (and the no-AI fallback): search, one deal, deals at risk."""

import asyncio
import uuid
from datetime import timedelta
from decimal import Decimal
from typing import Literal

from ai_core.agents.context import ChatContext
from ai_core.agents.risk import assess, owner_activity, risk_view, snapshot
from ai_core.agents.views import (
    JSON,
    Found,
    QueryError,
    clip,
    deal_card,
    owner_names,
)

DealSort = Literal["largest", "smallest", "newest", "closing_soonest", "recently_updated"]
SORTS: dict[str, str] = {
    "largest": "-amount",
    "smallest": "amount",
    "newest": "-created_at",
    "closing_soonest": "expected_close_date",
    "recently_updated": "-updated_at",
}
MAX_SEARCH_RESULTS = 25
# What at_risk_deals reads: the largest open deals and the last 90 days of activity.
RISK_MAX_DEALS = 600
RISK_MAX_ACTIVITIES = 2000
TIMELINE_ENTRIES = 15


async def search_deals(
    ctx: ChatContext,
    *,
    query: str | None = None,
    stage: str | None = None,
    status: Literal["open", "won", "lost"] | None = None,
    owner: str | None = None,
    min_amount: Decimal | None = None,
    sort: DealSort = "largest",
    limit: int = 10,
) -> Found:
    params: dict[str, object] = {
        "q": query or None,
        "status": status,
        "amount_min": str(min_amount) if min_amount is not None else None,
        "sort": SORTS[sort],
        "limit": max(1, min(limit, MAX_SEARCH_RESULTS)),
    }
    if stage:
        params["stage_id"] = await _stage_id(ctx, stage)
    if owner:
        params["owner_id"] = await _owner_id(ctx, owner)
    page, members = await asyncio.gather(ctx.api.get("/deals", params), ctx.api.members())
    owners = owner_names(members)
    deals = [deal_card(d, owners, ctx.now) for d in page["items"]]
    data = {"as_of": ctx.today.isoformat(), "total_matching": page["total"], "deals": deals}
    total = page["total"]
    summary = f"{total} matching deal{'' if total == 1 else 's'}"
    if total > len(deals):
        summary += f", showing {len(deals)}"
    return Found(data, summary)


async def get_deal(ctx: ChatContext, deal_id: str) -> Found:
    try:
        uuid.UUID(deal_id)
    except ValueError as exc:
        raise QueryError(
            f"{deal_id!r} is not a deal id. Deal ids are UUIDs: find them with search_deals."
        ) from exc
    deal = await ctx.api.get(f"/deals/{deal_id}")
    timeline, history, stages, members = await asyncio.gather(
        ctx.api.get(f"/deals/{deal_id}/timeline", {"limit": 100}),
        ctx.api.get(f"/deals/{deal_id}/history"),
        ctx.api.stages(),
        ctx.api.members(),
    )
    owners = owner_names(members)
    stage = next((s for s in stages if s["id"] == deal["stage_id"]), None)
    features = snapshot(deal, stage, timeline["items"], ctx.now)
    risks = assess([features], alone=True) if deal["stage_kind"] == "open" else []
    data = {
        "as_of": ctx.today.isoformat(),
        "deal": {
            **deal_card(deal, owners, ctx.now),
            "contact_name": deal.get("contact_name"),
            "contact_email": deal.get("contact_email"),
            "source": deal.get("source"),
            "created_at": deal["created_at"][:10],
            "closed_at": (deal.get("closed_at") or "")[:10] or None,
            "lost_reason": deal.get("lost_reason"),
        },
        "risk": risk_view(risks[0]) if risks else {"risk": 0, "signals": []},
        "timeline_total": timeline["total"],
        "timeline": [_entry(a, owners) for a in timeline["items"][:TIMELINE_ENTRIES]],
        "stage_changes": [
            {
                "on": c["changed_at"][:10],
                "from": c.get("from_stage_name"),
                "to": c.get("to_stage_name"),
                "days_in_previous_stage": c.get("days_in_previous_stage"),
            }
            for c in history["stage_changes"][-10:]
        ],
        "close_date_changes": [
            {"on": c["changed_at"][:10], "from": c.get("from_date"), "to": c.get("to_date")}
            for c in history["close_date_changes"][-10:]
        ],
    }
    level = data["risk"].get("level")
    return Found(data, f"{deal['title']}" + (f" ({level} risk)" if level else ""))


async def at_risk_deals(ctx: ChatContext, *, limit: int = 10) -> Found:
    since = ctx.now - timedelta(days=90)
    (deals, open_total), (activities, _), stages = await asyncio.gather(
        ctx.api.pages("/deals", {"status": "open", "sort": "-amount"}, max_items=RISK_MAX_DEALS),
        ctx.api.pages(
            "/activities",
            {"from": since.isoformat(), "include_system": "false"},
            max_items=RISK_MAX_ACTIVITIES,
        ),
        ctx.api.stages(),
    )
    members = await ctx.api.members()
    owners = owner_names(members)
    by_stage = {s["id"]: s for s in stages}
    by_deal: dict[str, list[JSON]] = {}
    for activity in activities:
        if activity.get("deal_id"):
            by_deal.setdefault(activity["deal_id"], []).append(activity)
    features = [
        snapshot(d, by_stage.get(d["stage_id"]), by_deal.get(d["id"], []), ctx.now) for d in deals
    ]
    cards = {d["id"]: deal_card(d, owners, ctx.now) for d in deals}
    ranked = assess(features, owner_activity(activities, ctx.now), limit=max(1, min(limit, 25)))
    data: JSON = {
        "as_of": ctx.today.isoformat(),
        "open_deals_checked": len(deals),
        "open_deals_total": open_total,
        "ranked_by": "value_at_risk = amount x risk (risk combines the signals' severities)",
        "deals": [{**cards[r.deal_id], **risk_view(r)} for r in ranked],
    }
    if len(deals) < open_total:
        data["note"] = f"Only the {len(deals)} largest open deals were checked."
    return Found(data, f"{len(ranked)} deal{'s' if len(ranked) != 1 else ''} at risk")


def _entry(activity: JSON, owners: dict[str, str]) -> JSON:
    owner = activity.get("owner_id")
    return {
        "on": activity["occurred_at"][:10],
        "type": activity["system_event"] or activity["type"],
        "subject": clip(activity["subject"], 160),
        "body": clip(activity.get("body"), 240),
        "done": activity.get("completed_at") is not None,
        "by": owners.get(str(owner)) if owner else None,
    }


async def _stage_id(ctx: ChatContext, name: str) -> str:
    stages = await ctx.api.stages()
    wanted = name.strip().lower()
    exact = [s for s in stages if s["name"].lower() == wanted]
    partial = [s for s in stages if wanted in s["name"].lower()]
    match = exact or (partial if len(partial) == 1 else [])
    if not match:
        names = ", ".join(s["name"] for s in stages)
        raise QueryError(f"No stage is called {name!r}. The stages are: {names}.")
    return str(match[0]["id"])


async def _owner_id(ctx: ChatContext, who: str) -> str:
    if who.strip().lower() in ("me", "mine", "myself", "i") and ctx.user_id is not None:
        return str(ctx.user_id)
    members = await ctx.api.members()
    wanted = who.strip().lower()
    found = [m for m in members if wanted in m["name"].lower() or wanted == m["email"].lower()]
    if len(found) != 1:
        names = ", ".join(m["name"] for m in members)
        problem = "matches several members" if found else "matches no member"
        raise QueryError(f"{who!r} {problem}. The members are: {names}.")
    return str(found[0]["user_id"])
