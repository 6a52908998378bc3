"""Insights as records: list, read, move through their status; generation writes them later."""

import uuid
from datetime import datetime
from decimal import Decimal
from typing import Any, NamedTuple

from sqlalchemy.ext.asyncio import AsyncSession

from backend.activities.service import record_system
from backend.auth.deps import WorkspaceContext
from backend.events.publisher import publish
from backend.insights.repository import InsightRepository
from backend.insights.schemas import InsightFilters, InsightRead, InsightRunRead
from backend.models import (
    Insight,
    InsightPriority,
    InsightStatus,
    InsightType,
    SystemEvent,
)
from kit.errors import Conflict, NotFound
from kit.pagination import (
    cursor_datetime,
    cursor_enum,
    cursor_uuid,
    decode_cursor,
    encode_cursor,
)
from kit.schemas import Page

# Someone looks at an insight, then acts on it or dismisses it; both outcomes are final.
TRANSITIONS: dict[InsightStatus, frozenset[InsightStatus]] = {
    InsightStatus.new: frozenset(
        {InsightStatus.viewed, InsightStatus.actioned, InsightStatus.dismissed}
    ),
    InsightStatus.viewed: frozenset({InsightStatus.actioned, InsightStatus.dismissed}),
    InsightStatus.actioned: frozenset(),
    InsightStatus.dismissed: frozenset(),
}


class UpsertedInsight(NamedTuple):
    insight: Insight
    created: bool


async def list_insights(
    session: AsyncSession,
    ctx: WorkspaceContext,
    filters: InsightFilters,
    *,
    cursor: str | None,
    limit: int,
) -> Page[InsightRead]:
    insights = InsightRepository(session)
    after = _decode(cursor) if cursor else None
    rows = await insights.page(ctx.workspace_id, filters, after=after, limit=limit + 1)
    total = await insights.count(ctx.workspace_id, filters)
    next_cursor = None
    if len(rows) > limit:
        rows = rows[:limit]
        last = rows[-1]
        next_cursor = encode_cursor([last.priority.value, last.created_at, last.id])
    return Page(
        items=[InsightRead.model_validate(i) for i in rows], total=total, next_cursor=next_cursor
    )


async def get(session: AsyncSession, ctx: WorkspaceContext, insight_id: uuid.UUID) -> InsightRead:
    insight = await InsightRepository(session).get(ctx.workspace_id, insight_id)
    if insight is None:
        raise NotFound("Insight not found.")
    return InsightRead.model_validate(insight)


async def change_status(
    session: AsyncSession, ctx: WorkspaceContext, insight_id: uuid.UUID, status: InsightStatus
) -> InsightRead:
    insight = await InsightRepository(session).get(ctx.workspace_id, insight_id, for_update=True)
    if insight is None:
        raise NotFound("Insight not found.")
    if insight.status == status:
        return InsightRead.model_validate(insight)
    allowed = TRANSITIONS[insight.status]
    if status not in allowed:
        raise Conflict(
            f"An insight that is {insight.status.value} cannot become {status.value}.",
            code="invalid_status_transition",
            details={
                "from": insight.status.value,
                "to": status.value,
                "allowed": sorted(s.value for s in allowed),
            },
        )
    insight.status = status
    await session.flush()
    await publish(
        session,
        workspace_id=ctx.workspace_id,
        type="insight.updated",
        data={"id": str(insight.id), "deal_id": _str(insight.deal_id), "status": status.value},
    )
    return InsightRead.model_validate(insight)


async def get_run(
    session: AsyncSession, ctx: WorkspaceContext, run_id: uuid.UUID
) -> InsightRunRead:
    run = await InsightRepository(session).get_run(ctx.workspace_id, run_id)
    if run is None:
        raise NotFound("Insight run not found.")
    return InsightRunRead.model_validate(run)


async def upsert_open_insight(
    session: AsyncSession,
    *,
    workspace_id: uuid.UUID,
    run_id: uuid.UUID | None,
    signal_key: str,
    deal_id: uuid.UUID | None,
    type: InsightType,
    title: str,
    description: str,
    priority: InsightPriority,
    confidence: Decimal,
    evidence: dict[str, Any],
    suggested_actions: list[str],
    generated_without_ai: bool,
) -> UpsertedInsight:
    """Refresh the open (new/viewed) insight for `signal_key`, or raise a new one.

    A dismissed or actioned insight no longer blocks its signal: if the signal fires again,
    a fresh insight is raised. A refresh keeps the status, so a viewed insight stays viewed.
    """
    insight, created = await InsightRepository(session).upsert_open(
        {
            "workspace_id": workspace_id,
            "run_id": run_id,
            "signal_key": signal_key,
            "deal_id": deal_id,
            "type": type,
            "title": title,
            "description": description,
            "priority": priority,
            "confidence": Decimal(str(confidence)),
            "evidence": evidence,
            "suggested_actions": suggested_actions,
            "generated_without_ai": generated_without_ai,
        }
    )
    if created and deal_id is not None:
        await record_system(
            session,
            workspace_id=workspace_id,
            deal_id=deal_id,
            event=SystemEvent.insight_raised,
            subject=title,
            details={"insight_id": str(insight.id), "type": type.value, "priority": priority.value},
        )
    await publish(
        session,
        workspace_id=workspace_id,
        type="insight.created" if created else "insight.updated",
        data={"id": str(insight.id), "deal_id": _str(deal_id), "status": insight.status.value},
    )
    return UpsertedInsight(insight, created)


def _decode(cursor: str) -> tuple[InsightPriority, datetime, uuid.UUID]:
    priority, created_at, insight_id = decode_cursor(
        cursor, cursor_enum(InsightPriority), cursor_datetime, cursor_uuid
    )
    return priority, created_at, insight_id


def _str(value: uuid.UUID | None) -> str | None:
    return str(value) if value is not None else None
