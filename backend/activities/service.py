"""Activities: the one timeline of calls, emails, meetings, notes, tasks and system entries."""

import uuid
from datetime import UTC, datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from backend.events.publisher import publish
from backend.models import Activity, ActivityType, DealSource, SystemEvent


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
    await publish(
        session,
        workspace_id=workspace_id,
        type="activity.created",
        data={"id": str(activity.id), "deal_id": str(deal_id) if deal_id else None},
    )
    return activity
