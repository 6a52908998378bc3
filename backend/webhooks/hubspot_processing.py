"""The processing job: a workspace's stored HubSpot events, oldest first, applied to its deals.

Idempotent and order-tolerant: each event is handled once (its row's status), and every
property keeps the `occurredAt` of the change it holds (`hubspot_property_version`), so a
late, older event never overwrites a newer value. Deletion and restore share one version,
so whichever happened last wins. A deal first heard of through a change starts as
"HubSpot deal <id>", the changes fill it in, and an incremental sync is queued to fetch
the rest of it from HubSpot's API.

Events go a batch per transaction: the batch's deals, versions and stages are read (and
locked) once, each event is applied to them in memory in order (`DealBatch`), and the
result is written a statement per table. Either the whole batch commits, statuses
included, or none of it does and its events stay pending.
"""

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import structlog
from sqlalchemy.ext.asyncio import AsyncSession

from backend.db import session_factory
from backend.models import Integration, SystemEvent
from backend.webhooks import hubspot_values as values
from backend.webhooks.deal_batch import DealBatch, DealState
from backend.webhooks.hubspot_values import EventFailed, EventIgnored
from backend.webhooks.repository import (
    DealBatchRepository,
    HubspotRepository,
    WebhookEventRepository,
)
from kit.errors import AppError

log = structlog.get_logger(__name__)

ARCHIVED = "archived"  # the pseudo-property deletion, restore and merge version
# Events applied per transaction: the statements per batch are a fixed dozen or so, so a
# large batch makes them cheap per event, while the locks stay held well under a second.
BATCH_SIZE = 500


class ConcurrentVersion(Exception):
    """Another writer stored a newer property version meanwhile: the batch is retried."""


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
        return _number(self.payload.get("objectId") or self.payload.get("fromObjectId") or 0)

    @property
    def primary_id(self) -> int:
        return _number(self.payload.get("primaryObjectId") or self.object_id)

    @property
    def merged_ids(self) -> list[int]:
        return [_number(i) for i in self.payload.get("mergedObjectIds") or []]

    def object_ids(self) -> list[int]:
        """Every HubSpot deal the event may touch (a merge names several)."""
        if self.type not in _HANDLERS:
            return []
        try:
            if self.type == "deal.merge":
                return [self.object_id, self.primary_id, *self.merged_ids]
            return [self.object_id]
        except EventFailed:
            return []  # its handler meets the same value: the event fails, alone


@dataclass
class _Context:
    session: AsyncSession
    batch: DealBatch
    integration: Integration | None


async def run(*, workspace_id: uuid.UUID) -> int:
    """Handle every pending event of the workspace, oldest first, a batch per transaction.

    Each event is applied as if in its own savepoint, so a refused one does not undo the
    others; a crash loses at most the uncommitted batch, whose events are then still pending.
    """
    handled = 0
    while True:
        async with session_factory()() as session:
            rows = await WebhookEventRepository(session).next_pending(
                workspace_id, limit=BATCH_SIZE
            )
            if not rows:
                return handled
            events = [Event(workspace_id, r.id, r.payload, r.occurred_at) for r in rows]
            await _process(session, workspace_id, events)
            await session.commit()
            handled += len(rows)


async def _process(session: AsyncSession, workspace_id: uuid.UUID, events: list[Event]) -> None:
    context = await _load(session, workspace_id, events)
    batch = context.batch
    results = []
    for event in events:
        status, error = await _handle(context, event)
        results.append({"id": event.row_id, "status": status, "error": error})
    await batch.write(DealBatchRepository(session, workspace_id))
    claimed = batch.claimed_versions()
    if claimed:
        stored = await HubspotRepository(session).claim_versions(workspace_id, claimed)
        if stored != len(claimed):
            raise ConcurrentVersion(f"{len(claimed) - stored} versions changed meanwhile")
    if batch.fetch:
        await _fetch_soon(session, context.integration)
    await WebhookEventRepository(session).finish_many(results, at=datetime.now(UTC))


async def _load(session: AsyncSession, workspace_id: uuid.UUID, events: list[Event]) -> _Context:
    """The batch's deals and their versions (locked, in that order, as the sync locks them)."""
    repository = HubspotRepository(session)
    object_ids = sorted({i for event in events for i in event.object_ids()})
    deals = await repository.deals_locked(workspace_id, object_ids)
    versions = await repository.versions_locked(workspace_id, object_ids)
    owners = any(e.payload.get("propertyName") == "hubspot_owner_id" for e in events)
    batch = DealBatch(
        workspace_id,
        now=datetime.now(UTC),
        deals=deals,
        versions=versions,
        stages=await repository.stages(workspace_id),
        member_ids=await repository.member_ids(workspace_id) if owners else set(),
    )
    return _Context(session, batch, await repository.integration(workspace_id))


