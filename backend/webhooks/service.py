"""Incoming HubSpot webhooks, request side: store each event once, queue its processing."""

from sqlalchemy.ext.asyncio import AsyncSession

from backend.webhooks.repository import WebhookEventRepository
from backend.webhooks.schemas import HubSpotBatch
from backend.worker.app import defer
from backend.worker.hubspot_tasks import process_hubspot_events

# A workspace's processing jobs share this lock (+ its id): they run one at a time, so its
# events apply in order.
PROCESSING_LOCK = "hubspot_events:"


async def receive_hubspot(session: AsyncSession, batch: HubSpotBatch) -> None:
    """Store the events not seen before and, in the same transaction, queue their processing.

    Events of portals no workspace connected are stored as ignored: answering 2xx stops
    HubSpot retrying them, and the row shows they came. A workspace whose processing job is
    queued and not started yet gets no second one: that job will apply these events too
    (the repository holds it until this transaction commits).
    """
    repository = WebhookEventRepository(session)
    for workspace_id in await repository.add_new_hubspot(batch, lock_prefix=PROCESSING_LOCK):
        await defer(
            session,
            process_hubspot_events,
            lock=PROCESSING_LOCK + str(workspace_id),
            workspace_id=str(workspace_id),
        )
