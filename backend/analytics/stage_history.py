"""Funnel queries over the stage stays: entries into each stage, where deals went next, and
how long they stayed.

A stay is a deal's time in one stage, from the change that put it there to the next one.
The database keeps them in `deal_stage_stay` (triggers refresh a deal's stays whenever its
stage history changes; see DealStageStay), each with its length, whether it is the deal's
first visit to the stage, and the stages the deal entered afterwards. Stays in the current
stage of an open deal have no end: they count as entries but not in the durations
(censored).

Over the whole history (no date range), the funnel is read from the running totals the
database keeps beside the stays (backend/models/stage_funnel.py) and the quartiles from a
handful of stays found through the length histogram; a date range reads the stays entered
in it.
"""

import uuid
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import (
    CTE,
    BigInteger,
    Float,
    and_,
    case,
    cast,
    column,
    func,
    or_,
    select,
    true,
    values,
)
from sqlalchemy.dialects.postgresql import ARRAY, array
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from backend.deals.repository import prefer_custom_plans
from backend.models import (
    DealStageStay,
    PipelineStage,
    StageKind,
    stage_funnel_reach,
    stage_stay_histogram,
)


@dataclass(frozen=True)
class StageFlow:
    entered: int
    advanced: int
    median_days: float | None
    p75_days: float | None
    measured_stays: int


# The stay-length quantiles reported: median and 75th percentile (percentile_cont).
QUARTILES = (0.5, 0.75)


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
        await prefer_custom_plans(self.session)
        if start is None and end is None:
            return await self._flow_from_totals(workspace_id, owner_id)
        return await self._flow_from_stays(workspace_id, start=start, end=end, owner_id=owner_id)

    async def compact_totals(self) -> None:
        """Fold the funnel totals' signed rows into one row per key (every workspace)."""
        await self.session.execute(select(func.compact_stage_funnel()))

    async def _flow_from_totals(
        self, workspace_id: uuid.UUID, owner_id: uuid.UUID | None
    ) -> dict[uuid.UUID, StageFlow]:
        """The whole history's funnel from the running totals; each stay-length quartile as
        percentile_cont computes it, from only the two stays it sits between.

        One statement: the totals and the stays are read in the same snapshot.
        """
        rules = _stage_rules(workspace_id)
        entries = _entries(rules, workspace_id, owner_id)
        targets = _quartile_targets(rules, workspace_id, owner_id)
        pair = _neighbours(targets, workspace_id, owner_id)
        query = (
            select(
                rules.c.id,
                entries.c.entered,
                entries.c.advanced,
                targets.c.measured,
                targets.c.fraction,
                targets.c.position,
                targets.c.rank,
                pair.c.low,
                pair.c.high,
            )
            .select_from(rules)
            .outerjoin(entries, entries.c.stage_id == rules.c.id)
            .outerjoin(targets, targets.c.stage_id == rules.c.id)
            .outerjoin(pair, true())
        )
        rows: dict[uuid.UUID, list[Any]] = defaultdict(list)
        for row in await self.session.execute(query):
            rows[row.id].append(row)
        return {stage_id: _flow(stage_rows) for stage_id, stage_rows in rows.items()}

    async def _flow_from_stays(
        self,
        workspace_id: uuid.UUID,
        *,
        start: datetime | None,
        end: datetime | None,
        owner_id: uuid.UUID | None,
    ) -> dict[uuid.UUID, StageFlow]:
        """A period's funnel, from the stays entered in it."""
        rules = _stage_rules(workspace_id)
        stay = DealStageStay
        stay_days = case((rules.c.is_open, stay.days))
        quartiles = func.percentile_cont(array(list(QUARTILES)), type_=ARRAY(Float)).within_group(
            stay_days
        )
        moved_on = and_(
            stay.first_visit, rules.c.is_open, stay.reached_after.overlap(rules.c.advancing)
        )
        # One index range per stage, nothing but the index read: by entry time for a short
        # period, else in `days` order (the percentile's sort then gets sorted input).
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
        flows = {}
        for row in await self.session.execute(query):
            median, p75 = row.quartiles or (None, None)
            flows[row.id] = StageFlow(row.entered, row.advanced, median, p75, row.measured_stays)
        return flows


def _stage_rules(workspace_id: uuid.UUID) -> CTE:
    """The workspace's stages: whether each is open, and where a deal must go next for it to
    count as passed (won, or an open stage placed after it). Taken from the pipeline as it
    is now, so reordering applies to the whole history."""
    stage, further = aliased(PipelineStage), aliased(PipelineStage)
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
    return (
        select(
            stage.id,
            (stage.kind == StageKind.open).label("is_open"),
            advancing.label("advancing"),
        )
        .where(stage.workspace_id == workspace_id)
        .cte("rules")
        .prefix_with("MATERIALIZED")  # evaluate `advancing` once per stage, not per row
    )


