"""Demo data: a small, realistic workspace (sellers, deals, history, activities, insights).

The generator COPYs a few hundred deals inside the request's transaction (about a second),
then a handful of sample risk insights are derived from what it made, so every part of the
dashboard has something to show. One `demo.loaded` event tells open dashboards to refresh.
"""

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal

from sqlalchemy.ext.asyncio import AsyncSession

from backend.auth.deps import WorkspaceContext
from backend.demo.repository import DemoRepository
from backend.events.publisher import publish
from backend.models import Deal, Insight, InsightPriority, InsightType
from devtools.generator import Spec, add_sellers, populate
from kit.errors import Conflict

DEMO_DEALS = 400
DEMO_ACTIVITIES_PER_DEAL = 10
DEMO_SELLERS = 5
DEMO_SEED = 7
SAMPLE_INSIGHTS_PER_KIND = 3


@dataclass(frozen=True)
class DemoLoaded:
    deals: int
    activities: int
    insights: int


async def load_demo_data(session: AsyncSession, ctx: WorkspaceContext) -> DemoLoaded:
    """Fill an empty workspace with generated data; a workspace with deals is left alone."""
    repo = DemoRepository(session)
    if await repo.has_deals(ctx.workspace_id):
        raise Conflict(
            "This workspace already has deals: demo data only goes into an empty workspace.",
            code="workspace_not_empty",
        )
    sellers = await add_sellers(
        session,
        workspace_id=ctx.workspace_id,
        count=DEMO_SELLERS,
        # Seller emails are unique across the installation: one domain per workspace.
        domain=f"demo-{ctx.workspace_id.hex[:12]}.vectoros.dev",
        seed=DEMO_SEED,
    )
    owners = [ctx.user_id, *sellers] if ctx.user_id else sellers
    spec = Spec(deals=DEMO_DEALS, activities=DEMO_DEALS * DEMO_ACTIVITIES_PER_DEAL, seed=DEMO_SEED)
    loaded = await populate(session, workspace_id=ctx.workspace_id, seller_ids=owners, spec=spec)
    insights = await _sample_insights(session, repo, ctx.workspace_id)
    await publish(
        session,
        workspace_id=ctx.workspace_id,
        type="demo.loaded",
        data={"deals": loaded.deals, "insights": insights},
    )
    return DemoLoaded(deals=loaded.deals, activities=loaded.activities, insights=insights)


async def _sample_insights(
    session: AsyncSession, repo: DemoRepository, workspace_id: uuid.UUID
) -> int:
    now = datetime.now(UTC)
    insights = []
    for deal in await repo.stalest(workspace_id, SAMPLE_INSIGHTS_PER_KIND):
        days = (now - deal.last_activity_at).days if deal.last_activity_at else 0
        insights.append(
            _risk(
                deal,
                "stale",
                f"No activity in {days} days",
                f"Nobody has called, emailed or met {deal.company or 'the buyer'} in {days} "
                "days; deals this quiet rarely close on time.",
                {"days_since_activity": days},
                ["Call the champion this week", "Send a recap with a clear next step"],
            )
        )
    for deal in await repo.overdue(workspace_id, now.date(), SAMPLE_INSIGHTS_PER_KIND):
        insights.append(
            _risk(
                deal,
                "overdue",
                "Expected close date has passed",
                f"It was due to close on {deal.expected_close_date}; the forecast still counts "
                "it this month.",
                {"expected_close_date": str(deal.expected_close_date)},
                ["Confirm a new close date with the buyer", "Move it back a stage if stalled"],
            )
        )
    for deal in await repo.slipping(workspace_id, SAMPLE_INSIGHTS_PER_KIND):
        insights.append(
            _risk(
                deal,
                "slipping",
                f"Close date pushed {deal.close_date_push_count} times",
                "Repeated pushes are the strongest early sign of a deal that will be lost.",
                {"close_date_pushes": deal.close_date_push_count},
                ["Ask what changed on the buyer's side", "Agree a mutual action plan"],
            )
        )
    session.add_all(insights)
    await session.flush()
    return len(insights)


def _risk(
    deal: Deal,
    signal: str,
    title: str,
    description: str,
    evidence: dict[str, object],
    actions: list[str],
) -> Insight:
    priority = InsightPriority.critical if deal.amount >= 50_000 else InsightPriority.high
    return Insight(
        workspace_id=deal.workspace_id,
        deal_id=deal.id,
        type=InsightType.risk,
        signal_key=f"demo:{signal}:{deal.id}",
        title=title,
        description=description,
        priority=priority,
        confidence=Decimal("0.700"),
        evidence=evidence,
        suggested_actions=actions,
        generated_without_ai=True,
    )
