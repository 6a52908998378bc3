"""Funnel queries over the stage history: stays in each stage and where deals went next.

A stay is a deal's time in one stage, from the change that put it there to the next one.
One window pass over each deal's changes (in time order) yields every stay, whether it
is the deal's first visit to that stage, and the furthest the deal got afterwards.
Stays in the current stage of an open deal have no end: they count as entries but not
in the durations (censored).
"""

import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import (
    Float,
    and_,
    any_,
    case,
    false,
    func,
    null,
    or_,
    select,
    true,
    union_all,
)
from sqlalchemy.dialects.postgresql import ARRAY, array
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from backend.analytics.repository import days_between
from backend.models import Deal, DealStageChange, PipelineStage, StageKind


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
        stays = self._stays(workspace_id, owner_id)
        stage = aliased(PipelineStage)
        is_open = stage.kind == StageKind.open
        stay_days = case(
            (
                and_(is_open, stays.c.left_at.is_not(None)),
                days_between(stays.c.entered_at, stays.c.left_at),
            )
        )
        moved_on = and_(
            stays.c.first_visit,
            is_open,
            or_(stays.c.won_later, stays.c.furthest_open_later > stage.position),
        )
        quartiles = func.percentile_cont(array([0.5, 0.75]), type_=ARRAY(Float)).within_group(
            stay_days
        )
        query = (
            select(
                stays.c.stage_id,
                func.count().filter(stays.c.first_visit).label("entered"),
                func.count().filter(moved_on).label("advanced"),
                quartiles.label("quartiles"),
                func.count(stay_days).label("measured_stays"),
            )
            .join(stage, and_(stage.id == stays.c.stage_id, stage.workspace_id == workspace_id))
            .group_by(stays.c.stage_id)
        )
        if start is not None:
            query = query.where(stays.c.entered_at >= start)
        if end is not None:
            query = query.where(stays.c.entered_at < end)
        flows = {}
        for row in await self.session.execute(query):
            median, p75 = row.quartiles or (None, None)
            flows[row.stage_id] = StageFlow(
                row.entered, row.advanced, median, p75, row.measured_stays
            )
        return flows

    def _stays(self, workspace_id: uuid.UUID, owner_id: uuid.UUID | None) -> Any:
        deal_filter = [Deal.workspace_id == workspace_id, Deal.archived_at.is_(None)]
        if owner_id is not None:
            deal_filter.append(Deal.owner_id == owner_id)
        change = DealStageChange
        reached = aliased(PipelineStage)
        won = reached.kind == StageKind.won
        open_position = func.max(reached.position).filter(reached.kind == StageKind.open)

        def per_deal(function: Any, rows: tuple[int | None, int | None] | None = None) -> Any:
            return function.over(
                partition_by=change.deal_id, order_by=(change.changed_at, change.id), rows=rows
            )

        changes = (
            select(
                change.deal_id,
                change.from_stage_id,
                change.to_stage_id,
                change.changed_at,
                Deal.created_at,
                per_deal(func.row_number()).label("n"),
                per_deal(func.lead(change.changed_at)).label("left_at"),
                per_deal(func.first_value(change.from_stage_id)).label("untracked_start"),
                per_deal(func.array_agg(change.to_stage_id), rows=(None, -1)).label("earlier"),
                per_deal(func.bool_or(won), rows=(1, None)).label("won_later"),
                per_deal(open_position, rows=(1, None)).label("furthest_open_later"),
                # Over the whole history: what the first change (n = 1) led to.
                per_deal(func.bool_or(won), rows=(None, None)).label("won_ever"),
                per_deal(open_position, rows=(None, None)).label("furthest_open_ever"),
            )
            .join(Deal, Deal.id == change.deal_id)
            .outerjoin(
                reached,
                and_(reached.id == change.to_stage_id, reached.workspace_id == workspace_id),
            )
            .where(change.workspace_id == workspace_id, *deal_filter)
            .cte("changes")
        )
        seen_before = or_(
            func.coalesce(changes.c.to_stage_id == any_(changes.c.earlier), false()),
            changes.c.to_stage_id.is_not_distinct_from(changes.c.untracked_start),
        )
        moves = select(
            changes.c.deal_id,
            changes.c.to_stage_id.label("stage_id"),
            changes.c.changed_at.label("entered_at"),
            changes.c.left_at,
            (~seen_before).label("first_visit"),
            changes.c.won_later,
            changes.c.furthest_open_later,
        ).where(changes.c.to_stage_id.is_not(None))
        # A history that does not start with "created in <stage>" (a change from no stage),
        # as imports may leave it: the first stay runs from creation to the first change.
        untracked_starts = select(
            changes.c.deal_id,
            changes.c.from_stage_id,
            func.least(changes.c.created_at, changes.c.changed_at),
            changes.c.changed_at,
            true(),
            changes.c.won_ever,
            changes.c.furthest_open_ever,
        ).where(changes.c.n == 1, changes.c.from_stage_id.is_not(None))
        never_moved = select(
            Deal.id, Deal.stage_id, Deal.created_at, null(), true(), null(), null()
        ).where(
            *deal_filter,
            ~select(change.id)
            .where(change.deal_id == Deal.id, change.workspace_id == workspace_id)
            .exists(),
        )
        return union_all(moves, untracked_starts, never_moved).subquery("stays")
