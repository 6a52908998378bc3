"""Read-only analytics over the workspace's deals; any member (viewer and up) may read them.

Amounts are summed as stored, whatever their currency: a workspace's deals share one
currency in practice. Dates are UTC calendar days; `from`/`to` are inclusive.
"""

import uuid
from typing import Annotated

from fastapi import APIRouter, Query

from backend.analytics import service
from backend.analytics.periods import Granularity
from backend.analytics.schemas import (
    ConversionReport,
    ForecastReport,
    PerformanceReport,
    PipelineReport,
)
from backend.auth.deps import WorkspaceViewer
from backend.db import SessionDep
from kit.fields import BoundedDate

router = APIRouter(prefix="/api/v1/workspaces/{workspace_id}/analytics", tags=["analytics"])

OwnerFilter = Annotated[uuid.UUID | None, Query(description="Only deals owned by this member.")]
EnteredFrom = Annotated[
    BoundedDate | None, Query(alias="from", description="Entered the stage on or after (UTC).")
]
EnteredTo = Annotated[
    BoundedDate | None, Query(alias="to", description="Entered the stage on or before (UTC).")
]
WINDOW = "Missing bounds make a 12-month window; at most 10 years."
PastFrom = Annotated[
    BoundedDate | None,
    Query(alias="from", description=f"First closing day (UTC); default 12 months back. {WINDOW}"),
]
PastTo = Annotated[
    BoundedDate | None,
    Query(alias="to", description="Last closing day (UTC); default the current period's end."),
]
FutureFrom = Annotated[
    BoundedDate | None,
    Query(alias="from", description=f"First day (UTC); default this quarter's start. {WINDOW}"),
]
FutureTo = Annotated[
    BoundedDate | None,
    Query(alias="to", description="Last day (UTC); default 12 months after `from`, minus a day."),
]
GroupBy = Annotated[Granularity, Query(description="Calendar months or quarters (UTC).")]


@router.get("/pipeline", response_model=PipelineReport)
async def pipeline(
    ctx: WorkspaceViewer,
    session: SessionDep,
    owner_id: OwnerFilter = None,
    include_closed: Annotated[
        bool, Query(description="Also count won and lost deals (and show their stages).")
    ] = False,
) -> PipelineReport:
    """Open deals per stage: count, amount, weighted amount (amounts summed as-is, one currency)."""
    return await service.pipeline(session, ctx, include_closed=include_closed, owner_id=owner_id)


@router.get("/conversion", response_model=ConversionReport)
async def conversion(
    ctx: WorkspaceViewer,
    session: SessionDep,
    start: EnteredFrom = None,
    end: EnteredTo = None,
    owner_id: OwnerFilter = None,
) -> ConversionReport:
    """Stage-to-stage conversion and days in stage, from the stage history (by date entered)."""
    return await service.conversion(session, ctx, start=start, end=end, owner_id=owner_id)


@router.get("/performance", response_model=PerformanceReport)
async def performance(
    ctx: WorkspaceViewer,
    session: SessionDep,
    group_by: GroupBy = Granularity.month,
    start: PastFrom = None,
    end: PastTo = None,
    owner_id: OwnerFilter = None,
) -> PerformanceReport:
    """Win rate, won amounts (summed as-is), deal size, sales cycle per period and owner."""
    return await service.performance(
        session, ctx, group_by=group_by, start=start, end=end, owner_id=owner_id
    )


@router.get("/forecast", response_model=ForecastReport)
async def forecast(
    ctx: WorkspaceViewer,
    session: SessionDep,
    group_by: GroupBy = Granularity.quarter,
    start: FutureFrom = None,
    end: FutureTo = None,
    owner_id: OwnerFilter = None,
) -> ForecastReport:
    """Won plus weighted, best-case open pipeline per period (amounts summed as-is)."""
    return await service.forecast(
        session, ctx, group_by=group_by, start=start, end=end, owner_id=owner_id
    )
