"""What the backend sends (a compact per-deal snapshot), what it gets back, and what Claude fills.

Every date and number a snapshot holds is bounded (kit.fields): no value can overflow the
numpy analytics or turn into inf/nan in a response.

The snapshot is columnar: entry i of every list in a table is deal i. Stages and owners are
sent once and referenced by their index, so 100,000 deals cost numbers, not repeated keys.
Every `days` value counts from `as_of` (negative: before it).
"""

from decimal import Decimal
from typing import Annotated, Any, Literal, Self

from pydantic import BaseModel, ConfigDict, Field, model_validator

from ai_core.analytics import OwnerActivity, StageKind
from ai_core.analytics.features import ACTIVITY_TYPES, WINDOWS
from kit.fields import (
    BoundedDate,
    Days,
    Int32,
    Int64,
    NonNegativeDays,
    NonNegativeInt32,
    UtcDatetime,
)

InsightType = Literal["risk", "recommendation", "prediction", "summary"]
Priority = Literal["low", "medium", "high", "critical"]
Outcome = Literal["open", "won", "lost"]
ACTIVITY_COUNTS = len(WINDOWS) * len(ACTIVITY_TYPES)
Probability = Annotated[float, Field(ge=0, le=1)]
# What the backend's numeric(18, 2) amounts hold.
Money = Annotated[Decimal, Field(ge=0, lt=Decimal(10) ** 16)]


class _Wire(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)


class Stage(_Wire):
    id: str
    name: str
    kind: StageKind
    position: Int32
    probability: float = Field(ge=0, le=1)
    rotting_days: Int32 | None = Field(None, gt=0)


class Owner(_Wire):
    id: str
    name: str | None = None


class DealColumns(_Wire):
    """Open deals on the snapshot day, one entry per deal in every list."""

    deal_id: list[str]
    title: list[str]
    stage: list[int] = Field(description="Index into `stages`.")
    owner: list[int | None] = Field(description="Index into `owners`; null: unowned.")
    probability: list[Probability | None] = Field(
        description="The deal's own probability override (0..1); null: its stage's."
    )
    days_in_stage: list[NonNegativeDays]
    days_since_last_activity: list[NonNegativeDays | None] = Field(
        description="null: never active."
    )
    activity: list[list[NonNegativeInt32]] = Field(
        description="Done activities per deal: for 14, 30 and 90 days, calls, emails, "
        "meetings, notes, tasks (15 counts)."
    )
    scheduled: list[NonNegativeInt32] = Field(description="Activities planned and not done yet.")
    pushes: list[NonNegativeInt32] = Field(description="Times the expected close date moved later.")
    days_to_close: list[Int32 | None] = Field(description="Negative: past due; null: no date.")
    amount: list[Money]
    currency: list[str]
    source: list[str]
    contacts: list[NonNegativeInt32] = Field(
        description="Contacts on the deal: 1 with a contact email, else 0 (one contact field)."
    )
    age_days: list[NonNegativeDays | None]

    def __len__(self) -> int:
        return len(self.deal_id)

    @model_validator(mode="after")
    def _same_length(self) -> Self:
        n = len(self.deal_id)
        lengths = {name: len(getattr(self, name)) for name in type(self).model_fields}
        uneven = sorted(name for name, length in lengths.items() if length != n)
        if uneven:
            raise ValueError(f"columns {', '.join(uneven)} do not have {n} entries like deal_id")
        if any(len(row) != ACTIVITY_COUNTS for row in self.activity):
            raise ValueError(f"every activity entry needs {ACTIVITY_COUNTS} counts")
        return self


class ClosedColumns(DealColumns):
    """Closed deals for training, each as it stood when it left its last open stage."""

    won: list[bool]
    closed_on: list[BoundedDate]