def _entries(rules: CTE, workspace_id: uuid.UUID, owner_id: uuid.UUID | None) -> CTE:
    """Per stage, first visits and those that moved on, from the running totals."""
    reach = stage_funnel_reach
    moved_on = and_(rules.c.is_open, reach.c.reached_after.overlap(rules.c.advancing))
    owned = [] if owner_id is None else [reach.c.owner_id == owner_id]
    return (
        select(
            reach.c.stage_id,
            func.sum(reach.c.first_visits).label("entered"),
            func.sum(reach.c.first_visits).filter(moved_on).label("advanced"),
        )
        .join(rules, rules.c.id == reach.c.stage_id)
        .where(reach.c.workspace_id == workspace_id, *owned)
        .group_by(reach.c.stage_id)
        .cte("entries")
    )


def _quartile_targets(rules: CTE, workspace_id: uuid.UUID, owner_id: uuid.UUID | None) -> CTE:
    """Per open stage and quartile: the completed stays, the quartile's position among them
    and the length bucket holding its rank (from the histogram)."""
    histogram = stage_stay_histogram
    owned = [] if owner_id is None else [histogram.c.owner_id == owner_id]
    lengths = (
        select(
            histogram.c.stage_id,
            histogram.c.bucket,
            func.sum(histogram.c.stays).label("stays"),
        )
        .join(rules, and_(rules.c.id == histogram.c.stage_id, rules.c.is_open))
        .where(histogram.c.workspace_id == workspace_id, *owned)
        .group_by(histogram.c.stage_id, histogram.c.bucket)
        .having(func.sum(histogram.c.stays) != 0)
        .cte("lengths")
    )
    per_stage = {"partition_by": lengths.c.stage_id}
    cumulative = select(
        lengths.c.stage_id,
        lengths.c.bucket,
        lengths.c.stays,
        (
            func.sum(lengths.c.stays).over(**per_stage, order_by=lengths.c.bucket) - lengths.c.stays
        ).label("below"),
        func.sum(lengths.c.stays).over(**per_stage).label("measured"),
    ).cte("cumulative")
    quartile = values(column("fraction", Float), name="quartile").data(
        [(fraction,) for fraction in QUARTILES]
    )
    # percentile_cont's position among the n sorted values (0-based), in float8 as it
    # computes it: the value there is interpolated between the stays at floor and ceil.
    position = quartile.c.fraction * cast(cumulative.c.measured - 1, Float)
    rank = cast(func.floor(position), BigInteger)
    return (
        select(
            cumulative.c.stage_id,
            cumulative.c.bucket,
            cumulative.c.measured,
            quartile.c.fraction,
            position.label("position"),
            rank.label("rank"),
            (rank - cumulative.c.below).label("rank_in_bucket"),
        )
        .join(quartile, true())
        .where(cumulative.c.below <= rank, rank < cumulative.c.below + cumulative.c.stays)
        .cte("targets")
    )


def _neighbours(targets: CTE, workspace_id: uuid.UUID, owner_id: uuid.UUID | None) -> Any:
    """Per target, the stay at its rank and the next one (which may open the next bucket):
    read in `days` order from the funnel index, starting at the bucket's lower bound."""
    stay = DealStageStay
    bucket_start = func.coalesce(
        func.stay_days_bounds(type_=ARRAY(Float))[targets.c.bucket], float("-inf")
    )
    two = (
        select(stay.days)
        .where(
            stay.workspace_id == workspace_id,
            stay.stage_id == targets.c.stage_id,
            ~stay.archived,
            stay.days >= bucket_start,
            *([] if owner_id is None else [stay.owner_id == owner_id]),
        )
        .order_by(stay.days)
        .offset(targets.c.rank_in_bucket)
        .limit(2)
        .correlate(targets)
        .subquery()
    )
    return select(func.min(two.c.days).label("low"), func.max(two.c.days).label("high")).lateral(
        "pair"
    )


def _flow(rows: list[Any]) -> StageFlow:
    """A stage's flow from its rows of the totals statement (one per quartile found)."""
    first = rows[0]
    # float8_lerp, as percentile_cont ends.
    at = {
        row.fraction: row.low + (row.high - row.low) * (row.position - row.rank)
        for row in rows
        if row.fraction is not None
    }
    return StageFlow(
        entered=int(first.entered or 0),
        advanced=int(first.advanced or 0),
        median_days=at.get(QUARTILES[0]),
        p75_days=at.get(QUARTILES[1]),
        measured_stays=int(first.measured or 0),
    )
