"""Insight records written straight to the database: the API only reads and triages them."""

import uuid
from datetime import UTC, datetime, timedelta
from decimal import Decimal

from backend import db
from backend.models import (
    Insight,
    InsightPriority,
    InsightRun,
    InsightStatus,
    InsightType,
    RunStatus,
)

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


async def make_run(workspace_id: str, **fields: object) -> str:
    values: dict[str, object] = {
        "trigger": "schedule",
        "status": RunStatus.succeeded,
        "started_at": T0,
        "finished_at": T0 + timedelta(seconds=42),
        "model": "claude-sonnet-4-5",
        "used_ai": True,
        "input_tokens": 1200,
        "output_tokens": 300,
        "cost_usd": Decimal("0.008100"),
        **fields,
    }
    async with db.session_factory()() as session:
        run = InsightRun(workspace_id=uuid.UUID(workspace_id), **values)
        session.add(run)
        await session.commit()
        return str(run.id)


async def make_insight(
    workspace_id: str,
    *,
    priority: InsightPriority = InsightPriority.medium,
    status: InsightStatus = InsightStatus.new,
    type: InsightType = InsightType.risk,
    deal_id: str | None = None,
    created_at: datetime | None = None,
    signal_key: str | None = None,
) -> str:
    async with db.session_factory()() as session:
        insight = Insight(
            workspace_id=uuid.UUID(workspace_id),
            deal_id=uuid.UUID(deal_id) if deal_id else None,
            type=type,
            signal_key=signal_key or f"signal:{uuid.uuid4().hex}",
            title="Deal has gone quiet",
            description="No activity for 21 days while in negotiation.",
            priority=priority,
            confidence=Decimal("0.800"),
            evidence={"idle_days": 21},
            suggested_actions=["Call the champion"],
            status=status,
            created_at=created_at or datetime.now(UTC),
        )
        session.add(insight)
        await session.commit()
        return str(insight.id)
