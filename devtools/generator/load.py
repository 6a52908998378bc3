"""Bulk loading with COPY: simulated deals, their history and timelines into Postgres."""

import uuid
from collections.abc import AsyncIterator, Iterable, Iterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import psycopg
from psycopg.types.string import BytesBinaryDumper
from sqlalchemy.ext.asyncio import AsyncSession

from devtools.generator import activities
from devtools.generator.activities import actor_of, creation_source
from devtools.generator.simulate import DealPlan, id_of

DEAL_COLUMNS = (
    ("id", "uuid"),
    ("workspace_id", "uuid"),
    ("title", "text"),
    ("amount", "numeric"),
    ("currency", "text"),
    ("stage_id", "uuid"),
    ("probability_override", "numeric"),
    ("expected_close_date", "date"),
    ("contact_name", "text"),
    ("contact_email", "text"),
    ("company", "text"),
    ("source", "text"),
    ("external_id", "text"),
    ("owner_id", "uuid"),
    ("closed_at", "timestamptz"),
    ("lost_reason", "text"),
    ("stage_entered_at", "timestamptz"),
    ("last_activity_at", "timestamptz"),
    ("close_date_push_count", "int4"),
    ("created_at", "timestamptz"),
    ("updated_at", "timestamptz"),
)
_CHANGE = (
    ("id", "uuid"),
    ("workspace_id", "uuid"),
    ("deal_id", "uuid"),
    ("changed_at", "timestamptz"),
    ("changed_by_id", "uuid"),
    ("source", "text"),
)
STAGE_CHANGE_COLUMNS = (*_CHANGE, ("from_stage_id", "uuid"), ("to_stage_id", "uuid"))
CLOSE_DATE_CHANGE_COLUMNS = (*_CHANGE, ("from_date", "date"), ("to_date", "date"))
# uuid and jsonb values arrive already in Postgres' binary form (16 bytes; version byte +
# text), so psycopg passes them through as it does bytea.
_PREENCODED = {"uuid": "bytea", "jsonb": "bytea"}
TABLES = ("deal", "deal_stage_change", "deal_close_date_change", "activity")
# Filled by the database itself: the stage-history triggers derive each deal's stays while
# the history is copied (see backend.models.DealStageStay). Its indexes are rebuilt after
# the load like the copied tables' ones.
DERIVED_TABLES = ("deal_stage_stay",)
Columns = tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class Loaded:
    """Rows written for one workspace."""

    deals: int
    stage_changes: int
    close_date_changes: int
    activities: int


async def load(
    session: AsyncSession,
    *,
    workspace_id: uuid.UUID,
    deals: list[DealPlan],
    seed: int,
    now: datetime,
) -> Loaded:
    """COPY the planned deals into the session's transaction (commits stay with the caller)."""
    conn = await driver_connection(session)
    return Loaded(
        deals=await copy_rows(conn, "deal", DEAL_COLUMNS, _deal_rows(deals, workspace_id)),
        stage_changes=await copy_rows(
            conn, "deal_stage_change", STAGE_CHANGE_COLUMNS, _stage_rows(deals, workspace_id)
        ),
        close_date_changes=await copy_rows(
            conn,
            "deal_close_date_change",
            CLOSE_DATE_CHANGE_COLUMNS,
            _close_date_rows(deals, workspace_id),
        ),
        activities=await copy_rows(
            conn,
            "activity",
            activities.COLUMNS,
            (row for deal in deals for row in activities.rows_for(deal, seed, now, workspace_id)),
        ),
    )


async def driver_connection(session: AsyncSession) -> psycopg.AsyncConnection[Any]:
    """The psycopg connection under the session, inside its transaction (pending ORM rows
    flushed first, so COPY sees them)."""
    await session.flush()
    connection = await (await session.connection()).get_raw_connection()
    return connection.driver_connection  # type: ignore[return-value]


