"""A deal's stage and close-date changes: history rows, the counters kept beside them, timeline."""

import uuid
from datetime import date, datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from backend.activities.service import record_system
from backend.auth.deps import WorkspaceContext
from backend.deals.repository import HistoryRepository
from backend.deals.schemas import DealHistory, is_push
from backend.models import (
    ChangeSource,
    Deal,
    DealCloseDateChange,
    DealSource,
    DealStageChange,
    PipelineStage,
    StageKind,
    SystemEvent,
)

_TIMELINE_SOURCE = {
    ChangeSource.hubspot: DealSource.hubspot,
    ChangeSource.notion: DealSource.notion,
    ChangeSource.import_: DealSource.import_,
}


def days_in_stage(entered_at: datetime, when: datetime) -> float:
    return round((when - entered_at).total_seconds() / 86400, 2)


def closed_at_after_move(
    old: PipelineStage, new: PipelineStage, closed_at: datetime | None, when: datetime
) -> datetime | None:
    """An open stage reopens the deal; closing keeps the first close time between closed stages."""
    if new.kind == StageKind.open:
        return None
    if old.kind == StageKind.open or closed_at is None:
        return when
    return closed_at


def stage_moved_entry(
    old: PipelineStage, new: PipelineStage, days: float
) -> tuple[str, dict[str, Any]]:
    """The timeline subject and details of a stage change."""
    return f"Moved from {old.name} to {new.name}", {
        "from_stage_id": str(old.id),
        "from_stage": old.name,
        "to_stage_id": str(new.id),
        "to_stage": new.name,
        "days_in_previous_stage": days,
    }


def close_date_moved_entry(old: date | None, new: date | None) -> tuple[str, dict[str, Any]]:
    """The timeline subject and details of a close-date change."""
    if old and new:
        subject = f"Close date moved from {old.isoformat()} to {new.isoformat()}"
    elif new:
        subject = f"Close date set to {new.isoformat()}"
    else:
        subject = "Close date cleared"
    return subject, {
        "from": old.isoformat() if old else None,
        "to": new.isoformat() if new else None,
        "pushed": is_push(old, new),
    }


def change_source_of(ctx: WorkspaceContext) -> ChangeSource:
    """API-key callers change deals as `api`, signed-in people as `user`."""
    return ChangeSource.api if ctx.api_key_id is not None else ChangeSource.user


async def record_creation(
    session: AsyncSession,
    deal: Deal,
    stage: PipelineStage,
    *,
    actor_id: uuid.UUID | None,
    source: ChangeSource,
    when: datetime,
) -> None:
    """The initial stage entry (from nothing), the first close date, and a timeline entry."""
    history = HistoryRepository(session)
    await history.add(_stage_change(deal, None, stage.id, actor_id, source, when))
    if deal.expected_close_date is not None:
        await history.add(
            _close_date_change(deal, None, deal.expected_close_date, actor_id, source, when)
        )
    await _timeline(
        session,
        deal,
        SystemEvent.deal_created,
        f"Deal created in {stage.name}",
        {"stage_id": str(stage.id), "stage": stage.name},
        actor_id,
        source,
        when,
    )


async def move_stage(
    session: AsyncSession,
    deal: Deal,
    *,
    old: PipelineStage,
    new: PipelineStage,
    actor_id: uuid.UUID | None,
    source: ChangeSource,
    when: datetime,
) -> None:
    """Put the deal in `new`, opening or closing it as the stage's kind says."""
    subject, details = stage_moved_entry(old, new, days_in_stage(deal.stage_entered_at, when))
    deal.stage_id = new.id
    deal.stage_entered_at = when
    deal.closed_at = closed_at_after_move(old, new, deal.closed_at, when)
    if new.kind != StageKind.lost:
        deal.lost_reason = None
    await HistoryRepository(session).add(
        _stage_change(deal, old.id, new.id, actor_id, source, when)
    )
    await _timeline(
        session, deal, SystemEvent.stage_changed, subject, details, actor_id, source, when
    )


async def move_close_date(
    session: AsyncSession,
    deal: Deal,
    new: date | None,
    *,
    actor_id: uuid.UUID | None,
    source: ChangeSource,
    when: datetime,
) -> None:
    """Change the expected close date; a later date than before counts as a push."""
    old = deal.expected_close_date
    if old == new:
        return
    deal.expected_close_date = new
    if is_push(old, new):
        deal.close_date_push_count += 1
    await HistoryRepository(session).add(_close_date_change(deal, old, new, actor_id, source, when))
    subject, details = close_date_moved_entry(old, new)
    await _timeline(
        session, deal, SystemEvent.close_date_moved, subject, details, actor_id, source, when
    )


async def read(session: AsyncSession, workspace_id: uuid.UUID, deal_id: uuid.UUID) -> DealHistory:
    history = HistoryRepository(session)
    return DealHistory(
        stage_changes=await history.stage_changes(workspace_id, deal_id),
        close_date_changes=await history.close_date_changes(workspace_id, deal_id),
    )


def _stage_change(
    deal: Deal,
    from_stage_id: uuid.UUID | None,
    to_stage_id: uuid.UUID,
    actor_id: uuid.UUID | None,
    source: ChangeSource,
    when: datetime,
) -> DealStageChange:
    return DealStageChange(
        workspace_id=deal.workspace_id,
        deal_id=deal.id,
        from_stage_id=from_stage_id,
        to_stage_id=to_stage_id,
        changed_at=when,
        changed_by_id=actor_id,
        source=source,
    )


def _close_date_change(
    deal: Deal,
    old: date | None,
    new: date | None,
    actor_id: uuid.UUID | None,
    source: ChangeSource,
    when: datetime,
) -> DealCloseDateChange:
    return DealCloseDateChange(
        workspace_id=deal.workspace_id,
        deal_id=deal.id,
        from_date=old,
        to_date=new,
        changed_at=when,
        changed_by_id=actor_id,
        source=source,
    )


async def _timeline(
    session: AsyncSession,
    deal: Deal,
    event: SystemEvent,
    subject: str,
    details: dict[str, object],
    actor_id: uuid.UUID | None,
    source: ChangeSource,
    when: datetime,
) -> None:
    await record_system(
        session,
        workspace_id=deal.workspace_id,
        deal_id=deal.id,
        event=event,
        subject=subject,
        details={**details, "change_source": source.value},
        actor_id=actor_id,
        source=_TIMELINE_SOURCE.get(source, DealSource.manual),
        occurred_at=when,
    )
