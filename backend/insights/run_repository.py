"""Queries for insight runs: queue, find the active one, pick the workspaces due a run."""

import uuid
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from backend.models import (
    Deal,
    InsightRun,
    InsightSchedule,
    PipelineStage,
    RunStatus,
    StageKind,
    WorkspacePreference,
)

ACTIVE = (RunStatus.queued, RunStatus.running)


class RunRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def add(self, run: InsightRun) -> InsightRun:
        self.session.add(run)
        await self.session.flush()
        return run

    async def get(
        self, workspace_id: uuid.UUID, run_id: uuid.UUID, *, for_update: bool = False
    ) -> InsightRun | None:
        statement = select(InsightRun).where(
            InsightRun.workspace_id == workspace_id, InsightRun.id == run_id
        )
        if for_update:
            statement = statement.with_for_update()
        return await self.session.scalar(statement)

    async def active(self, workspace_id: uuid.UUID, *, since: datetime) -> InsightRun | None:
        """The newest run queued or running since `since`, if any."""
        return await self.session.scalar(
            select(InsightRun)
            .where(
                InsightRun.workspace_id == workspace_id,
                InsightRun.status.in_(ACTIVE),
                InsightRun.created_at >= since,
            )
            .order_by(InsightRun.created_at.desc(), InsightRun.id.desc())
            .limit(1)
        )

    async def workspaces_due(self, *, weekly_day: bool) -> list[uuid.UUID]:
        """Workspaces with an open, unarchived deal whose insight schedule is due today.

        No preference row means the default, daily; weekly ones are due on `weekly_day`.
        """
        due = [InsightSchedule.daily.value] + ([InsightSchedule.weekly.value] if weekly_day else [])
        schedule = func.coalesce(WorkspacePreference.insight_schedule, InsightSchedule.daily.value)
        rows = await self.session.scalars(
            select(Deal.workspace_id)
            .join(PipelineStage, PipelineStage.id == Deal.stage_id)
            .outerjoin(WorkspacePreference, WorkspacePreference.workspace_id == Deal.workspace_id)
            .where(
                PipelineStage.workspace_id == Deal.workspace_id,
                PipelineStage.kind == StageKind.open,
                Deal.archived_at.is_(None),
                schedule.in_(due),
            )
            .distinct()
            .order_by(Deal.workspace_id)
        )
        return list(rows.all())
