"""CSV imports, request side: check the upload, store it, enqueue the job in one transaction."""

import json
import uuid
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession
from starlette.concurrency import run_in_threadpool

from backend.auth.deps import WorkspaceContext
from backend.imports.csvfile import InvalidFile, read_header
from backend.imports.parsing import Layout, resolve_columns
from backend.imports.repository import ImportRepository
from backend.imports.schemas import ImportRead, ImportSummary
from backend.models import CsvImport, RunStatus
from backend.worker.app import defer
from backend.worker.tasks import process_csv_import
from kit.errors import NotFound, UnprocessableEntity
from kit.pagination import cursor_datetime, cursor_uuid, decode_cursor, encode_cursor
from kit.schemas import Page
from kit.text import storable

MAX_FILENAME = 300


async def start(
    session: AsyncSession,
    ctx: WorkspaceContext,
    *,
    filename: str | None,
    content: bytes,
    layout: Layout,
    mapping: str | None,
) -> ImportRead:
    """Store the file and queue its import; the header is checked now, the rows by the job."""
    columns = parse_mapping(layout, mapping)
    try:
        # Decoding a file of many megabytes is CPU work: off the event loop.
        header = await run_in_threadpool(read_header, content)
        resolve_columns(header, layout, columns)
    except InvalidFile as exc:
        raise UnprocessableEntity(
            "The file cannot be imported with this layout.",
            code="invalid_import_file",
            details=[e.as_dict() for e in exc.errors],
        ) from exc
    csv_import = await ImportRepository(session).add(
        CsvImport(
            workspace_id=ctx.workspace_id,
            created_by_id=ctx.user_id,
            filename=storable(filename or "deals.csv")[:MAX_FILENAME],
            layout=layout.value,
            mapping=columns,
            content=content,
            status=RunStatus.queued,
        )
    )
    await defer(
        session,
        process_csv_import,
        lock=f"csv_import:{csv_import.id}",
        workspace_id=str(ctx.workspace_id),
        import_id=str(csv_import.id),
    )
    return ImportRead.model_validate(csv_import)


async def get(session: AsyncSession, ctx: WorkspaceContext, import_id: uuid.UUID) -> ImportRead:
    csv_import = await ImportRepository(session).get(ctx.workspace_id, import_id)
    if csv_import is None:
        raise NotFound("Import not found.")
    return ImportRead.model_validate(csv_import)


async def list_imports(
    session: AsyncSession, ctx: WorkspaceContext, *, limit: int, cursor: str | None
) -> Page[ImportSummary]:
    items, total = await ImportRepository(session).page(
        ctx.workspace_id, limit=limit, after=_after(cursor) if cursor else None
    )
    next_cursor = None
    if len(items) > limit:
        items = items[:limit]
        next_cursor = encode_cursor([items[-1].created_at, items[-1].id])
    return Page(
        items=[ImportSummary.model_validate(i) for i in items], total=total, next_cursor=next_cursor
    )


def parse_mapping(layout: Layout, raw: str | None) -> dict[str, str]:
    """The generic layout's JSON object {csv column: deal field}; the HubSpot layout has none."""
    mapping = _string_object(raw) if raw and raw.strip() else {}
    if layout == Layout.hubspot and mapping:
        raise UnprocessableEntity(
            "The HubSpot layout maps its own columns; send no mapping.", code="invalid_mapping"
        )
    if layout == Layout.generic and not mapping:
        raise UnprocessableEntity(
            'The generic layout needs a mapping of columns to deal fields, e.g. {"Name": "title"}.',
            code="invalid_mapping",
        )
    return mapping


def _string_object(raw: str) -> dict[str, str]:
    try:
        value = json.loads(raw)
    except ValueError:
        value = None
    if not isinstance(value, dict) or not all(
        isinstance(k, str) and isinstance(v, str) for k, v in value.items()
    ):
        raise UnprocessableEntity(
            "`mapping` must be a JSON object of CSV column names to deal field names.",
            code="invalid_mapping",
        )
    # As in the file itself (csvfile): NUL characters are dropped.
    return {storable(k): storable(v) for k, v in value.items()}


def _after(cursor: str) -> tuple[datetime, uuid.UUID]:
    created_at, import_id = decode_cursor(cursor, cursor_datetime, cursor_uuid)
    return created_at, import_id
