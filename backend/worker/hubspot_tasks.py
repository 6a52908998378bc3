"""HubSpot background tasks. Thin: they call the webhook processing and the sync."""

import uuid

from procrastinate import JobContext, RetryStrategy

from backend.config import settings
from backend.hubspot import service, sync
from backend.webhooks import hubspot_processing
from backend.worker.app import app

# Runs 1 + 5 times, waiting 2, 4, 8, 16 and 32 s between them; events stay stored meanwhile.
HUBSPOT_RETRY = RetryStrategy(max_attempts=5, exponential_wait=2)
# A sync resumes from its checkpoint on each retry: after 3, 9, 27 and 81 s.
HUBSPOT_SYNC_RETRY = RetryStrategy(max_attempts=4, exponential_wait=3)


@app.task(name="webhooks.process_hubspot_events", retry=HUBSPOT_RETRY)
async def process_hubspot_events(*, workspace_id: str) -> None:
    """Apply the workspace's stored HubSpot events not handled yet, oldest first."""
    await hubspot_processing.run(workspace_id=uuid.UUID(workspace_id))


@app.task(name="hubspot.sync", retry=HUBSPOT_SYNC_RETRY, pass_context=True)
async def sync_hubspot(context: JobContext, *, workspace_id: str, run_id: str) -> None:
    """Run a HubSpot sync (backfill or incremental) from where its checkpoint left it."""
    attempts = context.job.attempts
    await sync.run(
        workspace_id=uuid.UUID(workspace_id),
        run_id=uuid.UUID(run_id),
        final_attempt=attempts >= (HUBSPOT_SYNC_RETRY.max_attempts or 0),
    )


@app.periodic(cron=settings.hubspot_sync_cron)
@app.task(name="hubspot.schedule_syncs", queueing_lock="schedule_hubspot_syncs", pass_context=True)
async def schedule_hubspot_syncs(context: JobContext, timestamp: int) -> None:
    """Queue an incremental sync for every connected HubSpot workspace."""
    await service.schedule_incremental_syncs()