async def copy_rows(
    conn: psycopg.AsyncConnection[Any],
    table: str,
    columns: Columns,
    rows: Iterable[tuple[Any, ...]],
) -> int:
    """Binary COPY: the server parses no text, which is most of the cost of a text COPY."""
    count = 0
    names = ", ".join(name for name, _ in columns)
    statement = f"copy {table} ({names}) from stdin (format binary)"
    async with conn.cursor() as cursor:
        # For bytea the default dumper is the DB-API `Binary` one, written in Python; the
        # plain bytes dumper (C) is three times faster on these millions of values.
        cursor.adapters.register_dumper(bytes, BytesBinaryDumper)
        async with cursor.copy(statement) as copy:
            copy.set_types([_PREENCODED.get(kind, kind) for _, kind in columns])
            for row in rows:
                await copy.write_row(row)
                count += 1
    return count


@asynccontextmanager
async def bulk_mode(session: AsyncSession) -> AsyncIterator[None]:
    """Drop the generated tables' secondary indexes and foreign keys, and rebuild them after
    the load, as pg_restore does: one sorted build and one validating join instead of
    maintaining them row by row. Same transaction, so a failure restores everything; the
    tables stay locked until commit, so use it for dedicated (benchmark) databases."""
    conn = await driver_connection(session)
    async with conn.cursor() as cursor:
        await cursor.execute(
            "select format('%%I', tablename), format('%%I', indexname), indexdef from pg_indexes"
            " where schemaname = current_schema() and tablename = any(%s) and indexname not in"
            " (select conname from pg_constraint where contype in ('p', 'u', 'x'))",
            [[*TABLES, *DERIVED_TABLES]],
        )
        indexes = await cursor.fetchall()
        await cursor.execute(
            "select conrelid::regclass::text, format('%%I', conname), pg_get_constraintdef(oid)"
            " from pg_constraint where contype = 'f' and conrelid = any(%s::regclass[])",
            [[*TABLES, *DERIVED_TABLES]],
        )
        foreign_keys = await cursor.fetchall()
        for table, name, _ in foreign_keys:
            await cursor.execute(f"alter table {table} drop constraint {name}")
        for _, name, _ in indexes:
            await cursor.execute(f"drop index {name}")
    yield
    async with conn.cursor() as cursor:
        await cursor.execute("set local maintenance_work_mem = '512MB'")
        for _, _, definition in indexes:
            await cursor.execute(definition)
        for table, name, definition in foreign_keys:
            await cursor.execute(f"alter table {table} add constraint {name} {definition}")


def _deal_rows(deals: list[DealPlan], workspace: uuid.UUID) -> Iterator[tuple[Any, ...]]:
    workspace_id = id_of(workspace)
    for deal in deals:
        touched = [deal.stage_entered_at, deal.date_moves[-1].at]
        if deal.last_activity_at is not None:
            touched.append(deal.last_activity_at)
        yield (
            deal.id,
            workspace_id,
            deal.title,
            deal.amount,
            "USD",
            deal.stage.id,
            deal.probability_override,
            deal.expected_close_date,
            deal.contact_name,
            deal.contact_email,
            deal.company,
            deal.source,
            deal.external_id,
            deal.owner.id,
            deal.closed_at,
            deal.lost_reason,
            deal.stage_entered_at,
            deal.last_activity_at,
            deal.push_count,
            deal.created_at,
            max(touched),
        )


def _stage_rows(deals: list[DealPlan], workspace: uuid.UUID) -> Iterator[tuple[Any, ...]]:
    workspace_id = id_of(workspace)
    for deal in deals:
        for position, move in enumerate(deal.moves):
            source = creation_source(deal) if position == 0 else "user"
            yield (
                move.id,
                workspace_id,
                deal.id,
                move.at,
                actor_of(deal, source),
                source,
                move.from_stage.id if move.from_stage else None,
                move.to_stage.id,
            )


def _close_date_rows(deals: list[DealPlan], workspace: uuid.UUID) -> Iterator[tuple[Any, ...]]:
    workspace_id = id_of(workspace)
    for deal in deals:
        for position, change in enumerate(deal.date_moves):
            source = creation_source(deal) if position == 0 else "user"
            yield (
                change.id,
                workspace_id,
                deal.id,
                change.at,
                actor_of(deal, source),
                source,
                change.from_date,
                change.to_date,
            )