class VisitColumns(_Wire):
    """Stays of deals in open stages, for the funnel and the typical time in each stage."""

    deal: list[Int64] = Field(description="Any number naming the deal, the same for its stays.")
    stage: list[int] = Field(description="Index into `stages`.")
    entered: list[Days]
    left: list[Days | None] = Field(description="null: still there.")
    outcome: list[Outcome]

    @model_validator(mode="after")
    def _same_length(self) -> Self:
        n = len(self.deal)
        if any(len(getattr(self, name)) != n for name in type(self).model_fields):
            raise ValueError("every visit column needs one entry per visit")
        return self


class WonDeal(_Wire):
    amount: Money
    closed_on: BoundedDate


class GenerateRequest(_Wire):
    workspace_id: str
    run_id: str | None = None
    as_of: UtcDatetime
    currency: str | None = Field(None, description="The workspace's main currency, if any.")
    period_start: BoundedDate
    period_end: BoundedDate
    period_label: str = Field(max_length=40, description='e.g. "2026-Q4".')
    stages: list[Stage]
    owners: list[Owner] = Field(default_factory=list)
    open_deals: DealColumns
    closed_deals: ClosedColumns
    visits: VisitColumns
    owner_activity: list[OwnerActivity] = Field(default_factory=list)
    won_in_period: list[WonDeal] = Field(default_factory=list)
    slip_days: list[Days] = Field(
        default_factory=list, description="Won deals: close day minus the expected one."
    )
    target: Money | None = None

    @model_validator(mode="after")
    def _indices_in_range(self) -> Self:
        stages, owners = len(self.stages), len(self.owners)
        for table in (self.open_deals, self.closed_deals, self.visits):
            if any(not 0 <= s < stages for s in table.stage):
                raise ValueError("a stage index is out of range")
        for table in (self.open_deals, self.closed_deals):
            if any(o is not None and not 0 <= o < owners for o in table.owner):
                raise ValueError("an owner index is out of range")
        if self.period_end < self.period_start:
            raise ValueError("the period ends before it starts")
        return self


class Usage(BaseModel):
    model: str | None
    input_tokens: int
    output_tokens: int
    cost_usd: Decimal


class GeneratedInsight(BaseModel):
    signal_key: str
    deal_id: str | None
    type: InsightType
    title: str
    description: str
    priority: Priority
    confidence: float = Field(ge=0, le=1)
    evidence: dict[str, Any]
    suggested_actions: list[str]
    generated_without_ai: bool
    # 1 is the most urgent, as ranked by Claude (or by value at risk without it).
    rank: int


class RunStats(BaseModel):
    open_deals: int
    closed_deals: int
    signals: int
    deals_at_risk: int
    win_model: Literal["model", "stage"]
    win_model_reason: str
    seconds_analysing: float


class GenerateResponse(BaseModel):
    insights: list[GeneratedInsight]
    summary: GeneratedInsight
    usage: Usage
    used_ai: bool
    # What went differently from plan: Claude failures, template fallbacks, a missing key.
    notes: list[str]
    stats: RunStats


# What Claude fills (structured output). Field descriptions are the model's instructions.


class InsightText(BaseModel):
    """One insight about one signal, written for a sales leader."""

    signal_key: str = Field(description="The signal_key of the signal, copied exactly.")
    title: str = Field(
        max_length=200, description="One line naming the deal (or topic) and the problem."
    )
    description: str = Field(
        max_length=2000,
        description="Two or three sentences: what is wrong, why it matters, backed by the "
        "evidence. Only numbers that appear in the evidence.",
    )
    suggested_actions: list[str] = Field(
        min_length=1,
        max_length=3,
        description="Concrete next steps for the deal owner, most important first.",
    )
    priority: Priority


class SummaryText(BaseModel):
    """The executive summary of the pipeline's health for this run."""

    title: str = Field(max_length=200)
    description: str = Field(max_length=3000, description="Three to five sentences.")
    suggested_actions: list[str] = Field(min_length=1, max_length=4)


class InsightBatch(BaseModel):
    """The insights for the given signals, most urgent first, and an executive summary."""

    insights: list[InsightText]
    summary: SummaryText
