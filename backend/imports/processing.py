"""The import job: the stored file, row by row, committed in batches so progress shows.

Each batch commits its deals together with the import's counters, so `processed_rows` is
exactly what is in the database: a retried job (after a crash, or a killed worker) carries
on from there, and rows it sees twice are updates by external id, never duplicates.
"""

import uuid
from dataclasses import dataclass, field
from typing import Any

import structlog
from sqlalchemy.exc import DataError, IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession
from starlette.concurrency import run_in_threadpool

from backend.db import session_factory
from backend.deals import service as deals
from backend.imports.csvfile import InvalidFile, RowError, read_table
from backend.imports.parsing import Columns, Field, Layout, parse_row, resolve_columns
from backend.imports.repository import ImportRepository
from backend.imports.values import Lookups, Member, Stage
from backend.models import ChangeSource, DealSource, RunStatus
from backend.pipelines.repository import StageRepository
from backend.workspaces.repository import MemberRepository
from kit.errors import AppError

log = structlog.get_logger(__name__)

BATCH_SIZE = 500
MAX_STORED_ERRORS = 1000
FINISHED = (RunStatus.succeeded, RunStatus.failed)
# Which column a deals-service refusal is about (the lookups can go stale mid-import).
_ERROR_COLUMNS = {
    "owner_not_member": Field.owner_email,
    "unknown_stage": Field.stage,
    "duplicate_external_id": Field.external_id,
}


@dataclass
class Progress:
    processed_rows: int
    created_count: int
    updated_count: int
    errors: list[dict[str, Any]] = field(default_factory=list)

    def fail(self, errors: list[RowError]) -> None:
        room = max(MAX_STORED_ERRORS - len(self.errors), 0)
        self.errors.extend(e.as_dict() for e in errors[:room])

    def values(self) -> dict[str, Any]:
        return {
            "processed_rows": self.processed_rows,
            "created_count": self.created_count,
            "updated_count": self.updated_count,
            "errors": self.errors,
        }


@dataclass(frozen=True)
class Job:
    workspace_id: uuid.UUID
    import_id: uuid.UUID
    actor_id: uuid.UUID | None
    source: DealSource
    columns: Columns
    lookups: Lookups


async def run(
    *, workspace_id: uuid.UUID, import_id: uuid.UUID, attempt: int, final_attempt: bool
) -> None:
    """Import every row not imported yet; on a crash, say so on the import and re-raise."""
    try:
        await _run(workspace_id, import_id)
    except Exception as exc:
        log.exception("csv_import_crashed", import_id=str(import_id), attempt=attempt)
        await _record_crash(workspace_id, import_id, exc, attempt=attempt, final=final_attempt)
        raise


async def _run(workspace_id: uuid.UUID, import_id: uuid.UUID) -> None:
    sessions = session_factory()
    async with sessions() as session:
        imports = ImportRepository(session)
        csv_import = await imports.get(workspace_id, import_id, with_content=True)
        if csv_import is None or csv_import.status in FINISHED:
            return  # gone with its workspace, or a job run again after it finished
        layout = Layout(csv_import.layout)
        try:
            # Parsing the whole file is CPU work: off the worker's event loop.
            table = await run_in_threadpool(read_table, csv_import.content)
            columns = resolve_columns(table.headers, layout, csv_import.mapping)
        except InvalidFile as exc:
            errors = [e.as_dict() for e in exc.errors]
            await imports.save(workspace_id, import_id, status=RunStatus.failed, errors=errors)
            await session.commit()
            return
        job = Job(
            workspace_id=workspace_id,
            import_id=import_id,
            actor_id=csv_import.created_by_id,
            # A HubSpot export's Record ID is the deal's HubSpot id: the HubSpot sync then
            # updates these deals rather than adding them again.
            source=DealSource.hubspot if layout == Layout.hubspot else DealSource.import_,
            columns=columns,
            lookups=await _lookups(session, workspace_id),
        )
        progress = Progress(
            processed_rows=csv_import.processed_rows,
            created_count=csv_import.created_count,
            updated_count=csv_import.updated_count,
            errors=list(csv_import.errors),
        )
        await imports.save(
            workspace_id, import_id, status=RunStatus.running, total_rows=len(table.rows)
        )
        await session.commit()

    for start in range(progress.processed_rows, len(table.rows), BATCH_SIZE):
        async with sessions() as session:
            for number, cells in table.rows[start : start + BATCH_SIZE]:
                await _import_row(session, job, number, cells, progress)
                progress.processed_rows += 1
            await ImportRepository(session).save(workspace_id, import_id, **progress.values())
            await session.commit()

    async with sessions() as session:
        await ImportRepository(session).save(workspace_id, import_id, status=RunStatus.succeeded)
        await session.commit()


async def _import_row(
    session: AsyncSession, job: Job, number: int, cells: list[str], progress: Progress
) -> None:
    parsed = parse_row(number, cells, job.columns, job.lookups)
    if isinstance(parsed, list):
        progress.fail(parsed)
        return
    try:
        # A refused row rolls back alone; the rest of the batch stays.
        async with session.begin_nested():
            _, created = await deals.upsert_by_external_id(
                session,
                workspace_id=job.workspace_id,
                source=job.source,
                external_id=parsed.external_id,
                fields=parsed.fields,
                actor_id=job.actor_id,
                change_source=ChangeSource.import_,
            )
    except AppError as exc:
        target = _ERROR_COLUMNS.get(exc.code)
        column = job.columns.header.get(target) if target else None
        progress.fail([RowError(number, column, exc.message)])
        return
    except (IntegrityError, DataError):
        log.warning("csv_import_row_refused", import_id=str(job.import_id), row=number)
        progress.fail([RowError(number, None, "the database refused this row")])
        return
    if created:
        progress.created_count += 1
    else:
        progress.updated_count += 1


async def _lookups(session: AsyncSession, workspace_id: uuid.UUID) -> Lookups:
    stages = await StageRepository(session).list(workspace_id)
    members = await MemberRepository(session).list(workspace_id)
    return Lookups.build(
        [Stage(id=s.id, name=s.name, kind=s.kind) for s in stages],
        [Member(user_id=u.id, email=u.email, name=u.name) for _, u in members],
    )


async def _record_crash(
    workspace_id: uuid.UUID, import_id: uuid.UUID, exc: Exception, *, attempt: int, final: bool
) -> None:
    """Failed for good after the last attempt; otherwise queued again for the retry."""
    try:
        async with session_factory()() as session:
            imports = ImportRepository(session)
            csv_import = await imports.get(workspace_id, import_id)
            if csv_import is None or csv_import.status in FINISHED:
                return
            if not final:
                await imports.save(workspace_id, import_id, status=RunStatus.queued)
            else:
                reason = (
                    f"the import stopped ({type(exc).__name__}) and was given up after "
                    f"{attempt} attempts; the {csv_import.processed_rows} rows processed "
                    "before that are imported"
                )
                errors = [*csv_import.errors, RowError(None, None, reason).as_dict()]
                await imports.save(workspace_id, import_id, status=RunStatus.failed, errors=errors)
            await session.commit()
    except Exception:
        # The database may be what failed; the job's own row still records the error.
        log.exception("csv_import_crash_not_recorded", import_id=str(import_id))
