"""One Notion page applied here: a row of the deals database becomes a deal, a row of the
meeting-notes database a meeting on the related deal's timeline; a trashed page archives.

Shared by the webhook processing and the full sync. Every change is recorded as coming from
Notion (stage and close-date history, and a "synced from Notion" timeline entry).
"""

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, time
from decimal import Decimal
from typing import Any

from pydantic import ValidationError
from sqlalchemy.ext.asyncio import AsyncSession

from backend.activities.repository import ActivityRepository
from backend.activities.service import publish_activity, record_system
from backend.deals import service as deals
from backend.deals.repository import DealRepository
from backend.deals.schemas import DealUpsert
from backend.events.publisher import publish
from backend.models import Activity, ActivityType, ChangeSource, Deal, DealSource, SystemEvent
from backend.notion import values
from backend.notion.client import NotionClient, NotionNotFound
from backend.notion.mapping import NotionConfig, normalize_id
from backend.notion.repository import NotionRepository
from backend.pipelines.repository import StageRepository
from kit.errors import AppError

JSON = dict[str, Any]
UNTITLED = "Untitled"
_TRACKED = ("title", "amount", "stage_id", "expected_close_date")


class PageFailed(Exception):
    """The page cannot be applied as it is (an invalid value); the reason is kept."""


@dataclass(frozen=True)
class Target:
    """Where pages go: the workspace, its mapping, and the API to fetch related pages."""

    workspace_id: uuid.UUID
    config: NotionConfig
    notion: NotionClient


@dataclass(frozen=True)
class Applied:
    outcome: str  # "deal", "note", "archived" or "ignored"
    note: str | None = None


async def apply(
    session: AsyncSession, target: Target, page: JSON, *, event_at: datetime | None = None
) -> Applied:
    """Apply the page's current state; `event_at` is the webhook event that asked for it."""
    page_id = normalize_id(str(page.get("id")))
    if page_id is None:
        raise PageFailed("the page has no id")
    edited = values.timestamp(page.get("last_edited_time"))
    state = await NotionRepository(session).page_state(target.workspace_id, page_id)
    if state and edited and state.last_edited_at and edited < state.last_edited_at:
        return Applied("ignored", "a newer version of the page is already applied")
    when = event_at or edited or datetime.now(UTC)
    if values.is_trashed(page):
        return await remove(session, target, page_id, when=when, event_at=event_at)
    database = values.parent_database_id(page)
    if database == target.config.deals_database_id:
        _, note = await upsert_deal(session, target, page, page_id, when=when)
        await _save(session, target, page_id, "deal", event_at, edited)
        return Applied("deal", note)
    if database is not None and database == target.config.notes_database_id:
        await upsert_note(session, target, page, page_id)
        await _save(session, target, page_id, "note", event_at, edited)
        return Applied("note")
    if state is not None:  # moved out of the synced databases
        return await remove(session, target, page_id, when=when, event_at=event_at)
    return Applied("ignored", "the page is not in a synced database")


async def remove(
    session: AsyncSession,
    target: Target,
    page_id: str,
    *,
    when: datetime,
    event_at: datetime | None,
) -> Applied:
    """The page was trashed, deleted or moved away: archive its deal, drop its note."""
    deal = await DealRepository(session).get_by_external_id(
        target.workspace_id, DealSource.notion, page_id
    )
    if deal is not None:
        if deal.archived_at is None:
            await _set_archived(session, deal, when)
            await _synced(session, deal, "Deleted in Notion (archived here)", page_id, when)
        await _save(session, target, page_id, "deal", event_at, None)
        return Applied("archived")
    activity = await NotionRepository(session).note_activity(target.workspace_id, page_id)
    if activity is not None:
        await ActivityRepository(session).delete(activity)
        await publish_activity(session, activity, "activity.deleted")
        await _save(session, target, page_id, "note", event_at, None)
        return Applied("archived")
    return Applied("ignored", "the page was never synced")


async def upsert_deal(
    session: AsyncSession, target: Target, page: JSON, page_id: str, *, when: datetime
) -> tuple[Deal, str | None]:
    """Create or update the page's deal; the note says what could not be applied."""
    fields, note = await _deal_fields(session, target, page)
    existing = await DealRepository(session).get_by_external_id(
        target.workspace_id, DealSource.notion, page_id
    )
    before = {name: getattr(existing, name) for name in _TRACKED} if existing else None
    try:
        deal, created = await deals.upsert_by_external_id(
            session,
            workspace_id=target.workspace_id,
            source=DealSource.notion,
            external_id=page_id,
            fields=fields,
            actor_id=None,
            change_source=ChangeSource.notion,
            occurred_at=when,
        )
    except AppError as exc:
        raise PageFailed(exc.message) from exc
    if deal.archived_at is not None:
        await _set_archived(session, deal, None)
        await _synced(session, deal, "Restored in Notion", page_id, when)
    if created:
        await _synced(session, deal, "Created from Notion", page_id, when, url=page.get("url"))
    elif before is not None:
        changed = [name for name in _TRACKED if getattr(deal, name) != before[name]]
        if changed:
            subject = f"Updated from Notion: {', '.join(changed)}"
            await _synced(session, deal, subject, page_id, when, fields=changed)
    return deal, note


