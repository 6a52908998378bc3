import uuid
from typing import Annotated

from fastapi import APIRouter, Depends, Query, status

from backend.activities import service
from backend.activities.schemas import (
    ActivityCreate,
    ActivityFilters,
    ActivityRead,
    ActivityUpdate,
    feed_filters,
    timeline_filters,
)
from backend.auth.deps import WorkspaceMember, WorkspaceViewer
from backend.db import SessionDep
from kit.schemas import Page

router = APIRouter(prefix="/api/v1/workspaces/{workspace_id}", tags=["activities"])

FeedFilters = Annotated[ActivityFilters, Depends(feed_filters)]
TimelineFilters = Annotated[ActivityFilters, Depends(timeline_filters)]
Cursor = Annotated[str | None, Query(description="next_cursor of the previous page")]
Limit = Annotated[int, Query(ge=1, le=200)]


@router.post("/activities", status_code=status.HTTP_201_CREATED, response_model=ActivityRead)
async def create_activity(
    body: ActivityCreate, ctx: WorkspaceMember, session: SessionDep
) -> ActivityRead:
    """Log a call, email, meeting, note or task, optionally on a deal."""
    return await service.create(session, ctx, body)


@router.get("/activities", response_model=Page[ActivityRead])
async def list_activities(
    ctx: WorkspaceViewer,
    session: SessionDep,
    filters: FeedFilters,
    cursor: Cursor = None,
    limit: Limit = 50,
) -> Page[ActivityRead]:
    """The workspace-wide activity feed, newest first; `total` counts at most 10,000 entries."""
    return await service.feed(session, ctx, filters, cursor=cursor, limit=limit)


@router.get("/activities/{activity_id}", response_model=ActivityRead)
async def read_activity(
    activity_id: uuid.UUID, ctx: WorkspaceViewer, session: SessionDep
) -> ActivityRead:
    """One activity."""
    return await service.get(session, ctx, activity_id)


@router.patch("/activities/{activity_id}", response_model=ActivityRead)
async def update_activity(
    activity_id: uuid.UUID, body: ActivityUpdate, ctx: WorkspaceMember, session: SessionDep
) -> ActivityRead:
    """Change an activity (system entries are read-only)."""
    return await service.update(session, ctx, activity_id, body)


@router.delete("/activities/{activity_id}", status_code=status.HTTP_204_NO_CONTENT)
async def delete_activity(
    activity_id: uuid.UUID, ctx: WorkspaceMember, session: SessionDep
) -> None:
    """Delete an activity (system entries are read-only)."""
    await service.delete(session, ctx, activity_id)


@router.get("/deals/{deal_id}/timeline", response_model=Page[ActivityRead])
async def deal_timeline(
    deal_id: uuid.UUID,
    ctx: WorkspaceViewer,
    session: SessionDep,
    filters: TimelineFilters,
    cursor: Cursor = None,
    limit: Limit = 50,
) -> Page[ActivityRead]:
    """A deal's timeline: its activities and system entries, newest first."""
    return await service.timeline(session, ctx, deal_id, filters, cursor=cursor, limit=limit)
