"""The processing job: a workspace's stored HubSpot events, oldest first, applied to its deals.

Idempotent and order-tolerant: each event is handled once (its row's status), and every
property keeps the `occurredAt` of the change it holds (`hubspot_property_version`), so a
late, older event never overwrites a newer value. Deletion and restore share one version,
so whichever happened last wins. A deal first heard of through a change starts as
"HubSpot deal <id>", the changes fill it in, and an incremental sync is queued to fetch
the rest of it from HubSpot's API.
"""

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import structlog
from sqlalchemy.ext.asyncio import AsyncSession

from backend.activities.service import record_system
from backend.db import session_factory
from backend.deals import service as deals
from backend.deals.repository import DealRepository
from backend.events.publisher import publish
from backend.models import ChangeSource, Deal, DealSource, SystemEvent, WebhookEvent
from backend.webhooks import hubspot_values as values
from backend.webhooks.hubspot_values import EventFailed, EventIgnored
from backend.webhooks.repository import HubspotRepository, WebhookEventRepository
from kit.errors import AppError

log = structlog.get_logger(__name__)

ARCHIVED = "archived"  # the pseudo-property deletion, restore and merge version
# Events applied per transaction: fewer commits, and a short enough lock on the batch.
BATCH_SIZE = 50


@dataclass(frozen=True)
class Event:
    workspace_id: uuid.UUID
    row_id: uuid.UUID
    payload: dict[str, Any]
    occurred_at: datetime

    @property
    def type(self) -> str:
        return str(self.payload.get("subscriptionType") or self.payload.get("eventType"))

    @property
    def object_id(self) -> int:
        return int(self.payload.get("objectId") or self.payload.get("fromObjectId") or 0)


async def run(*, workspace_id: uuid.UUID) -> int:
    """Handle every pending event of the workspace, oldest first, a batch per transaction.

    Each event runs in its own savepoint, so a refused one does not undo the others; a
    crash loses at most the uncommitted batch, whose events are then still pending.
    """
    handled = 0
    while True:
        async with session_factory()() as session:
            events = WebhookEventRepository(session)
            rows = await events.next_pending(workspace_id, limit=BATCH_SIZE)
            if not rows:
                return handled
            for row in rows:
                status, error = await _handle(session, _event(row))
                await events.finish(row.id, status=status, error=error, at=datetime.now(UTC))
            await session.commit()
            handled += len(rows)


async def _handle(session: AsyncSession, event: Event) -> tuple[str, str | None]:
    """Apply the event in a savepoint; a refusal undoes it and is recorded on the event."""
    handler = _HANDLERS.get(event.type)
    if handler is None:
        return "ignored", f"{event.type} events are not handled"
    try:
        async with session.begin_nested():
            await handler(session, event)
    except EventIgnored as exc:
        return "ignored", str(exc)
    except (EventFailed, AppError) as exc:
        log.warning("hubspot_event_failed", event_id=str(event.row_id), error=str(exc))
        return "failed", str(exc)
    return "processed", None


async def _creation(session: AsyncSession, event: Event) -> None:
    deal, created = await _deal(session, event, {})
    if created:
        await _synced(session, event, deal, f"Created from HubSpot deal {event.object_id}")


async def _property_change(session: AsyncSession, event: Event) -> None:
    name = str(event.payload.get("propertyName") or "")
    changes = await values.deal_fields(session, event.workspace_id, name, event.payload)
    if not await _claim(session, event, name):
        raise EventIgnored(f"a newer change of {name} is already applied")
    deal, created = await _deal(session, event, changes)
    if not created:
        await deals.upsert_by_external_id(
            session,
            workspace_id=event.workspace_id,
            source=DealSource.hubspot,
            external_id=str(event.object_id),
            fields=values.partial(changes),
            actor_id=None,
            change_source=ChangeSource.hubspot,
            occurred_at=event.occurred_at,
        )
    shown = event.payload.get("propertyValue")
    await _synced(session, event, deal, f"{name} set to {shown!r} in HubSpot", property=name)


async def _deletion(session: AsyncSession, event: Event) -> None:
    if not await _claim(session, event, ARCHIVED):
        raise EventIgnored("the deal was restored after this deletion")
    deal = await _existing(session, event.workspace_id, event.object_id)
    if deal is None:
        raise EventIgnored("deal never synced")
    await _archive(session, deal, event.occurred_at)
    await _synced(session, event, deal, "Deleted in HubSpot (archived here)")


async def _restore(session: AsyncSession, event: Event) -> None:
    if not await _claim(session, event, ARCHIVED):
        raise EventIgnored("the deal was deleted after this restore")
    deal, _ = await _deal(session, event, {})
    await _archive(session, deal, None)
    await _synced(session, event, deal, "Restored in HubSpot")


