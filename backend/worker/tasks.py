"""Background tasks. Thin: each one calls a service; retries and backoff are declared here."""

import uuid

from procrastinate import JobContext, RetryStrategy, builtin_tasks

from backend.analytics import service as analytics
from backend.imports import processing
from backend.worker.app import app

# Runs 1 + 5 times, waiting 2, 4, 8, 16 and 32 s between them (exponential backoff).
IMPORT_RETRY = RetryStrategy(max_attempts=5, exponential_wait=2)
# A worker sends a heartbeat every 10 s; one silent for this long was killed or hung.
STALLED_AFTER_SECONDS = 60
KEEP_FINISHED_JOBS_HOURS = 7 * 24


@app.task(name="imports.process_csv", retry=IMPORT_RETRY, pass_context=True)
async def process_csv_import(context: JobContext, *, workspace_id: str, import_id: str) -> None:
    """Import an uploaded deals CSV in committed batches, resuming where a crash left it."""
    attempts = context.job.attempts
    await processing.run(
        workspace_id=uuid.UUID(workspace_id),
        import_id=uuid.UUID(import_id),
        attempt=attempts + 1,
        final_attempt=attempts >= (IMPORT_RETRY.max_attempts or 0),
    )


@app.periodic(cron="* * * * *")
@app.task(name="worker.retry_stalled_jobs", queueing_lock="retry_stalled_jobs", pass_context=True)
async def retry_stalled_jobs(context: JobContext, timestamp: int) -> None:
    """Queue again the jobs of workers that stopped sending heartbeats (killed, hung)."""
    manager = context.app.job_manager
    for job in await manager.get_stalled_jobs(seconds_since_heartbeat=STALLED_AFTER_SECONDS):
        await manager.retry_job(job)


@app.periodic(cron="17 3 * * *")
@app.task(name="worker.remove_old_jobs", queueing_lock="remove_old_jobs", pass_context=True)
async def remove_old_jobs(context: JobContext, timestamp: int) -> None:
    """Delete succeeded jobs after a week; failed ones stay until someone looks at them."""
    await builtin_tasks.remove_old_jobs(context, max_hours=KEEP_FINISHED_JOBS_HOURS)


@app.periodic(cron="* * * * *")
@app.task(name="analytics.compact_stage_funnel", queueing_lock="compact_stage_funnel")
async def compact_stage_funnel(timestamp: int) -> None:
    """Fold the funnel's running totals, which every stage change adds rows to."""
    await analytics.compact_stage_funnel()
