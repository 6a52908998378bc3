"""The Forecast page's and the deal page's numbers: what the backend asks and gets back."""

from datetime import date
from decimal import Decimal
from typing import Literal, Self

from pydantic import BaseModel, ConfigDict, Field, model_validator

from ai_core.insights.schemas import GenerateRequest
from kit.fields import BoundedDate

WinSource = Literal["model", "stage"]


class Span(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    start: BoundedDate
    end: BoundedDate
    label: str = Field(max_length=40)


class ForecastRequest(GenerateRequest):
    """A snapshot and how to cut its period (months, quarters); the spans tile the period."""

    spans: list[Span] = Field(min_length=1, max_length=24)

    @model_validator(mode="after")
    def _spans_tile_the_period(self) -> Self:
        if self.spans[0].start != self.period_start or self.spans[-1].end != self.period_end:
            raise ValueError("the spans must start and end with the period")
        for before, after in zip(self.spans, self.spans[1:], strict=False):
            if (after.start - before.end).days != 1 or after.start > after.end:
                raise ValueError("the spans must follow each other without gaps")
        return self


class SpanOutlook(BaseModel):
    label: str
    start: date
    end: date
    won: Decimal = Field(description="Already won in the span.")
    p10: Decimal
    p50: Decimal
    p90: Decimal
    expected: Decimal = Field(description="won + sum of amount x chance to win in the span.")
    pipeline: Decimal = Field(description="Open deals expected to close in the span.")
    weighted: Decimal = Field(
        description="won + the span's pipeline x stage probability: the usual CRM forecast."
    )


class Backtest(BaseModel):
    """How the learned model did out of sample against the stage probabilities."""

    cutoff: date
    holdout_deals: int
    model_brier: float
    baseline_brier: float
    model_auc: float | None
    baseline_auc: float | None


class WinModelStatus(BaseModel):
    source: WinSource = Field(description="model: the learned model; stage: stage probabilities.")
    reason: str
    won: int
    lost: int
    backtest: Backtest | None


class ForecastResponse(BaseModel):
    as_of: date
    currency: str | None
    period: SpanOutlook
    spans: list[SpanOutlook]
    target: Decimal | None
    coverage: float | None = Field(description="Pipeline over what is left to win.")
    chance_to_hit_target: float | None
    simulations: int
    deals_simulated_individually: int
    open_deals: int
    win_model: WinModelStatus


class Factor(BaseModel):
    text: str
    # Log-odds it adds (> 0) or takes away (< 0) against the average deal; 0 for the stage.
    contribution: float


class DealScore(BaseModel):
    deal_id: str
    probability: float
    source: WinSource
    stage_probability: float
    factors: list[Factor]


class ScoreResponse(BaseModel):
    scores: list[DealScore]
    win_model: WinModelStatus
