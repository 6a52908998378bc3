"""Incoming HubSpot webhooks, request side: store each event once, queue its processing."""

from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from backend.webhooks.repository import HubspotRepository, WebhookEventRepository
from backend.webhooks.schemas import HubSpotEvent
from backend.worker.app import defer
from backend.worker.hubspot_tasks import process_hubspot_events


async def receive_hubspot(
    session: AsyncSession, events: list[tuple[HubSpotEvent, dict[str, Any]]]
) -> None:
    """Store the events not seen before and, in the same transaction, queue their processing.

    Events of portals no workspace connected are stored as ignored: answering 2xx stops
    HubSpot retrying them, and the row shows they came.
    """
    integrations = await HubspotRepository(session).integrations_by_portal(
        {event.portal_id for event, _ in events}
    )
    rows = []
    for event, raw in events:
        integration = integrations.get(event.portal_id)
        rows.append(
            {
                "source": "hubspot",
                "dedupe_key": event.dedupe_key(),
                "workspace_id": integration.workspace_id if integration else None,
                "integration_id": integration.id if integration else None,
                "status": "received" if integration else "ignored",
                "error": None if integration else f"no workspace connects portal {event.portal_id}",
                "payload": raw,
                "occurred_at": event.occurred_at,
            }
        )
    # One row per event even when a batch repeats one: the insert must not see it twice.
    unique = list({row["dedupe_key"]: row for row in rows}.values())
    for workspace_id in await WebhookEventRepository(session).add_new(unique):
        # The lock runs a workspace's jobs one at a time, so its events apply in order.
        await defer(
            session,
            process_hubspot_events,
            lock=f"hubspot_events:{workspace_id}",
            workspace_id=str(workspace_id),
        )