async def _merge(session: AsyncSession, event: Event) -> None:
    primary = int(event.payload.get("primaryObjectId") or event.object_id)
    merged = [int(i) for i in event.payload.get("mergedObjectIds") or [] if int(i) != primary]
    survivor, _ = await _deal(session, _with_object(event, primary), {})
    for object_id in merged:
        if not await _claim(session, _with_object(event, object_id), ARCHIVED):
            continue
        loser = await _existing(session, event.workspace_id, object_id)
        if loser is not None:
            await _archive(session, loser, event.occurred_at)
            await _synced(session, event, loser, f"Merged into HubSpot deal {primary}")
    await _synced(session, event, survivor, f"HubSpot deals {merged} merged into this deal")


async def _association_change(session: AsyncSession, event: Event) -> None:
    kind = event.payload.get("associationType")
    if kind != "DEAL_TO_CONTACT":
        raise EventIgnored(f"{kind} associations are not handled")
    # Who the contact is comes from HubSpot's API (the backfill); the link is recorded now.
    contact = event.payload.get("toObjectId")
    removed = bool(event.payload.get("associationRemoved"))
    deal, _ = await _deal(session, event, {})
    subject = f"HubSpot contact {contact} {'removed from' if removed else 'added to'} the deal"
    await _synced(session, event, deal, subject, contact_id=contact, removed=removed)


async def _deal(session: AsyncSession, event: Event, changes: dict[str, Any]) -> tuple[Deal, bool]:
    """The event's deal; created from what the event carries when it is not known yet."""
    deal = await _existing(session, event.workspace_id, event.object_id)
    if deal is not None:
        return deal, False
    result = await deals.upsert_by_external_id(
        session,
        workspace_id=event.workspace_id,
        source=DealSource.hubspot,
        external_id=str(event.object_id),
        fields=values.new_deal(event.object_id, changes),
        actor_id=None,
        change_source=ChangeSource.hubspot,
        occurred_at=event.occurred_at,
    )
    await _fetch_soon(session, event.workspace_id)
    return result


async def _fetch_soon(session: AsyncSession, workspace_id: uuid.UUID) -> None:
    """A deal first heard of through an event: let an incremental sync fetch all of it.

    Only once the workspace has synced (a backfill still under way will bring the deal).
    """
    from backend.hubspot import service as sync_service  # it imports the worker's tasks

    integration = await HubspotRepository(session).integration(workspace_id)
    if integration is None or integration.sync_watermark is None:
        return
    if integration.credentials_encrypted is None:
        return
    await sync_service.start_run(session, integration, kind="incremental", trigger="webhook")


async def _existing(session: AsyncSession, workspace_id: uuid.UUID, object_id: int) -> Deal | None:
    return await DealRepository(session).get_by_external_id(
        workspace_id, DealSource.hubspot, str(object_id)
    )


async def _claim(session: AsyncSession, event: Event, prop: str) -> bool:
    return await HubspotRepository(session).claim_version(
        event.workspace_id, event.object_id, prop, event.occurred_at
    )


async def _archive(session: AsyncSession, deal: Deal, when: datetime | None) -> None:
    if (deal.archived_at is None) == (when is None):
        return
    deal.archived_at = when
    await session.flush()
    await publish(
        session,
        workspace_id=deal.workspace_id,
        type="deal.updated",
        data={"id": str(deal.id), "fields": ["archived_at"]},
    )


async def _synced(
    session: AsyncSession, event: Event, deal: Deal, subject: str, **details: Any
) -> None:
    await record_system(
        session,
        workspace_id=event.workspace_id,
        deal_id=deal.id,
        event=SystemEvent.synced_from_hubspot,
        subject=subject,
        details={
            "subscription_type": event.type,
            "hubspot_object_id": event.object_id,
            "webhook_event_id": str(event.row_id),
            **details,
        },
        source=DealSource.hubspot,
        occurred_at=event.occurred_at,
    )


def _event(row: WebhookEvent) -> Event:
    assert row.workspace_id is not None
    return Event(row.workspace_id, row.id, row.payload, row.occurred_at)


def _with_object(event: Event, object_id: int) -> Event:
    return Event(
        event.workspace_id,
        event.row_id,
        {**event.payload, "objectId": object_id},
        event.occurred_at,
    )


_HANDLERS = {
    "deal.creation": _creation,
    "deal.propertyChange": _property_change,
    "deal.deletion": _deletion,
    "deal.restore": _restore,
    "deal.merge": _merge,
    "deal.associationChange": _association_change,
}
