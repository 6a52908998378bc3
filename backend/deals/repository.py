"""Queries for deals: lookups, the filtered keyset-paginated list, and bulk stage moves."""

import uuid
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Select,
    String,
    and_,
    func,
    literal_column,
    or_,
    select,
    text,
)
from sqlalchemy import tuple_ as row
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import InstrumentedAttribute, aliased

from backend.deals.schemas import CloseDateChangeRead, DealFilters, StageChangeRead
from backend.models import (
    Deal,
    DealCloseDateChange,
    DealSource,
    DealStageChange,
    PipelineStage,
    User,
)
from backend.models.deal import SEARCH_EXPRESSION
from kit.errors import BadRequest
from kit.pagination import (
    CursorField,
    cursor_date,
    cursor_datetime,
    cursor_decimal,
    cursor_text,
    cursor_uuid,
    decode_cursor,
    encode_cursor,
    or_null,
)

DealRow = tuple[Deal, PipelineStage]

# Sort key -> (column, parser of the cursor's JSON value back to the column type: a forged
# cursor's value must be one the column can hold).
SORTS: dict[str, tuple[InstrumentedAttribute[Any], CursorField]] = {
    "created_at": (Deal.created_at, cursor_datetime),
    "updated_at": (Deal.updated_at, cursor_datetime),
    "amount": (Deal.amount, cursor_decimal(18, 2)),
    "expected_close_date": (Deal.expected_close_date, cursor_date),
    "title": (Deal.title, cursor_text),
}
# At most this many matches, a page is sorted from all of them rather than read off an index
# in sort order (about limit x workspace size / matches rows, when matches are many).
FEW_MATCHES = 2_000
# The expression the trigram index ix_deal_search_trgm is built on.
_search = literal_column(SEARCH_EXPRESSION, type_=String)


async def prefer_custom_plans(session: AsyncSession) -> None:
    """Plan this transaction's statements for their actual parameters.

    psycopg prepares statements after a few runs, and Postgres may then switch to a generic
    plan costed for an average tenant (a few hundred deals): wrong for a workspace with
    100,000, e.g. a bitmap scan over the whole workspace for a narrow filter. Planning costs
    well under a millisecond here; a bad generic plan costs hundreds.
    """
    await session.execute(text("set local plan_cache_mode = force_custom_plan"))


class DealRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def get(
        self, workspace_id: uuid.UUID, deal_id: uuid.UUID, *, for_update: bool = False
    ) -> Deal | None:
        statement = select(Deal).where(Deal.workspace_id == workspace_id, Deal.id == deal_id)
        if for_update:
            statement = statement.with_for_update()
        return await self.session.scalar(statement)

    async def get_with_stage(self, workspace_id: uuid.UUID, deal_id: uuid.UUID) -> DealRow | None:
        result = await self.session.execute(
            _with_stage().where(Deal.workspace_id == workspace_id, Deal.id == deal_id)
        )
        found = result.first()
        return (found[0], found[1]) if found else None

    async def get_by_external_id(
        self, workspace_id: uuid.UUID, source: DealSource, external_id: str
    ) -> Deal | None:
        return await self.session.scalar(
            select(Deal)
            .where(
                Deal.workspace_id == workspace_id,
                Deal.source == source,
                Deal.external_id == external_id,
            )
            .with_for_update()
        )

    async def list_in_stage(self, workspace_id: uuid.UUID, stage_id: uuid.UUID) -> list[Deal]:
        result = await self.session.scalars(
            select(Deal)
            .where(Deal.workspace_id == workspace_id, Deal.stage_id == stage_id)
            .order_by(Deal.id)
            .with_for_update()
        )
        return list(result.all())

    async def add(self, deal: Deal) -> Deal:
        self.session.add(deal)
        await self.session.flush()
        return deal

    async def delete(self, deal: Deal) -> None:
        await self.session.delete(deal)
        await self.session.flush()

    async def page(
        self, workspace_id: uuid.UUID, filters: DealFilters
    ) -> tuple[list[DealRow], int, str | None]:
        """One page of matching deals, the count of all matches, and the next page's cursor."""
        await prefer_custom_plans(self.session)
        conditions = filter_conditions(workspace_id, filters)
        total = await self.session.scalar(select(func.count()).select_from(Deal).where(*conditions))
        key = filters.sort.removeprefix("-")
        descending = filters.sort.startswith("-")
        column, parse = SORTS[key]
        nullable = bool(Deal.__table__.c[key].nullable)
        if filters.cursor:
            conditions.append(_after(filters, column, parse, descending, nullable))
        direction = column.desc() if descending else column.asc()
        if nullable:
            # Deals without the value come last in both directions. Only here: on NOT NULL
            # columns an explicit NULLS LAST would stop Postgres walking the index backwards.
            direction = direction.nulls_last()
        id_direction = Deal.id.desc() if descending else Deal.id.asc()
        statement = _with_stage()
        if (total or 0) <= FEW_MATCHES:
            # Few matches (the exact count says so): collect them through the index their
            # filters use (e.g. the trigram one), then sort. Left to itself, Postgres may
            # walk the sort order's index and filter as it goes, reading ~40,000 rows to
            # find 51 when its estimate of a text search's matches is 10x too high.
            matches = select(Deal.id).where(*conditions).cte("matches").prefix_with("MATERIALIZED")
            statement = statement.join(matches, matches.c.id == Deal.id)
        else:
            statement = statement.where(*conditions)
        result = await self.session.execute(
            statement.order_by(direction, id_direction).limit(filters.limit + 1)
        )
        rows = [(deal, stage) for deal, stage in result.all()]
        next_cursor = None
        if len(rows) > filters.limit:
            rows = rows[: filters.limit]
            last = rows[-1][0]
            next_cursor = encode_cursor([filters.sort, getattr(last, key), str(last.id)])
        return rows, total or 0, next_cursor


