"""Queries the demo data needs: the deals worth a sample insight."""

import uuid
from datetime import date
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from backend.models import Deal, PipelineStage, StageKind


class DemoRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def has_deals(self, workspace_id: uuid.UUID) -> bool:
        found = await self.session.scalar(
            select(func.count()).select_from(
                select(Deal.id).where(Deal.workspace_id == workspace_id).limit(1).subquery()
            )
        )
        return bool(found)

    def _open_deals(self, workspace_id: uuid.UUID) -> Any:
        return (
            select(Deal)
            .join(PipelineStage, PipelineStage.id == Deal.stage_id)
            .where(
                Deal.workspace_id == workspace_id,
                Deal.archived_at.is_(None),
                PipelineStage.kind == StageKind.open,
            )
        )

    async def stalest(self, workspace_id: uuid.UUID, limit: int) -> list[Deal]:
        rows = await self.session.scalars(
            self._open_deals(workspace_id)
            .where(Deal.last_activity_at.is_not(None))
            .order_by(Deal.last_activity_at, Deal.id)
            .limit(limit)
        )
        return list(rows)

    async def overdue(self, workspace_id: uuid.UUID, today: date, limit: int) -> list[Deal]:
        rows = await self.session.scalars(
            self._open_deals(workspace_id)
            .where(Deal.expected_close_date < today)
            .order_by(Deal.amount.desc(), Deal.id)
            .limit(limit)
        )
        return list(rows)

    async def slipping(self, workspace_id: uuid.UUID, limit: int) -> list[Deal]:
        rows = await self.session.scalars(
            self._open_deals(workspace_id)
            .where(Deal.close_date_push_count >= 2)
            .order_by(Deal.close_date_push_count.desc(), Deal.amount.desc(), Deal.id)
            .limit(limit)
        )
        return list(rows)
