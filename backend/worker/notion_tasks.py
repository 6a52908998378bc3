"""Notion background tasks. Thin: they call the Notion processing and sync."""

import uuid

from procrastinate import JobContext, RetryStrategy

from backend.notion import processing, sync
from backend.worker.app import app

# Runs 1 + 5 times, waiting 2, 4, 8, 16 and 32 s between them; events stay stored meanwhile.
NOTION_RETRY = RetryStrategy(max_attempts=5, exponential_wait=2)


def lock_for(workspace_id: uuid.UUID | str) -> str:
    """One Notion job of a workspace at a time: events and syncs never interleave."""
    return f"notion:{workspace_id}"


@app.task(name="notion.process_events", retry=NOTION_RETRY)
async def process_notion_events(*, workspace_id: str) -> None:
    """Apply the workspace's stored Notion events not handled yet, oldest first."""
    await processing.run(workspace_id=uuid.UUID(workspace_id))


@app.task(name="notion.sync", retry=NOTION_RETRY, pass_context=True)
async def sync_notion(context: JobContext, *, workspace_id: str, run_id: str) -> None:
    """Read the mapped databases page by page and upsert every page, resuming on retry."""
    await sync.run(
        workspace_id=uuid.UUID(workspace_id),
        run_id=uuid.UUID(run_id),
        final_attempt=context.job.attempts >= (NOTION_RETRY.max_attempts or 0),
    )


@app.periodic(cron="41 * * * *")
@app.task(name="notion.schedule_reconcile", queueing_lock="notion_reconcile", pass_context=True)
async def schedule_notion_reconcile(context: JobContext, timestamp: int) -> None:
    """Queue a full sync of every connected Notion workspace: what webhooks missed comes in."""
    # Imported here: the queueing module imports this one to defer its jobs.
    from backend.notion import sync_queue

    await sync_queue.schedule_all()
