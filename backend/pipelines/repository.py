"""Queries for a workspace's pipeline stages."""

import uuid
from collections.abc import Sequence

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from backend.models import Deal, PipelineStage, StageKind


class StageRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def list(
        self, workspace_id: uuid.UUID, *, for_update: bool = False
    ) -> list[PipelineStage]:
        """Stages in pipeline order; `for_update` locks them so concurrent edits serialize."""
        statement = (
            select(PipelineStage)
            .where(PipelineStage.workspace_id == workspace_id)
            .order_by(PipelineStage.position, PipelineStage.created_at, PipelineStage.id)
        )
        if for_update:
            statement = statement.with_for_update()
        return list((await self.session.scalars(statement)).all())

    async def get(self, workspace_id: uuid.UUID, stage_id: uuid.UUID) -> PipelineStage | None:
        return await self.session.scalar(
            select(PipelineStage).where(
                PipelineStage.workspace_id == workspace_id, PipelineStage.id == stage_id
            )
        )

    async def first_open(self, workspace_id: uuid.UUID) -> PipelineStage | None:
        return await self.session.scalar(
            select(PipelineStage)
            .where(PipelineStage.workspace_id == workspace_id, PipelineStage.kind == StageKind.open)
            .order_by(PipelineStage.position, PipelineStage.id)
            .limit(1)
        )

    async def count_deals(self, workspace_id: uuid.UUID, stage_id: uuid.UUID) -> int:
        count = await self.session.scalar(
            select(func.count())
            .select_from(Deal)
            .where(Deal.workspace_id == workspace_id, Deal.stage_id == stage_id)
        )
        return count or 0

    async def add_all(self, stages: Sequence[PipelineStage]) -> None:
        self.session.add_all(stages)
        await self.session.flush()

    async def delete(self, stage: PipelineStage) -> None:
        await self.session.delete(stage)
        await self.session.flush()
