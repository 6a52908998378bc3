"""The dashboard in one call, and the workspace preferences behind it (target, schedule)."""

import uuid
from typing import Annotated

from fastapi import APIRouter, Query

from backend.auth.deps import WorkspaceAdmin, WorkspaceViewer
from backend.dashboard import service
from backend.dashboard.periods import PeriodKind
from backend.dashboard.repository import Filters
from backend.dashboard.schemas import Dashboard, PreferencesRead, PreferencesUpdate
from backend.db import SessionDep
from backend.models import DealSource

router = APIRouter(prefix="/api/v1/workspaces/{workspace_id}", tags=["dashboard"])


@router.get("/dashboard", response_model=Dashboard)
async def read_dashboard(
    ctx: WorkspaceViewer,
    session: SessionDep,
    period: Annotated[
        PeriodKind, Query(description="The current calendar month, quarter or year (UTC).")
    ] = PeriodKind.quarter,
    owner_id: Annotated[uuid.UUID | None, Query(description="Only this member's deals.")] = None,
    source: Annotated[
        DealSource | None, Query(description="Only deals from this pipeline source.")
    ] = None,
) -> Dashboard:
    """Headline cards (with the previous period), charts and what needs attention, aggregated."""
    filters = Filters(owner_id=owner_id, source=source)
    return await service.dashboard(session, ctx, kind=period, filters=filters)


@router.get("/preferences", response_model=PreferencesRead)
async def read_preferences(ctx: WorkspaceViewer, session: SessionDep) -> PreferencesRead:
    """The workspace's monthly revenue target and insight schedule."""
    return await service.preferences(session, ctx)


@router.patch("/preferences", response_model=PreferencesRead)
async def update_preferences(
    body: PreferencesUpdate, ctx: WorkspaceAdmin, session: SessionDep
) -> PreferencesRead:
    """Set the monthly revenue target or the insight schedule (admin)."""
    return await service.update_preferences(session, ctx, body)
