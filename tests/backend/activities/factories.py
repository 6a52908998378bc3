"""Deals and system entries written straight to the database (the deals API is not needed)."""

import uuid
from datetime import UTC, datetime
from decimal import Decimal

from backend import db
from backend.activities.service import record_system
from backend.models import Deal, DealSource, PipelineStage, StageKind, SystemEvent


async def make_deal(
    workspace_id: str | uuid.UUID,
    *,
    title: str = "Globex renewal",
    last_activity_at: datetime | None = None,
) -> str:
    async with db.session_factory()() as session:
        stage = PipelineStage(
            workspace_id=uuid.UUID(str(workspace_id)),
            name=f"Stage {uuid.uuid4().hex[:8]}",
            position=0,
            probability=Decimal("25"),
            kind=StageKind.open,
        )
        session.add(stage)
        await session.flush()
        deal = Deal(
            workspace_id=stage.workspace_id,
            title=title,
            amount=Decimal("12000.00"),
            currency="EUR",
            stage_id=stage.id,
            source=DealSource.manual,
            stage_entered_at=datetime.now(UTC),
            last_activity_at=last_activity_at,
        )
        session.add(deal)
        await session.commit()
        return str(deal.id)


async def last_activity_at(deal_id: str) -> datetime | None:
    async with db.session_factory()() as session:
        deal = await session.get(Deal, uuid.UUID(deal_id))
        assert deal is not None
        return deal.last_activity_at


async def make_system_entry(
    workspace_id: str, deal_id: str, *, occurred_at: datetime | None = None
) -> str:
    async with db.session_factory()() as session:
        entry = await record_system(
            session,
            workspace_id=uuid.UUID(workspace_id),
            deal_id=uuid.UUID(deal_id),
            event=SystemEvent.stage_changed,
            subject="Moved from lead to qualified",
            details={"from": "lead", "to": "qualified"},
            occurred_at=occurred_at,
        )
        await session.commit()
        return str(entry.id)
