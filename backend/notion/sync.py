"""The full sync job: every page of the deals database, then of the meeting-notes database,
upserted one Notion result page (up to 100 pages) per transaction.

The run row keeps the database being read and Notion's cursor, committed with each batch,
so a retried run resumes where the failed attempt stopped; its counters are the progress.
"""

import uuid
from datetime import UTC, datetime
from typing import Any

import structlog
from sqlalchemy import func
from sqlalchemy.ext.asyncio import AsyncSession

from backend.db import session_factory
from backend.models import IntegrationStatus, NotionSyncRun, RunStatus
from backend.notion import credentials, pages
from backend.notion.client import NotionError, NotionUnauthorized, notion_client
from backend.notion.mapping import NotionConfig, normalize_id
from backend.notion.repository import NotionRepository

log = structlog.get_logger(__name__)

ERRORS_KEPT = 20
NEXT_PHASE = {"deals": "notes", "notes": "done"}


async def run(*, workspace_id: uuid.UUID, run_id: uuid.UUID, final_attempt: bool) -> None:
    """Carry out (or resume) the sync run; a failure is recorded on it and the integration."""
    started = await _start(workspace_id, run_id)
    if started is None:
        return
    token, config = started
    try:
        async with notion_client(token) as notion:
            target = pages.Target(workspace_id, config, notion)
            while await _next_batch(target, run_id):
                pass
    except NotionUnauthorized as exc:
        await _finish(workspace_id, run_id, RunStatus.failed, f"Notion refused the token: {exc}")
        return
    except NotionError as exc:
        if final_attempt:
            await _finish(workspace_id, run_id, RunStatus.failed, str(exc))
            return
        await _note_retry(workspace_id, run_id, str(exc))
        raise
    await _finish(workspace_id, run_id, RunStatus.succeeded, None)


async def _start(workspace_id: uuid.UUID, run_id: uuid.UUID) -> tuple[str, NotionConfig] | None:
    async with session_factory()() as session:
        repository = NotionRepository(session)
        job = await repository.run(workspace_id, run_id, for_update=True)
        if job is None or job.status in (RunStatus.succeeded, RunStatus.failed):
            return None
        integration = await repository.integration(workspace_id, for_update=True)
        config = NotionConfig.parse(integration.config) if integration else None
        token = credentials.read(integration).get("access_token") if integration else None
        if (
            integration is None
            or integration.id != job.integration_id
            or integration.status == IntegrationStatus.disconnected
            or config is None
            or not token
        ):
            _close(job, RunStatus.failed, "the Notion integration is gone, disconnected or unset")
            await session.commit()
            return None
        job.status = RunStatus.running
        # The database's clock, as for the page versions the deletion check compares it with.
        job.started_at = job.started_at or func.now()
        integration.status = IntegrationStatus.syncing
        await session.commit()
        return str(token), config


async def _next_batch(target: pages.Target, run_id: uuid.UUID) -> bool:
    """Read and apply the next result page; False once every database is read."""
    async with session_factory()() as session:
        job = await NotionRepository(session).run(target.workspace_id, run_id)
        assert job is not None
        phase, cursor = job.phase, job.cursor
    if phase == "done":
        return False
    database = (
        target.config.deals_database_id if phase == "deals" else target.config.notes_database_id
    )
    answer: dict[str, Any] = {}
    if database is not None:
        # Outside any transaction: retries may wait on Notion for a while.
        answer = await target.notion.query_database(database, cursor=cursor)
    async with session_factory()() as session:
        job = await NotionRepository(session).run(target.workspace_id, run_id, for_update=True)
        assert job is not None
        for page in answer.get("results") or []:
            await _apply(session, target, job, page)
        following = answer.get("next_cursor") if answer.get("has_more") else None
        job.cursor = following
        if following is None:
            if phase == "deals" and database is not None and job.started_at is not None:
                await _archive_unseen(session, target, job.started_at)
            job.phase = NEXT_PHASE[phase]
        await session.commit()
    return True


async def _apply(
    session: AsyncSession, target: pages.Target, job: NotionSyncRun, page: dict[str, Any]
) -> None:
    job.pages_seen += 1
    page_id = normalize_id(str(page.get("id")))
    if page_id is not None:
        await NotionRepository(session).mark_seen(target.workspace_id, page_id)
    try:
        async with session.begin_nested():
            applied = await pages.apply(session, target, page)
    except pages.PageFailed as exc:
        job.pages_failed += 1
        _keep_error(job, page, str(exc))
        return
    if applied.outcome == "deal":
        job.deals_synced += 1
    elif applied.outcome == "note":
        job.notes_synced += 1
    if applied.note and applied.outcome != "ignored":
        _keep_error(job, page, applied.note)


async def _archive_unseen(session: AsyncSession, target: pages.Target, since: datetime) -> None:
    """Deals whose pages the whole read of the database did not return were deleted there
    while no webhook told us (or before the subscription existed)."""
    now = datetime.now(UTC)
    for page_id in await NotionRepository(session).deal_pages_unseen_since(
        target.workspace_id, since
    ):
        await pages.remove(session, target, page_id, when=now, event_at=None)


def _keep_error(job: NotionSyncRun, page: dict[str, Any], message: str) -> None:
    if len(job.errors) < ERRORS_KEPT:
        # A new list: JSONB columns notice reassignment, not in-place appends.
        job.errors = [*job.errors, {"page_id": str(page.get("id")), "message": message}]


async def _note_retry(workspace_id: uuid.UUID, run_id: uuid.UUID, error: str) -> None:
    async with session_factory()() as session:
        job = await NotionRepository(session).run(workspace_id, run_id, for_update=True)
        if job is not None:
            job.error = f"{error} (will retry)"
            await session.commit()


async def _finish(
    workspace_id: uuid.UUID, run_id: uuid.UUID, status: RunStatus, error: str | None
) -> None:
    async with session_factory()() as session:
        repository = NotionRepository(session)
        job = await repository.run(workspace_id, run_id, for_update=True)
        if job is None:
            return
        _close(job, status, error)
        integration = await repository.integration(workspace_id, for_update=True)
        if integration is not None and integration.status != IntegrationStatus.disconnected:
            succeeded = status == RunStatus.succeeded
            integration.status = (
                IntegrationStatus.connected if succeeded else IntegrationStatus.error
            )
            integration.last_error = error
            if succeeded:
                integration.last_synced_at = job.finished_at
        await session.commit()
    log.info("notion_sync_finished", run_id=str(run_id), status=status.value, error=error)


def _close(job: NotionSyncRun, status: RunStatus, error: str | None) -> None:
    job.status = status
    job.error = error
    job.finished_at = datetime.now(UTC)
    if status == RunStatus.succeeded:
        job.phase, job.cursor = "done", None
