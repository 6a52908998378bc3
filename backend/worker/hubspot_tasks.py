"""HubSpot background tasks. Thin: they call the webhook processing."""

import uuid

from procrastinate import RetryStrategy

from backend.webhooks import hubspot_processing
from backend.worker.app import app

# Runs 1 + 5 times, waiting 2, 4, 8, 16 and 32 s between them; events stay stored meanwhile.
HUBSPOT_RETRY = RetryStrategy(max_attempts=5, exponential_wait=2)


@app.task(name="webhooks.process_hubspot_events", retry=HUBSPOT_RETRY)
async def process_hubspot_events(*, workspace_id: str) -> None:
    """Apply the workspace's stored HubSpot events not handled yet, oldest first."""
    await hubspot_processing.run(workspace_id=uuid.UUID(workspace_id))
