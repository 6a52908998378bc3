import uuid
from typing import Annotated

from fastapi import APIRouter, Depends, Query

from backend.auth.deps import WorkspaceMember, WorkspaceViewer
from backend.db import SessionDep
from backend.insights import service
from backend.insights.schemas import (
    InsightFilters,
    InsightRead,
    InsightRunRead,
    InsightUpdate,
    insight_filters,
)
from kit.schemas import Page

router = APIRouter(prefix="/api/v1/workspaces/{workspace_id}/insights", tags=["insights"])


@router.get("", response_model=Page[InsightRead])
async def list_insights(
    ctx: WorkspaceViewer,
    session: SessionDep,
    filters: Annotated[InsightFilters, Depends(insight_filters)],
    cursor: Annotated[str | None, Query(description="next_cursor of the previous page")] = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
) -> Page[InsightRead]:
    """Insights of the workspace, most urgent first, then newest."""
    return await service.list_insights(session, ctx, filters, cursor=cursor, limit=limit)


@router.get("/runs/{run_id}", response_model=InsightRunRead)
async def read_insight_run(
    run_id: uuid.UUID, ctx: WorkspaceViewer, session: SessionDep
) -> InsightRunRead:
    """One generation run: trigger, status, timing, model, tokens, cost and error."""
    return await service.get_run(session, ctx, run_id)


@router.get("/{insight_id}", response_model=InsightRead)
async def read_insight(
    insight_id: uuid.UUID, ctx: WorkspaceViewer, session: SessionDep
) -> InsightRead:
    """One insight with its evidence and suggested actions."""
    return await service.get(session, ctx, insight_id)


@router.patch("/{insight_id}", response_model=InsightRead)
async def update_insight(
    insight_id: uuid.UUID, body: InsightUpdate, ctx: WorkspaceMember, session: SessionDep
) -> InsightRead:
    """Mark an insight viewed, actioned or dismissed (actioned and dismissed are final)."""
    return await service.change_status(session, ctx, insight_id, body.status)