async def upsert_note(session: AsyncSession, target: Target, page: JSON, page_id: str) -> Activity:
    """The meeting note as a meeting on its deal's timeline (the deal fetched if not synced)."""
    props = target.config.note
    subject = (values.title(values.value_of(page, props.get("title"))) or UNTITLED)[:300]
    day = values.day(values.value_of(page, props.get("date")))
    now = datetime.now(UTC)
    occurred = (
        datetime.combine(day, time(), UTC)
        if day
        else values.timestamp(page.get("created_time")) or now
    )
    related = values.relation_ids(values.value_of(page, props.get("deal")))
    deal = await _related_deal(session, target, related[0]) if related else None
    activity = await NotionRepository(session).note_activity(target.workspace_id, page_id)
    fields: dict[str, Any] = {
        "deal_id": deal.id if deal else None,
        "subject": subject,
        "occurred_at": occurred,
        "completed_at": occurred if occurred <= now else None,
        "scheduled_at": None if occurred <= now else occurred,
        "details": {"notion_page_id": page_id, "notion_url": page.get("url")},
    }
    if activity is None:
        activity = Activity(
            workspace_id=target.workspace_id,
            type=ActivityType.meeting,
            source=DealSource.notion,
            external_id=page_id,
            **fields,
        )
        await ActivityRepository(session).add(activity)
        await publish_activity(session, activity, "activity.created")
    elif any(getattr(activity, name) != value for name, value in fields.items()):
        for name, value in fields.items():
            setattr(activity, name, value)
        await session.flush()
        await publish_activity(session, activity, "activity.updated")
    if activity.deal_id is not None and activity.completed_at is not None:
        last = await ActivityRepository(session).touch_deal(
            target.workspace_id, activity.deal_id, activity.occurred_at
        )
        await publish(
            session,
            workspace_id=target.workspace_id,
            type="deal.updated",
            data={"id": str(activity.deal_id), "last_activity_at": last},
        )
    return activity


async def _related_deal(session: AsyncSession, target: Target, page_id: str) -> Deal | None:
    """The deal of a related page; fetched from Notion and synced when it is not here yet."""
    deal = await DealRepository(session).get_by_external_id(
        target.workspace_id, DealSource.notion, page_id
    )
    if deal is not None:
        return deal
    try:
        page = await target.notion.page(page_id)
    except NotionNotFound:
        return None
    if values.is_trashed(page) or values.parent_database_id(page) != (
        target.config.deals_database_id
    ):
        return None
    edited = values.timestamp(page.get("last_edited_time"))
    deal, _ = await upsert_deal(session, target, page, page_id, when=edited or datetime.now(UTC))
    await _save(session, target, page_id, "deal", None, edited)
    return deal


async def _deal_fields(
    session: AsyncSession, target: Target, page: JSON
) -> tuple[DealUpsert, str | None]:
    props = target.config.deal
    raw: dict[str, Any] = {
        "title": values.title(values.value_of(page, props.get("title")))[:300] or UNTITLED
    }
    created = values.timestamp(page.get("created_time"))
    if created is not None:
        raw["created_at"] = created  # used only when the deal is created
    if props.get("amount") is not None:
        raw["amount"] = values.number(values.value_of(page, props["amount"])) or Decimal("0")
    if props.get("close_date") is not None:
        raw["expected_close_date"] = values.day(values.value_of(page, props["close_date"]))
    note = None
    if props.get("stage") is not None:
        chosen = values.option(values.value_of(page, props["stage"]))
        if chosen is not None:
            stage_id = await _stage_for(session, target, chosen)
            if stage_id is None:
                note = f"stage option '{chosen}' matches no stage; the stage was left as it was"
            else:
                raw["stage_id"] = stage_id
    try:
        return DealUpsert.model_validate(raw), note
    except ValidationError as exc:
        problems = "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors())
        raise PageFailed(f"invalid value from Notion: {problems}") from exc


async def _stage_for(session: AsyncSession, target: Target, option: str) -> uuid.UUID | None:
    """The stage the option was mapped to on connect, else our stage of the same name."""
    mapped = target.config.stage_options.get(option.lower())
    if mapped is not None:
        return mapped
    stages = await StageRepository(session).list(target.workspace_id)
    return next((s.id for s in stages if s.name.lower() == option.strip().lower()), None)


async def _save(
    session: AsyncSession,
    target: Target,
    page_id: str,
    kind: str,
    event_at: datetime | None,
    edited: datetime | None,
) -> None:
    await NotionRepository(session).save_page_state(
        target.workspace_id, page_id, kind=kind, event_at=event_at, edited_at=edited
    )


async def _set_archived(session: AsyncSession, deal: Deal, when: datetime | None) -> None:
    deal.archived_at = when
    await session.flush()
    await publish(
        session,
        workspace_id=deal.workspace_id,
        type="deal.updated",
        data={"id": str(deal.id), "fields": ["archived_at"]},
    )


async def _synced(
    session: AsyncSession, deal: Deal, subject: str, page_id: str, when: datetime, **details: Any
) -> None:
    await record_system(
        session,
        workspace_id=deal.workspace_id,
        deal_id=deal.id,
        event=SystemEvent.synced_from_notion,
        subject=subject,
        details={"notion_page_id": page_id, **details},
        source=DealSource.notion,
        occurred_at=when,
    )