async def _handle(context: _Context, event: Event) -> tuple[str, str | None]:
    """Apply the event; a refusal undoes what it did and is recorded on the event."""
    handler = _HANDLERS.get(event.type)
    if handler is None:
        return "ignored", f"{event.type} events are not handled"
    context.batch.begin()
    try:
        await handler(context, event)
    except EventIgnored as exc:
        context.batch.rollback()
        return "ignored", str(exc)
    except (EventFailed, AppError) as exc:
        context.batch.rollback()
        log.warning("hubspot_event_failed", event_id=str(event.row_id), error=str(exc))
        return "failed", str(exc)
    return "processed", None


async def _creation(context: _Context, event: Event) -> None:
    deal, created = _deal(context.batch, event, {})
    if created:
        _synced(context.batch, event, deal, f"Created from HubSpot deal {event.object_id}")


async def _property_change(context: _Context, event: Event) -> None:
    batch = context.batch
    name = str(event.payload.get("propertyName") or "")
    changes = _fields(context, name, event.payload)
    if not batch.claim(event.object_id, name, event.occurred_at):
        raise EventIgnored(f"a newer change of {name} is already applied")
    deal, created = _deal(batch, event, changes)
    if not created:
        batch.apply(deal, values.partial(changes), when=event.occurred_at)
    shown = event.payload.get("propertyValue")
    _synced(batch, event, deal, f"{name} set to {shown!r} in HubSpot", property=name)


async def _deletion(context: _Context, event: Event) -> None:
    batch = context.batch
    if not batch.claim(event.object_id, ARCHIVED, event.occurred_at):
        raise EventIgnored("the deal was restored after this deletion")
    deal = batch.existing(event.object_id)
    if deal is None:
        raise EventIgnored("deal never synced")
    batch.archive(deal, event.occurred_at)
    _synced(batch, event, deal, "Deleted in HubSpot (archived here)")


async def _restore(context: _Context, event: Event) -> None:
    batch = context.batch
    if not batch.claim(event.object_id, ARCHIVED, event.occurred_at):
        raise EventIgnored("the deal was deleted after this restore")
    deal, _ = _deal(batch, event, {})
    batch.archive(deal, None)
    _synced(batch, event, deal, "Restored in HubSpot")


async def _merge(context: _Context, event: Event) -> None:
    batch = context.batch
    primary = event.primary_id
    merged = [i for i in event.merged_ids if i != primary]
    survivor, _ = _deal(batch, _with_object(event, primary), {})
    for object_id in merged:
        if not batch.claim(object_id, ARCHIVED, event.occurred_at):
            continue
        loser = batch.existing(object_id)
        if loser is not None:
            batch.archive(loser, event.occurred_at)
            _synced(batch, event, loser, f"Merged into HubSpot deal {primary}")
    _synced(batch, event, survivor, f"HubSpot deals {merged} merged into this deal")


async def _association_change(context: _Context, event: Event) -> None:
    kind = event.payload.get("associationType")
    if kind != "DEAL_TO_CONTACT":
        raise EventIgnored(f"{kind} associations are not handled")
    # Who the contact is comes from HubSpot's API (the backfill); the link is recorded now.
    contact = event.payload.get("toObjectId")
    removed = bool(event.payload.get("associationRemoved"))
    deal, _ = _deal(context.batch, event, {})
    subject = f"HubSpot contact {contact} {'removed from' if removed else 'added to'} the deal"
    _synced(context.batch, event, deal, subject, contact_id=contact, removed=removed)


def _fields(context: _Context, name: str, payload: dict[str, Any]) -> dict[str, Any]:
    """Our deal fields for the change; stage and owner resolved from what the batch loaded."""
    return values.deal_fields(
        name,
        payload,
        stage_by_external_id=context.batch.stage_by_external_id,
        integration=context.integration,
    )


def _deal(batch: DealBatch, event: Event, changes: dict[str, Any]) -> tuple[DealState, bool]:
    """The event's deal; created from what the event carries when it is not known yet."""
    deal = batch.existing(event.object_id)
    if deal is not None:
        return deal, False
    fields = values.new_deal(event.object_id, changes)
    return batch.insert(event.object_id, fields, when=event.occurred_at), True


async def _fetch_soon(session: AsyncSession, integration: Integration | None) -> None:
    """Deals first heard of through events: let an incremental sync fetch all of them.

    Only once the workspace has synced (a backfill still under way will bring the deals).
    """
    from backend.hubspot import service as sync_service  # it imports the worker's tasks

    if integration is None or integration.sync_watermark is None:
        return
    if integration.credentials_encrypted is None:
        return
    await sync_service.start_run(session, integration, kind="incremental", trigger="webhook")


def _synced(batch: DealBatch, event: Event, deal: DealState, subject: str, **details: Any) -> None:
    batch.entry(
        deal,
        SystemEvent.synced_from_hubspot,
        subject,
        {
            "subscription_type": event.type,
            "hubspot_object_id": event.object_id,
            "webhook_event_id": str(event.row_id),
            **details,
        },
        event.occurred_at,
    )


def _number(value: Any) -> int:
    try:
        return int(value)
    except (TypeError, ValueError) as exc:
        raise EventFailed(f"{value!r} is not a HubSpot object id") from exc


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
