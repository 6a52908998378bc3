import uuid
from decimal import Decimal

from sqlalchemy import and_, select
from sqlalchemy.engine import Row
from sqlalchemy.ext.asyncio import AsyncSession

from backend.models import Deal, PipelineStage, StageKind, WorkspacePreference


class OutlookRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def deal_stage_kind(
        self, workspace_id: uuid.UUID, deal_id: uuid.UUID
    ) -> Row[uuid.UUID, StageKind] | None:
        """The deal's id and its stage's kind, if it is an unarchived deal of the workspace."""
        query = (
            select(Deal.id, PipelineStage.kind)
            .join(
                PipelineStage,
                and_(PipelineStage.id == Deal.stage_id, PipelineStage.workspace_id == workspace_id),
            )
            .where(
                Deal.workspace_id == workspace_id, Deal.id == deal_id, Deal.archived_at.is_(None)
            )
        )
        return (await self.session.execute(query)).first()

    async def monthly_target(self, workspace_id: uuid.UUID) -> Decimal | None:
        return await self.session.scalar(
            select(WorkspacePreference.monthly_target).where(
                WorkspacePreference.workspace_id == workspace_id
            )
        )
