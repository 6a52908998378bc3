"""Queries for insights and the runs that produced them."""

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, func, literal_column, select, text, tuple_
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.sql.dml import ReturningInsert

from backend.insights.schemas import InsightFilters
from backend.models import Insight, InsightPriority, InsightRun, InsightStatus

# Must match the predicate of the partial index uq_insight_open_signal for ON CONFLICT.
OPEN_PREDICATE = text("status in ('new', 'viewed')")


class InsightRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def get(
        self, workspace_id: uuid.UUID, insight_id: uuid.UUID, *, for_update: bool = False
    ) -> Insight | None:
        statement = select(Insight).where(
            Insight.workspace_id == workspace_id, Insight.id == insight_id
        )
        if for_update:
            statement = statement.with_for_update()
        return await self.session.scalar(statement)

    async def page(
        self,
        workspace_id: uuid.UUID,
        filters: InsightFilters,
        *,
        after: tuple[InsightPriority, datetime, uuid.UUID] | None,
        limit: int,
    ) -> list[Insight]:
        """Most urgent first, then newest; `after` is the previous page's last sort key."""
        statement = select(Insight).where(*_conditions(workspace_id, filters))
        if after is not None:
            statement = statement.where(
                tuple_(Insight.priority, Insight.created_at, Insight.id) < after
            )
        result = await self.session.scalars(
            statement.order_by(
                Insight.priority.desc(), Insight.created_at.desc(), Insight.id.desc()
            ).limit(limit)
        )
        return list(result.all())

    async def count(self, workspace_id: uuid.UUID, filters: InsightFilters) -> int:
        total = await self.session.scalar(
            select(func.count()).select_from(Insight).where(*_conditions(workspace_id, filters))
        )
        return total or 0

    async def upsert_open(self, values: dict[str, Any]) -> tuple[Insight, bool]:
        """Refresh the open insight with this signal key, or create it; True when created."""
        statement = insert(Insight).values(id=uuid.uuid4(), status=InsightStatus.new, **values)
        refreshed = {
            name: statement.excluded[name]
            for name in values
            if name not in ("workspace_id", "signal_key")
        }
        upsert: ReturningInsert[Insight, bool] = statement.on_conflict_do_update(
            index_elements=[Insight.workspace_id, Insight.signal_key],
            index_where=OPEN_PREDICATE,
            set_={**refreshed, "updated_at": func.now()},
        ).returning(Insight, literal_column("xmax = 0").label("created"))
        row = (
            await self.session.execute(upsert, execution_options={"populate_existing": True})
        ).one()
        return row[0], bool(row[1])

    async def get_run(self, workspace_id: uuid.UUID, run_id: uuid.UUID) -> InsightRun | None:
        return await self.session.scalar(
            select(InsightRun).where(
                InsightRun.workspace_id == workspace_id, InsightRun.id == run_id
            )
        )


def _conditions(workspace_id: uuid.UUID, filters: InsightFilters) -> list[ColumnElement[bool]]:
    conditions: list[ColumnElement[bool]] = [Insight.workspace_id == workspace_id]
    if filters.statuses:
        conditions.append(Insight.status.in_(filters.statuses))
    if filters.types:
        conditions.append(Insight.type.in_(filters.types))
    if filters.priorities:
        conditions.append(Insight.priority.in_(filters.priorities))
    if filters.deal_id is not None:
        conditions.append(Insight.deal_id == filters.deal_id)
    return conditions
