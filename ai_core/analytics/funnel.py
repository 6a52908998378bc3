"""Funnel velocity from stage history: conversion stage to stage, days spent per stage.

For each open stage, in pipeline order, over the deals that ever entered it:

- advanced: later reached a further stage, or were won (skipping stages counts);
- dropped: were lost without reaching a further stage;
- still open: are open and have not gone further;
- conversion = advanced / (advanced + dropped): deals still deciding are left out.

Days in a stage are per deal (the sum of its completed visits; a deal still in the stage
is left out). The won-deal figures are what `DealFeatures.typical_won_days_in_stage`
takes (the p75); they need at least 5 won deals through the stage by default.
"""

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Literal

import numpy as np
from pydantic import BaseModel, ConfigDict

MIN_WON_FOR_TIMING = 5
DAY_SECONDS = 86_400


class StageVisit(BaseModel):
    """One stay of a deal in a stage; `outcome` is how the deal ended (open: not yet)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    deal_id: str
    stage_id: str
    entered_at: datetime
    left_at: datetime | None
    outcome: Literal["won", "lost", "open"]


@dataclass(frozen=True, slots=True)
class StageFlow:
    stage_id: str
    entered: int
    advanced: int
    dropped: int
    still_open: int
    conversion: float | None
    median_days: float | None
    p75_days: float | None
    won_median_days: float | None
    won_p75_days: float | None


@dataclass(frozen=True, slots=True)
class Funnel:
    stages: tuple[StageFlow, ...]
    win_rate: float | None
    # Won deals: from first entering the pipeline to leaving their last open stage.
    median_won_cycle_days: float | None


def _percentile(values: list[float], q: float, minimum: int = 1) -> float | None:
    return round(float(np.percentile(values, q)), 2) if len(values) >= minimum else None


def funnel(
    visits: Sequence[StageVisit],
    stages: Sequence[str],
    *,
    min_won_for_timing: int = MIN_WON_FOR_TIMING,
) -> Funnel:
    """Conversion and days per stage; `stages` are the open stages in pipeline order."""
    position = {stage: k for k, stage in enumerate(stages)}
    outcome: dict[str, str] = {}
    furthest: dict[str, int] = {}
    entered: dict[str, set[str]] = defaultdict(set)
    days: dict[tuple[str, str], float] = defaultdict(float)
    unfinished: set[tuple[str, str]] = set()
    first_in: dict[str, datetime] = {}
    last_out: dict[str, datetime] = {}
    for v in visits:
        outcome[v.deal_id] = v.outcome
        if v.stage_id not in position:
            continue
        key = (v.deal_id, v.stage_id)
        entered[v.stage_id].add(v.deal_id)
        reached = len(stages) if v.outcome == "won" else position[v.stage_id]
        furthest[v.deal_id] = max(furthest.get(v.deal_id, -1), reached)
        first_in[v.deal_id] = min(first_in.get(v.deal_id, v.entered_at), v.entered_at)
        if v.left_at is None:
            unfinished.add(key)
        else:
            days[key] += (v.left_at - v.entered_at).total_seconds() / DAY_SECONDS
            last_out[v.deal_id] = max(last_out.get(v.deal_id, v.left_at), v.left_at)
    flows = []
    for stage in stages:
        k = position[stage]
        deals = entered.get(stage, set())
        advanced = sum(1 for d in deals if furthest[d] > k)
        dropped = sum(1 for d in deals if furthest[d] == k and outcome[d] == "lost")
        spent = [days[(d, stage)] for d in deals if (d, stage) not in unfinished]
        won_spent = [
            days[(d, stage)] for d in deals if outcome[d] == "won" and (d, stage) not in unfinished
        ]
        decided = advanced + dropped
        flows.append(
            StageFlow(
                stage_id=stage,
                entered=len(deals),
                advanced=advanced,
                dropped=dropped,
                still_open=len(deals) - decided,
                conversion=round(advanced / decided, 4) if decided else None,
                median_days=_percentile(spent, 50),
                p75_days=_percentile(spent, 75),
                won_median_days=_percentile(won_spent, 50, min_won_for_timing),
                won_p75_days=_percentile(won_spent, 75, min_won_for_timing),
            )
        )
    won = [d for d, o in outcome.items() if o == "won"]
    lost = sum(1 for o in outcome.values() if o == "lost")
    cycles = [
        (last_out[d] - first_in[d]).total_seconds() / DAY_SECONDS
        for d in won
        if d in first_in and d in last_out
    ]
    return Funnel(
        stages=tuple(flows),
        win_rate=round(len(won) / (len(won) + lost), 4) if won or lost else None,
        median_won_cycle_days=_percentile(cycles, 50),
    )
