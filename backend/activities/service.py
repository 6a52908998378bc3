"""Activities: the one timeline of calls, emails, meetings, notes, tasks and system entries."""

import uuid
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from backend.activities.repository import ActivityRepository
from backend.activities.schemas import (
    ActivityCreate,
    ActivityFilters,
    ActivityRead,
    ActivityUpdate,
)
from backend.auth.deps import WorkspaceContext
from backend.events.publisher import publish
from backend.models import Activity, ActivityType, DealSource, SystemEvent
from backend.workspaces.repository import MemberRepository
from kit.errors import Conflict, NotFound, UnprocessableEntity
from kit.pagination import cursor_datetime, cursor_uuid, decode_cursor, encode_cursor
from kit.schemas import Page

# Clocks disagree a little; a completion a few minutes "ahead" is still a completion.
COMPLETION_CLOCK_SKEW = timedelta(minutes=5)


async def record_system(
    session: AsyncSession,
    *,
    workspace_id: uuid.UUID,
    deal_id: uuid.UUID | None,
    event: SystemEvent,
    subject: str,
    details: dict[str, Any] | None = None,
    actor_id: uuid.UUID | None = None,
    source: DealSource = DealSource.manual,
    occurred_at: datetime | None = None,
) -> Activity:
    """Add a system entry (deal created, stage changed, ...) to the timeline."""
    when = occurred_at or datetime.now(UTC)
    activity = Activity(
        workspace_id=workspace_id,
        deal_id=deal_id,
        type=ActivityType.system,
        system_event=event,
        subject=subject,
        occurred_at=when,
        completed_at=when,
        owner_id=actor_id,
        source=source,
        details=details or {},
    )
    session.add(activity)
    await session.flush()
    await publish_activity(session, activity, "activity.created")
    return activity


async def create(
    session: AsyncSession, ctx: WorkspaceContext, body: ActivityCreate
) -> ActivityRead:
    owner_id = body.owner_id if "owner_id" in body.model_fields_set else ctx.user_id
    await _check_owner(session, ctx.workspace_id, owner_id)
    await _check_deal(session, ctx.workspace_id, body.deal_id)
    _check_completion(body.completed_at)
    activity = Activity(
        workspace_id=ctx.workspace_id,
        deal_id=body.deal_id,
        type=body.type,
        subject=body.subject,
        body=body.body,
        scheduled_at=body.scheduled_at,
        completed_at=body.completed_at,
        occurred_at=body.completed_at or body.scheduled_at or datetime.now(UTC),
        owner_id=owner_id,
        source=DealSource.manual,
    )
    await ActivityRepository(session).add(activity)
    await publish_activity(session, activity, "activity.created")
    await _freshen_deal(session, activity)
    return ActivityRead.model_validate(activity)


async def get(session: AsyncSession, ctx: WorkspaceContext, activity_id: uuid.UUID) -> ActivityRead:
    return ActivityRead.model_validate(await _get(session, ctx.workspace_id, activity_id))


async def update(
    session: AsyncSession, ctx: WorkspaceContext, activity_id: uuid.UUID, body: ActivityUpdate
) -> ActivityRead:
    activity = await _get_editable(session, ctx.workspace_id, activity_id)
    changes = body.model_dump(exclude_unset=True)
    if "owner_id" in changes:
        await _check_owner(session, ctx.workspace_id, changes["owner_id"])
    if "deal_id" in changes:
        await _check_deal(session, ctx.workspace_id, changes["deal_id"])
    if "completed_at" in changes:
        _check_completion(changes["completed_at"])
    for name, value in changes.items():
        setattr(activity, name, value)
    activity.occurred_at = activity.completed_at or activity.scheduled_at or activity.created_at
    await session.flush()
    await publish_activity(session, activity, "activity.updated")
    if "completed_at" in changes or "deal_id" in changes:
        await _freshen_deal(session, activity)
    return ActivityRead.model_validate(activity)


async def delete(session: AsyncSession, ctx: WorkspaceContext, activity_id: uuid.UUID) -> None:
    activity = await _get_editable(session, ctx.workspace_id, activity_id)
    await ActivityRepository(session).delete(activity)
    await publish_activity(session, activity, "activity.deleted")


