"""Analytics responses. Money is Decimal (JSON strings, two decimals); rates and days are floats."""

import uuid
from datetime import date
from decimal import Decimal

from pydantic import Field

from backend.analytics.periods import Granularity
from backend.models import StageKind
from kit.schemas import ReadModel


class StageRef(ReadModel):
    stage_id: uuid.UUID
    name: str
    kind: StageKind
    position: int


class DealSums(ReadModel):
    deal_count: int
    amount: Decimal
    weighted_amount: Decimal = Field(
        description="Sum of amount x effective probability / 100, rounded to cents after summing."
    )


class PipelineStageStats(StageRef, DealSums):
    probability: Decimal


class PipelineReport(ReadModel):
    include_closed: bool
    owner_id: uuid.UUID | None
    stages: list[PipelineStageStats]
    totals: DealSums


class StageConversion(StageRef):
    entered: int = Field(description="Deals that entered the stage (in the period, if one).")
    advanced: int | None = Field(
        description="Of those, deals that later reached an open stage further on, or won. "
        "None for won/lost stages."
    )
    conversion_rate: float | None = Field(description="advanced / entered, 4 decimals.")
    median_days: float | None = Field(description="Median length of completed stays, in days.")
    p75_days: float | None
    measured_stays: int = Field(
        description="Completed stays the durations rest on; a deal still in the stage is "
        "left out (censored), as are stays in won/lost stages."
    )


class ConversionReport(ReadModel):
    start: date | None
    end: date | None
    owner_id: uuid.UUID | None
    stages: list[StageConversion]


class PerformanceMetrics(ReadModel):
    won_count: int
    lost_count: int
    win_rate: float | None = Field(description="won / (won + lost), 4 decimals; None if none.")
    won_amount: Decimal
    average_won_amount: Decimal | None
    median_cycle_days: float | None = Field(
        description="Median days from creation to close of the won deals."
    )


class OwnerPerformance(PerformanceMetrics):
    owner_id: uuid.UUID | None = Field(description="None: deals without an owner.")
    owner_name: str | None


class PeriodPerformance(PerformanceMetrics):
    label: str
    start: date
    end: date
    owners: list[OwnerPerformance]


class PerformanceReport(ReadModel):
    group_by: Granularity
    start: date
    end: date
    owner_id: uuid.UUID | None
    periods: list[PeriodPerformance]
    owners: list[OwnerPerformance]
    totals: PerformanceMetrics


class ForecastFigures(ReadModel):
    won_count: int
    won_amount: Decimal = Field(description="Won deals closed in the period.")
    open_count: int
    open_amount: Decimal = Field(description="Open deals expected to close in the period.")
    weighted_amount: Decimal = Field(description="Open amounts x effective probability.")
    forecast_amount: Decimal = Field(description="won_amount + weighted_amount.")
    best_case_amount: Decimal = Field(description="won_amount + open_amount.")


class ForecastPeriod(ForecastFigures):
    label: str
    start: date
    end: date


class ForecastReport(ReadModel):
    group_by: Granularity
    start: date
    end: date
    as_of: date = Field(description="Today (UTC): open deals due before it are overdue.")
    owner_id: uuid.UUID | None
    periods: list[ForecastPeriod]
    totals: ForecastFigures
    overdue: DealSums = Field(description="Open deals whose expected close date has passed.")
    unscheduled: DealSums = Field(description="Open deals without an expected close date.")
