"""The simulated forecast and a deal's win probability, as the API shows them.

The AI core's answers are validated with the same models before they are passed on.
"""

import uuid
from datetime import date
from decimal import Decimal
from typing import Literal

from pydantic import BaseModel, Field

from backend.analytics.periods import Granularity
from kit.schemas import ReadModel

WinSource = Literal["model", "stage"]


class Backtest(ReadModel):
    cutoff: date = Field(description="Deals closed from this day on were scored out of sample.")
    holdout_deals: int
    model_brier: float = Field(description="Lower is better.")
    baseline_brier: float = Field(description="The stage probabilities' Brier score.")
    model_auc: float | None
    baseline_auc: float | None


class WinModelStatus(ReadModel):
    source: WinSource = Field(
        description="model: learned from this workspace's closed deals; stage: the stage "
        "probabilities, because the model did not beat them out of sample (or lacks data)."
    )
    reason: str
    won: int
    lost: int
    backtest: Backtest | None


class ForecastSpan(ReadModel):
    label: str
    start: date
    end: date
    won: Decimal = Field(description="Already won in the span.")
    p10: Decimal = Field(description="Won revenue reached in 90% of the simulations.")
    p50: Decimal
    p90: Decimal = Field(description="Won revenue reached in only 10% of the simulations.")
    expected: Decimal
    pipeline: Decimal = Field(description="Open deals expected to close in the span.")
    weighted: Decimal = Field(description="won + pipeline x stage probability.")
    target: Decimal | None = Field(None, description="The monthly target x months in the span.")


class SimulatedForecast(ReadModel):
    group_by: Granularity
    as_of: date
    currency: str | None
    period: ForecastSpan
    spans: list[ForecastSpan]
    coverage: float | None = Field(description="Pipeline over what is left to win the target.")
    chance_to_hit_target: float | None
    simulations: int
    open_deals: int
    win_model: WinModelStatus
    method: str = Field(description="How the numbers are made, in plain words.")


class Factor(ReadModel):
    text: str
    contribution: float = Field(description="Log-odds added (> 0) or taken away (< 0).")


class DealWinProbability(ReadModel):
    deal_id: uuid.UUID
    is_open: bool
    probability: float | None = Field(description="null: the deal is closed.")
    source: WinSource | None
    stage_probability: float | None
    factors: list[Factor]
    win_model: WinModelStatus | None


# What the AI core answers (validated before use).


class CoreSpan(BaseModel):
    label: str
    start: date
    end: date
    won: Decimal
    p10: Decimal
    p50: Decimal
    p90: Decimal
    expected: Decimal
    pipeline: Decimal
    weighted: Decimal


class CoreForecast(BaseModel):
    as_of: date
    currency: str | None
    period: CoreSpan
    spans: list[CoreSpan]
    target: Decimal | None
    coverage: float | None
    chance_to_hit_target: float | None
    simulations: int
    deals_simulated_individually: int
    open_deals: int
    win_model: WinModelStatus


class CoreScore(BaseModel):
    deal_id: str
    probability: float = Field(ge=0, le=1)
    source: WinSource
    stage_probability: float
    factors: list[Factor]


class CoreScores(BaseModel):
    scores: list[CoreScore]
    win_model: WinModelStatus
