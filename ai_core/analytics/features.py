"""The engine's typed input: one snapshot per deal, as it stands on the snapshot day.

The backend computes these in set-based SQL (one row per deal, never raw activity rows).
Every `days_*` field is counted from the snapshot day (`as_of`), so the engine needs no
clock and gives the same answer for the same input.
"""

from datetime import date
from decimal import Decimal
from enum import StrEnum
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

ACTIVITY_TYPES = ("call", "email", "meeting", "note", "task")
WINDOWS = (14, 30, 90)


class StageKind(StrEnum):
    open = "open"
    won = "won"
    lost = "lost"


class _Input(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class DealFeatures(_Input):
    """One deal on the snapshot day: stage, timing, engagement, size and ownership."""

    deal_id: str
    title: str | None = None
    stage_id: str
    stage_name: str
    stage_kind: StageKind = StageKind.open
    # The deal's own probability override when it has one, else its stage's (0..1).
    stage_probability: float = Field(ge=0, le=1)
    # The stage's "rotting after N idle days" threshold; None: the stage never rots.
    rotting_days: int | None = Field(default=None, gt=0)
    # 75th percentile of the days won deals spent in this stage (funnel's won_p75_days);
    # None when too few won deals went through it to say.
    typical_won_days_in_stage: float | None = Field(default=None, ge=0)
    days_in_stage: float = Field(ge=0)
    # None: no activity was ever logged on the deal.
    days_since_last_activity: float | None = Field(default=None, ge=0)
    # Done activities of each type in the 14, 30 and 90 days up to the snapshot day: flat
    # columns, as SQL's `count(*) filter (where ...)` gives them.
    calls_14d: int = Field(default=0, ge=0)
    emails_14d: int = Field(default=0, ge=0)
    meetings_14d: int = Field(default=0, ge=0)
    notes_14d: int = Field(default=0, ge=0)
    tasks_14d: int = Field(default=0, ge=0)
    calls_30d: int = Field(default=0, ge=0)
    emails_30d: int = Field(default=0, ge=0)
    meetings_30d: int = Field(default=0, ge=0)
    notes_30d: int = Field(default=0, ge=0)
    tasks_30d: int = Field(default=0, ge=0)
    calls_90d: int = Field(default=0, ge=0)
    emails_90d: int = Field(default=0, ge=0)
    meetings_90d: int = Field(default=0, ge=0)
    notes_90d: int = Field(default=0, ge=0)
    tasks_90d: int = Field(default=0, ge=0)
    # Activities planned for the future and not done yet (calls, meetings, tasks).
    scheduled_activities: int = Field(default=0, ge=0)
    # How many times the expected close date was moved later.
    close_date_pushes: int = Field(default=0, ge=0)
    # Expected close date minus the snapshot day: negative when past due, None when unset.
    days_to_close: int | None = None
    amount: Decimal = Field(ge=0)
    source: str = "manual"
    owner_id: str | None = None
    owner_name: str | None = None
    contact_count: int = Field(default=1, ge=0)
    # Days since the deal was created; None when unknown.
    age_days: float | None = Field(default=None, ge=0)
    # Workspace-specific fields the win model may learn from: categorical ones
    # (e.g. {"product": "GTX Pro", "sector": "retail"}) and numeric ones.
    attributes: dict[str, str] = Field(default_factory=dict)
    measures: dict[str, float] = Field(default_factory=dict)

    def activities(self, days: Literal[14, 30, 90]) -> int:
        """All done activities in the last `days` days."""
        return sum(getattr(self, f"{kind}s_{days}d") for kind in ACTIVITY_TYPES)


class ClosedDeal(_Input):
    """A closed deal for training: its snapshot while still open, and how it ended.

    Take the snapshot at a moment the deal was still open (say 30 days before it closed,
    or when it entered its last open stage if that was later), with every field as of
    then: an open deal is scored mid-flight, never at its end. Nothing recorded at or after
    the close may leak in: the amount of a lost deal (often zeroed), its last stage, or how
    long it took in all (lost deals tend to die fast, so a duration measured at the close
    "predicts" the outcome and the validation flatters the model).
    """

    features: DealFeatures
    won: bool
    closed_on: date


class OwnerActivity(_Input):
    """An owner's done activities: the last 14 days and the 28 days before them."""

    owner_id: str
    last_14_days: int = Field(ge=0, le=2**31 - 1)
    previous_28_days: int = Field(ge=0, le=2**31 - 1)
