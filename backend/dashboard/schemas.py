"""The dashboard's one response, and the workspace preferences it reads. Money is Decimal."""

import uuid
from datetime import date
from decimal import Decimal
from typing import Annotated

from pydantic import Field

from backend.dashboard.periods import PeriodKind
from backend.models import DealSource, InsightPriority, InsightSchedule, InsightType
from kit.fields import Numeric
from kit.schemas import ReadModel, RequestModel


class PeriodInfo(ReadModel):
    kind: PeriodKind
    label: str
    start: date
    end: date
    previous_start: date
    previous_end: date


class MoneyCard(ReadModel):
    value: Decimal
    previous: Decimal
    change: float | None = Field(description="(value - previous) / previous; None if 0 before.")


class CountedMoneyCard(MoneyCard):
    count: int


class RateCard(ReadModel):
    value: float | None = Field(description="won / (won + lost) of deals closed in the period.")
    previous: float | None
    change: float | None = Field(description="Percentage points, as a fraction (0.05 = +5 pts).")
    won: int
    lost: int


class ForecastCard(ReadModel):
    """Revenue won in the period: P50 with its 80% interval, against last period's won."""

    p10: Decimal
    p50: Decimal
    p90: Decimal
    won: Decimal
    previous: Decimal
    change: float | None


class Cards(ReadModel):
    open_pipeline: CountedMoneyCard = Field(description="Against the start of the period.")
    weighted_pipeline: MoneyCard = Field(description="Against the start of the period.")
    won: CountedMoneyCard = Field(description="Against the previous period.")
    win_rate: RateCard
    forecast: ForecastCard


class StageBar(ReadModel):
    stage: str
    count: int
    amount: Decimal
    weighted: Decimal


class ForecastMonth(ReadModel):
    month: str
    won: Decimal
    forecast: Decimal = Field(description="Won plus the expected value of open deals due.")
    target: Decimal | None


class WonMonth(ReadModel):
    month: str
    won: Decimal


class FunnelStep(ReadModel):
    stage: str
    deals: int
    conversion: float | None = Field(description="Share of the previous step that got here.")


class OwnerActivity(ReadModel):
    owner: str
    call: int = 0
    email: int = 0
    meeting: int = 0
    note: int = 0
    task: int = 0
    total: int = 0


class AtRiskDeal(ReadModel):
    deal_id: uuid.UUID
    title: str
    amount: Decimal
    currency: str
    signal: str = Field(description="The deal's most urgent open risk insight.")
    priority: InsightPriority
    insight_id: uuid.UUID


class InsightBrief(ReadModel):
    id: uuid.UUID
    type: InsightType
    title: str
    description: str
    priority: InsightPriority
    deal_id: uuid.UUID | None


class Dashboard(ReadModel):
    period: PeriodInfo
    owner_id: uuid.UUID | None
    source: DealSource | None
    has_deals: bool = Field(description="False for a workspace without any deal yet.")
    currency: str = Field(description="Most deals' currency; amounts are summed as stored.")
    cards: Cards
    pipeline_by_stage: list[StageBar]
    forecast_by_month: list[ForecastMonth]
    won_trend: list[WonMonth] = Field(description="12 months up to this one (or the period end).")
    funnel: list[FunnelStep] = Field(description="Deals created in the period.")
    activity_by_owner: list[OwnerActivity]
    at_risk: list[AtRiskDeal]
    newest_insights: list[InsightBrief]


class PreferencesRead(ReadModel):
    monthly_target: Decimal | None
    insight_schedule: InsightSchedule


class PreferencesUpdate(RequestModel):
    monthly_target: Annotated[Decimal, Numeric(18, 2, ge=0)] | None = None
    insight_schedule: InsightSchedule | None = None
