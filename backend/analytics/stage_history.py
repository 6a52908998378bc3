"""Funnel queries over the stage stays: entries into each stage, where deals went next, and
how long they stayed.

A stay is a deal's time in one stage, from the change that put it there to the next one.
The database keeps them in `deal_stage_stay` (triggers refresh a deal's stays whenever its
stage history changes; see DealStageStay), each with its length, whether it is the deal's
first visit to the stage, and the stages the deal entered afterwards. Stays in the current
stage of an open deal have no end: they count as entries but not in the durations
(censored).
"""

import uuid
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Float, and_, case, func, or_, select, true
from sqlalchemy.dialects.postgresql import ARRAY, array
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from backend.deals.repository import prefer_custom_plans
from backend.models import DealStageStay, PipelineStage, StageKind


@dataclass(frozen=True)
class StageFlow:
    entered: int
    advanced: int
    median_days: float | None
    p75_days: float | None
    measured_stays: int


class StageHistoryRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def stage_flow(
        self,
        workspace_id: uuid.UUID,
        *,
        start: datetime | None,
        end: datetime | None,
        owner_id: uuid.UUID | None,
    ) -> dict[uuid.UUID, StageFlow]:
        """Per stage, over stays entered in [start, end): deals entering it for the first
        time, how many of those moved on (a later open stage, or won), and stay lengths."""
        stage, further = aliased(PipelineStage), aliased(PipelineStage)
        # Where a deal must go next for a stage to count as passed: won, or an open stage
        # placed after it. Taken from the pipeline as it is now, so reordering applies.
        advancing = (
            select(func.array_agg(further.id))
            .where(
                further.workspace_id == stage.workspace_id,
                or_(
                    further.kind == StageKind.won,
                    and_(further.kind == StageKind.open, further.position > stage.position),
                ),
            )
            .scalar_subquery()
        )
        rules = (
            select(
                stage.id,
                (stage.kind == StageKind.open).label("is_open"),
                advancing.label("advancing"),
            )
            .where(stage.workspace_id == workspace_id)
            .cte("rules")
            .prefix_with("MATERIALIZED")  # evaluate `advancing` once per stage, not per stay
        )
        stay = DealStageStay
        stay_days = case((rules.c.is_open, stay.days))
        quartiles = func.percentile_cont(array([0.5, 0.75]), type_=ARRAY(Float)).within_group(
            stay_days
        )
        moved_on = and_(
            stay.first_visit, rules.c.is_open, stay.reached_after.overlap(rules.c.advancing)
        )
        # One index range per stage, read in `days` order: the percentile's sort gets its
        # input already sorted, and nothing but the index is read.
        flow = select(
            func.count().filter(stay.first_visit).label("entered"),
            func.count().filter(moved_on).label("advanced"),
            quartiles.label("quartiles"),
            func.count(stay_days).label("measured_stays"),
        ).where(
            stay.workspace_id == workspace_id,
            stay.stage_id == rules.c.id,
            ~stay.archived,
        )
        if owner_id is not None:
            flow = flow.where(stay.owner_id == owner_id)
        if start is not None:
            flow = flow.where(stay.entered_at >= start)
        if end is not None:
            flow = flow.where(stay.entered_at < end)
        per_stage = flow.lateral("flow")
        query = select(rules.c.id, per_stage).select_from(rules).join(per_stage, true())
        await prefer_custom_plans(self.session)
        flows = {}
        for row in await self.session.execute(query):
            median, p75 = row.quartiles or (None, None)
            flows[row.id] = StageFlow(row.entered, row.advanced, median, p75, row.measured_stays)
        return flows
