"""Queries for timeline entries, and the two deal lookups the timeline needs."""

import uuid
from datetime import datetime

from sqlalchemy import ColumnElement, func, select, tuple_, update
from sqlalchemy.ext.asyncio import AsyncSession

from backend.activities.schemas import ActivityFilters
from backend.models import Activity, ActivityType, Deal

# The feed's `total` stops counting here (a deal's timeline never gets near it).
COUNT_LIMIT = 10_000


class ActivityRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def get(self, workspace_id: uuid.UUID, activity_id: uuid.UUID) -> Activity | None:
        return await self.session.scalar(
            select(Activity).where(
                Activity.workspace_id == workspace_id, Activity.id == activity_id
            )
        )

    async def add(self, activity: Activity) -> Activity:
        self.session.add(activity)
        await self.session.flush()
        return activity

    async def delete(self, activity: Activity) -> None:
        await self.session.delete(activity)
        await self.session.flush()

    async def page(
        self,
        workspace_id: uuid.UUID,
        filters: ActivityFilters,
        *,
        after: tuple[datetime, uuid.UUID] | None,
        limit: int,
    ) -> list[Activity]:
        """Newest first; `after` is the (occurred_at, id) of the previous page's last row."""
        statement = select(Activity).where(*_conditions(workspace_id, filters))
        if after is not None:
            statement = statement.where(tuple_(Activity.occurred_at, Activity.id) < after)
        result = await self.session.scalars(
            statement.order_by(Activity.occurred_at.desc(), Activity.id.desc()).limit(limit)
        )
        return list(result.all())

    async def count(
        self, workspace_id: uuid.UUID, filters: ActivityFilters, *, limit: int = COUNT_LIMIT
    ) -> int:
        """Matching entries, counted up to `limit`: a busy workspace's feed holds millions,
        and an exact count would cost more than the page itself (~0.6 s at 1.5 million)."""
        matching = (
            select(Activity.id).where(*_conditions(workspace_id, filters)).limit(limit).subquery()
        )
        total = await self.session.scalar(select(func.count()).select_from(matching))
        return total or 0

    async def deal_exists(self, workspace_id: uuid.UUID, deal_id: uuid.UUID) -> bool:
        found = await self.session.scalar(
            select(Deal.id).where(Deal.workspace_id == workspace_id, Deal.id == deal_id)
        )
        return found is not None

    async def touch_deal(
        self, workspace_id: uuid.UUID, deal_id: uuid.UUID, occurred_at: datetime
    ) -> datetime | None:
        """Move the deal's last activity forward to `occurred_at`, never backward."""
        return await self.session.scalar(
            update(Deal)
            .where(Deal.workspace_id == workspace_id, Deal.id == deal_id)
            .values(last_activity_at=func.greatest(Deal.last_activity_at, occurred_at))
            .returning(Deal.last_activity_at)
            .execution_options(synchronize_session=False)
        )


def _conditions(workspace_id: uuid.UUID, filters: ActivityFilters) -> list[ColumnElement[bool]]:
    conditions: list[ColumnElement[bool]] = [Activity.workspace_id == workspace_id]
    if filters.types:
        conditions.append(Activity.type.in_(filters.types))
    if not filters.include_system:
        conditions.append(Activity.type != ActivityType.system)
    if filters.owner_id is not None:
        conditions.append(Activity.owner_id == filters.owner_id)
    if filters.deal_id is not None:
        conditions.append(Activity.deal_id == filters.deal_id)
    if filters.occurred_from is not None:
        conditions.append(Activity.occurred_at >= filters.occurred_from)
    if filters.occurred_to is not None:
        conditions.append(Activity.occurred_at < filters.occurred_to)
    return conditions
