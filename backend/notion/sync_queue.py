"""Queueing full syncs: on connect, on "sync now", and the hourly reconcile."""

from sqlalchemy.ext.asyncio import AsyncSession

from backend.db import session_factory
from backend.models import Integration, NotionSyncRun, RunStatus
from backend.notion.mapping import NotionConfig
from backend.notion.repository import NotionRepository
from backend.worker.app import defer
from backend.worker.notion_tasks import lock_for, sync_notion


async def queue(session: AsyncSession, integration: Integration, *, trigger: str) -> NotionSyncRun:
    """A sync run queued in this transaction; one still waiting to start is reused."""
    repository = NotionRepository(session)
    active = await repository.active_run(integration.workspace_id)
    if active is not None and active.status == RunStatus.queued:
        return active
    run = await repository.add_run(
        NotionSyncRun(
            workspace_id=integration.workspace_id,
            integration_id=integration.id,
            trigger=trigger,
            status=RunStatus.queued,
            phase="deals",
            pages_seen=0,
            deals_synced=0,
            notes_synced=0,
            pages_failed=0,
            errors=[],
        )
    )
    await defer(
        session,
        sync_notion,
        lock=lock_for(integration.workspace_id),
        workspace_id=str(integration.workspace_id),
        run_id=str(run.id),
    )
    return run


async def schedule_all() -> int:
    """Queue a reconcile for every connected, mapped Notion integration with none under way."""
    queued = 0
    async with session_factory()() as session:
        repository = NotionRepository(session)
        for integration in await repository.connected_integrations():
            if NotionConfig.parse(integration.config) is None:
                continue
            if await repository.active_run(integration.workspace_id) is not None:
                continue
            await queue(session, integration, trigger="scheduled")
            queued += 1
        await session.commit()
    return queued
