import uuid
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Annotated, Any

from fastapi import Query

from backend.models import InsightPriority, InsightStatus, InsightType, RunStatus
from kit.schemas import ReadModel, RequestModel


class InsightRead(ReadModel):
    id: uuid.UUID
    deal_id: uuid.UUID | None
    run_id: uuid.UUID | None
    type: InsightType
    signal_key: str
    title: str
    description: str
    priority: InsightPriority
    confidence: Decimal
    evidence: dict[str, Any]
    suggested_actions: list[str]
    status: InsightStatus
    generated_without_ai: bool
    created_at: datetime
    updated_at: datetime


class InsightUpdate(RequestModel):
    status: InsightStatus


class InsightRunRead(ReadModel):
    id: uuid.UUID
    trigger: str
    status: RunStatus
    started_at: datetime | None
    finished_at: datetime | None
    model: str | None
    used_ai: bool
    input_tokens: int
    output_tokens: int
    cost_usd: Decimal
    error: str | None
    created_at: datetime


@dataclass(frozen=True)
class InsightFilters:
    statuses: list[InsightStatus] | None = None
    types: list[InsightType] | None = None
    priorities: list[InsightPriority] | None = None
    deal_id: uuid.UUID | None = None


def insight_filters(
    status: Annotated[list[InsightStatus] | None, Query(description="Repeat to combine.")] = None,
    type: Annotated[list[InsightType] | None, Query(description="Repeat to combine.")] = None,
    priority: Annotated[
        list[InsightPriority] | None, Query(description="Repeat to combine.")
    ] = None,
    deal_id: uuid.UUID | None = None,
) -> InsightFilters:
    return InsightFilters(
        statuses=status or None, types=type or None, priorities=priority or None, deal_id=deal_id
    )