def _with_stage() -> Select[Deal, PipelineStage]:
    return select(Deal, PipelineStage).join(PipelineStage, PipelineStage.id == Deal.stage_id)


def filter_conditions(workspace_id: uuid.UUID, filters: DealFilters) -> list[ColumnElement[bool]]:
    """The WHERE clauses of the deal list (and its count) for these filters."""
    # Archived deals (deleted or merged away in HubSpot) stay for their history, out of lists.
    conditions: list[ColumnElement[bool]] = [
        Deal.workspace_id == workspace_id,
        Deal.archived_at.is_(None),
    ]
    if filters.stage_id:
        conditions.append(Deal.stage_id.in_(filters.stage_id))
    if filters.owner_id:
        conditions.append(Deal.owner_id == filters.owner_id)
    if filters.source:
        conditions.append(Deal.source == filters.source)
    if filters.status:
        # A subquery rather than a condition on the joined stage: the count needs no join.
        conditions.append(
            Deal.stage_id.in_(
                select(PipelineStage.id).where(
                    PipelineStage.workspace_id == workspace_id,
                    PipelineStage.kind == filters.status,
                )
            )
        )
    if filters.close_date_from:
        conditions.append(Deal.expected_close_date >= filters.close_date_from)
    if filters.close_date_to:
        conditions.append(Deal.expected_close_date <= filters.close_date_to)
    if filters.amount_min is not None:
        conditions.append(Deal.amount >= filters.amount_min)
    if filters.amount_max is not None:
        conditions.append(Deal.amount <= filters.amount_max)
    if filters.q:
        conditions.append(_search.ilike(f"%{_escape_like(filters.q.lower())}%", escape="\\"))
    return conditions


def _after(
    filters: DealFilters,
    column: InstrumentedAttribute[Any],
    parse: CursorField,
    descending: bool,
    nullable: bool,
) -> ColumnElement[bool]:
    """Rows after the cursor in (column NULLS LAST, id) order, ascending or descending."""
    assert filters.cursor is not None
    sort, value, last_id = decode_cursor(filters.cursor, cursor_text, or_null(parse), cursor_uuid)
    if sort != filters.sort:
        raise BadRequest(
            "The cursor belongs to another sort order; start again without it.",
            code="invalid_cursor",
        )
    if value is None:
        # Already in the trailing NULL block: only the id orders the rest.
        return and_(column.is_(None), Deal.id < last_id if descending else Deal.id > last_id)
    key = row(column, Deal.id)
    beyond = key < row(value, last_id) if descending else key > row(value, last_id)
    return or_(beyond, column.is_(None)) if nullable else beyond


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


class HistoryRepository:
    """A deal's recorded stage and close-date changes."""

    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def add(self, change: DealStageChange | DealCloseDateChange) -> None:
        self.session.add(change)
        await self.session.flush()

    async def stage_changes(
        self, workspace_id: uuid.UUID, deal_id: uuid.UUID
    ) -> list[StageChangeRead]:
        """Oldest first, each with the days spent in the stage it left."""
        from_stage, to_stage = aliased(PipelineStage), aliased(PipelineStage)
        order = (DealStageChange.changed_at, DealStageChange.id)
        previous = func.lag(DealStageChange.changed_at).over(order_by=order)
        days = func.extract("epoch", DealStageChange.changed_at - previous) / 86400
        result = await self.session.execute(
            select(
                DealStageChange,
                from_stage.name,
                to_stage.name,
                User.name,
                days,
            )
            .outerjoin(from_stage, from_stage.id == DealStageChange.from_stage_id)
            .outerjoin(to_stage, to_stage.id == DealStageChange.to_stage_id)
            .outerjoin(User, User.id == DealStageChange.changed_by_id)
            .where(DealStageChange.workspace_id == workspace_id, DealStageChange.deal_id == deal_id)
            .order_by(*order)
        )
        return [
            StageChangeRead(
                id=change.id,
                from_stage_id=change.from_stage_id,
                from_stage_name=from_name,
                to_stage_id=change.to_stage_id,
                to_stage_name=to_name,
                changed_at=change.changed_at,
                changed_by_id=change.changed_by_id,
                changed_by_name=user_name,
                source=change.source,
                days_in_previous_stage=None if spent is None else round(float(spent), 2),
            )
            for change, from_name, to_name, user_name, spent in result.all()
        ]

    async def close_date_changes(
        self, workspace_id: uuid.UUID, deal_id: uuid.UUID
    ) -> list[CloseDateChangeRead]:
        result = await self.session.execute(
            select(DealCloseDateChange, User.name)
            .outerjoin(User, User.id == DealCloseDateChange.changed_by_id)
            .where(
                DealCloseDateChange.workspace_id == workspace_id,
                DealCloseDateChange.deal_id == deal_id,
            )
            .order_by(DealCloseDateChange.changed_at, DealCloseDateChange.id)
        )
        return [
            CloseDateChangeRead(
                id=change.id,
                from_date=change.from_date,
                to_date=change.to_date,
                changed_at=change.changed_at,
                changed_by_id=change.changed_by_id,
                changed_by_name=user_name,
                source=change.source,
            )
            for change, user_name in result.all()
        ]
