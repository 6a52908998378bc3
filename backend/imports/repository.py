"""Queries for CSV imports: the request side and the job's progress writes."""

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy import tuple_ as row
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import undefer

from backend.models import CsvImport, RunStatus
from backend.models.base import utcnow


class ImportRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def add(self, csv_import: CsvImport) -> CsvImport:
        self.session.add(csv_import)
        await self.session.flush()
        return csv_import

    async def get(
        self, workspace_id: uuid.UUID, import_id: uuid.UUID, *, with_content: bool = False
    ) -> CsvImport | None:
        statement = select(CsvImport).where(
            CsvImport.workspace_id == workspace_id, CsvImport.id == import_id
        )
        if with_content:
            statement = statement.options(undefer(CsvImport.content))
        return await self.session.scalar(statement)

    async def page(
        self,
        workspace_id: uuid.UUID,
        *,
        limit: int,
        after: tuple[datetime, uuid.UUID] | None,
    ) -> tuple[list[CsvImport], int]:
        """Newest first, `limit + 1` rows (the extra one says there is a next page)."""
        total = await self.session.scalar(
            select(func.count())
            .select_from(CsvImport)
            .where(CsvImport.workspace_id == workspace_id)
        )
        statement = select(CsvImport).where(CsvImport.workspace_id == workspace_id)
        if after is not None:
            statement = statement.where(row(CsvImport.created_at, CsvImport.id) < row(*after))
        result = await self.session.scalars(
            statement.order_by(CsvImport.created_at.desc(), CsvImport.id.desc()).limit(limit + 1)
        )
        return list(result.all()), total or 0

    async def save(self, workspace_id: uuid.UUID, import_id: uuid.UUID, **values: Any) -> None:
        """Write the job's progress (status, counters, errors) in the current transaction."""
        await self.session.execute(
            update(CsvImport)
            .where(CsvImport.workspace_id == workspace_id, CsvImport.id == import_id)
            .values(**values, updated_at=utcnow())
        )

    async def status(self, workspace_id: uuid.UUID, import_id: uuid.UUID) -> RunStatus | None:
        return await self.session.scalar(
            select(CsvImport.status).where(
                CsvImport.workspace_id == workspace_id, CsvImport.id == import_id
            )
        )
