"""Insight runs in the background: the run job, and the schedule that queues one per workspace."""

import uuid

from procrastinate import JobContext

from backend.insights import generation_run
from backend.insights.settings import generation_settings
from backend.worker.app import app


@app.task(name="insights.generate")
async def generate_insights(*, workspace_id: str, run_id: str) -> None:
    """Carry out a queued insight run; a failure is recorded on the run, not retried."""
    await generation_run.run(workspace_id=uuid.UUID(workspace_id), run_id=uuid.UUID(run_id))


@app.periodic(cron=generation_settings.schedule_cron)
@app.task(name="insights.schedule_runs", queueing_lock="schedule_insight_runs", pass_context=True)
async def schedule_insight_runs(context: JobContext, timestamp: int) -> None:
    """Queue a run for every workspace with open deals (the daily refresh, by default)."""
    # Imported here: generation imports this module to defer its runs.
    from backend.insights import generation

    await generation.schedule_all()