async def feed(
    session: AsyncSession,
    ctx: WorkspaceContext,
    filters: ActivityFilters,
    *,
    cursor: str | None,
    limit: int,
) -> Page[ActivityRead]:
    """The workspace's timeline, newest first."""
    activities = ActivityRepository(session)
    after = _decode(cursor) if cursor else None
    rows = await activities.page(ctx.workspace_id, filters, after=after, limit=limit + 1)
    total = await activities.count(ctx.workspace_id, filters)
    next_cursor = None
    if len(rows) > limit:
        rows = rows[:limit]
        next_cursor = encode_cursor([rows[-1].occurred_at, rows[-1].id])
    return Page(
        items=[ActivityRead.model_validate(a) for a in rows], total=total, next_cursor=next_cursor
    )


async def timeline(
    session: AsyncSession,
    ctx: WorkspaceContext,
    deal_id: uuid.UUID,
    filters: ActivityFilters,
    *,
    cursor: str | None,
    limit: int,
) -> Page[ActivityRead]:
    """One deal's timeline, newest first."""
    await _check_deal(session, ctx.workspace_id, deal_id)
    scoped = replace(filters, deal_id=deal_id)
    return await feed(session, ctx, scoped, cursor=cursor, limit=limit)


async def _get(session: AsyncSession, workspace_id: uuid.UUID, activity_id: uuid.UUID) -> Activity:
    activity = await ActivityRepository(session).get(workspace_id, activity_id)
    if activity is None:
        raise NotFound("Activity not found.")
    return activity


async def _get_editable(
    session: AsyncSession, workspace_id: uuid.UUID, activity_id: uuid.UUID
) -> Activity:
    activity = await _get(session, workspace_id, activity_id)
    if activity.type == ActivityType.system:
        raise Conflict(
            "System entries record what happened to a deal and cannot be changed or deleted.",
            code="system_activity_read_only",
        )
    return activity


async def _check_owner(
    session: AsyncSession, workspace_id: uuid.UUID, owner_id: uuid.UUID | None
) -> None:
    if owner_id is None:
        return
    if await MemberRepository(session).role_of(workspace_id, owner_id) is None:
        raise UnprocessableEntity(
            "The owner must be a member of this workspace.",
            code="owner_not_member",
            details=[{"field": "owner_id", "message": "not a member of this workspace"}],
        )


async def _check_deal(
    session: AsyncSession, workspace_id: uuid.UUID, deal_id: uuid.UUID | None
) -> None:
    if deal_id is not None and not await ActivityRepository(session).deal_exists(
        workspace_id, deal_id
    ):
        raise NotFound("Deal not found.")


def _check_completion(completed_at: datetime | None) -> None:
    if completed_at is not None and completed_at > datetime.now(UTC) + COMPLETION_CLOCK_SKEW:
        raise UnprocessableEntity(
            "An activity cannot be completed in the future; schedule it instead.",
            code="completed_in_future",
            details=[{"field": "completed_at", "message": "is in the future"}],
        )


async def _freshen_deal(session: AsyncSession, activity: Activity) -> None:
    """A done activity on a deal resets how long the deal has been idle ("rotting")."""
    if activity.deal_id is None or activity.completed_at is None:
        return
    if activity.type == ActivityType.system:
        return
    last = await ActivityRepository(session).touch_deal(
        activity.workspace_id, activity.deal_id, activity.occurred_at
    )
    await publish(
        session,
        workspace_id=activity.workspace_id,
        type="deal.updated",
        data={"id": str(activity.deal_id), "last_activity_at": last},
    )


async def publish_activity(session: AsyncSession, activity: Activity, event: str) -> None:
    """Tell the workspace's live listeners an activity was created, updated or deleted."""
    await publish(
        session,
        workspace_id=activity.workspace_id,
        type=event,
        data={
            "id": str(activity.id),
            "deal_id": str(activity.deal_id) if activity.deal_id else None,
            "type": activity.type.value,
        },
    )


def _decode(cursor: str) -> tuple[datetime, uuid.UUID]:
    occurred_at, activity_id = decode_cursor(cursor, cursor_datetime, cursor_uuid)
    return occurred_at, activity_id
