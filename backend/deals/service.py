"""Deals: validation against the workspace, history on every stage and close-date change."""

import uuid
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from backend.auth.deps import WorkspaceContext
from backend.deals import history, validation
from backend.deals.repository import DealRepository
from backend.deals.schemas import (
    DealCreate,
    DealFilters,
    DealHistory,
    DealRead,
    DealUpdate,
    DealUpsert,
)
from backend.events.publisher import publish
from backend.models import ChangeSource, Deal, DealSource, PipelineStage, StageKind
from backend.pipelines.repository import StageRepository
from kit.errors import NotFound
from kit.schemas import Page

# Columns that can never be empty: a null for them from an import or sync means "leave as is".
_REQUIRED = ("title", "amount", "currency", "stage_id", "source")
_DEFAULTS: dict[str, Any] = {"amount": Decimal("0.00"), "currency": "USD"}


async def create(session: AsyncSession, ctx: WorkspaceContext, body: DealCreate) -> DealRead:
    values = body.model_dump(exclude={"source", "external_id"})
    if "owner_id" not in body.model_fields_set:
        values["owner_id"] = ctx.user_id
    deal, stage = await _insert(
        session,
        ctx.workspace_id,
        values,
        source=body.source,
        external_id=body.external_id,
        actor_id=ctx.user_id,
        change_source=history.change_source_of(ctx),
        when=_now(),
    )
    return _read(deal, stage)


async def get(session: AsyncSession, ctx: WorkspaceContext, deal_id: uuid.UUID) -> DealRead:
    found = await DealRepository(session).get_with_stage(ctx.workspace_id, deal_id)
    if found is None:
        raise NotFound("Deal not found.")
    return _read(*found)


async def list_deals(
    session: AsyncSession, ctx: WorkspaceContext, filters: DealFilters
) -> Page[DealRead]:
    rows, total, next_cursor = await DealRepository(session).page(ctx.workspace_id, filters)
    return Page(items=[_read(d, s) for d, s in rows], total=total, next_cursor=next_cursor)


async def update(
    session: AsyncSession, ctx: WorkspaceContext, deal_id: uuid.UUID, body: DealUpdate
) -> DealRead:
    deal = await _existing(session, ctx.workspace_id, deal_id)
    stage = await _apply(
        session,
        deal,
        body.model_dump(exclude_unset=True),
        actor_id=ctx.user_id,
        change_source=history.change_source_of(ctx),
        when=_now(),
    )
    return _read(deal, stage)


async def delete(session: AsyncSession, ctx: WorkspaceContext, deal_id: uuid.UUID) -> None:
    repository = DealRepository(session)
    deal = await _existing(session, ctx.workspace_id, deal_id)
    await repository.delete(deal)
    await publish(
        session, workspace_id=ctx.workspace_id, type="deal.deleted", data={"id": str(deal_id)}
    )


async def read_history(
    session: AsyncSession, ctx: WorkspaceContext, deal_id: uuid.UUID
) -> DealHistory:
    await _existing(session, ctx.workspace_id, deal_id, lock=False)
    return await history.read(session, ctx.workspace_id, deal_id)


async def upsert_by_external_id(
    session: AsyncSession,
    *,
    workspace_id: uuid.UUID,
    source: DealSource,
    external_id: str,
    fields: DealUpsert,
    actor_id: uuid.UUID | None,
    change_source: ChangeSource,
    occurred_at: datetime | None = None,
) -> tuple[Deal, bool]:
    """Create or update the deal with this (source, external id); True when it was created."""
    when = occurred_at or _now()
    values = fields.model_dump(exclude_unset=True)
    created_at = values.pop("created_at", None)
    deal = await DealRepository(session).get_by_external_id(workspace_id, source, external_id)
    if deal is None:
        deal, _ = await _insert(
            session,
            workspace_id,
            values,
            source=source,
            external_id=external_id,
            actor_id=actor_id,
            change_source=change_source,
            when=created_at or when,
        )
        return deal, True
    await _apply(session, deal, values, actor_id=actor_id, change_source=change_source, when=when)
    return deal, False


async def move_all_to_stage(
    session: AsyncSession,
    *,
    workspace_id: uuid.UUID,
    source: PipelineStage,
    target: PipelineStage,
    actor_id: uuid.UUID | None,
) -> int:
    """Move every deal of `source` to `target` (a stage being removed), recorded as system."""
    deals = await DealRepository(session).list_in_stage(workspace_id, source.id)
    when = _now()
    for deal in deals:
        await history.move_stage(
            session,
            deal,
            old=source,
            new=target,
            actor_id=actor_id,
            source=ChangeSource.system,
            when=when,
        )
        await _published_update(session, deal, ["stage_id"])
    await session.flush()
    return len(deals)


async def sync_closed_at_with_stage(
    session: AsyncSession, *, workspace_id: uuid.UUID, stage: PipelineStage
) -> None:
    """After a stage changed kind, open or close the deals in it to match."""
    when = _now()
    for deal in await DealRepository(session).list_in_stage(workspace_id, stage.id):
        closed_at = None if stage.kind == StageKind.open else (deal.closed_at or when)
        if closed_at != deal.closed_at:
            deal.closed_at = closed_at
            await _published_update(session, deal, ["closed_at"])
    await session.flush()


async def _insert(
    session: AsyncSession,
    workspace_id: uuid.UUID,
    values: dict[str, Any],
    *,
    source: DealSource,
    external_id: str | None,
    actor_id: uuid.UUID | None,
    change_source: ChangeSource,
    when: datetime,
) -> tuple[Deal, PipelineStage]:
    values = {k: v for k, v in values.items() if v is not None or k not in _REQUIRED}
    stage = await validation.resolve_stage(session, workspace_id, values.pop("stage_id", None))
    await validation.ensure_owner_is_member(session, workspace_id, values.get("owner_id"))
    if external_id is not None:
        await validation.ensure_external_id_free(session, workspace_id, source, external_id, None)
    closed_at = values.pop("closed_at", None)
    deal = Deal(
        **{**_DEFAULTS, **values},
        workspace_id=workspace_id,
        source=source,
        external_id=external_id,
        stage_id=stage.id,
        stage_entered_at=when,
        closed_at=None if stage.kind == StageKind.open else (closed_at or when),
        close_date_push_count=0,
        created_at=when,
        updated_at=when,
    )
    await DealRepository(session).add(deal)
    await history.record_creation(
        session, deal, stage, actor_id=actor_id, source=change_source, when=when
    )
    await publish(
        session,
        workspace_id=workspace_id,
        type="deal.created",
        data={"id": str(deal.id), "title": deal.title, "stage_id": str(stage.id)},
    )
    return deal, stage


async def _apply(
    session: AsyncSession,
    deal: Deal,
    changes: dict[str, Any],
    *,
    actor_id: uuid.UUID | None,
    change_source: ChangeSource,
    when: datetime,
) -> PipelineStage:
    """Validate, then apply a partial change; returns the deal's (possibly new) stage."""
    changes = {k: v for k, v in changes.items() if v is not None or k not in _REQUIRED}
    stages = StageRepository(session)
    stage = await stages.get(deal.workspace_id, deal.stage_id)
    assert stage is not None
    new_stage = None
    if changes.get("stage_id", deal.stage_id) != deal.stage_id:
        new_stage = await validation.resolve_stage(session, deal.workspace_id, changes["stage_id"])
    if changes.get("owner_id") not in (None, deal.owner_id):
        await validation.ensure_owner_is_member(session, deal.workspace_id, changes["owner_id"])
    source = changes.get("source", deal.source)
    external_id = changes.get("external_id", deal.external_id)
    if external_id is not None and (source, external_id) != (deal.source, deal.external_id):
        await validation.ensure_external_id_free(
            session, deal.workspace_id, source, external_id, deal.id
        )

    changed: list[str] = []
    if new_stage is not None:
        await history.move_stage(
            session,
            deal,
            old=stage,
            new=new_stage,
            actor_id=actor_id,
            source=change_source,
            when=when,
        )
        stage = new_stage
        changed.append("stage_id")
    if "expected_close_date" in changes and (
        changes["expected_close_date"] != deal.expected_close_date
    ):
        await history.move_close_date(
            session,
            deal,
            changes["expected_close_date"],
            actor_id=actor_id,
            source=change_source,
            when=when,
        )
        changed.append("expected_close_date")
    closed_at = changes.pop("closed_at", None)
    if closed_at is not None and stage.kind != StageKind.open and closed_at != deal.closed_at:
        deal.closed_at = closed_at
        changed.append("closed_at")
    for field, value in changes.items():
        if field in ("stage_id", "expected_close_date") or getattr(deal, field) == value:
            continue
        setattr(deal, field, value)
        changed.append(field)
    if changed:
        await session.flush()
        await _published_update(session, deal, changed)
    return stage


async def _published_update(session: AsyncSession, deal: Deal, fields: list[str]) -> None:
    await publish(
        session,
        workspace_id=deal.workspace_id,
        type="deal.updated",
        data={"id": str(deal.id), "fields": fields},
    )


async def _existing(
    session: AsyncSession, workspace_id: uuid.UUID, deal_id: uuid.UUID, *, lock: bool = True
) -> Deal:
    deal = await DealRepository(session).get(workspace_id, deal_id, for_update=lock)
    if deal is None:
        raise NotFound("Deal not found.")
    return deal


def _read(deal: Deal, stage: PipelineStage) -> DealRead:
    probability = (
        deal.probability_override if deal.probability_override is not None else stage.probability
    )
    return DealRead.model_validate(
        {
            **{field: getattr(deal, field) for field in _DEAL_COLUMNS},
            "stage_name": stage.name,
            "stage_kind": stage.kind,
            "probability": probability,
            "is_rotting": _is_rotting(deal, stage),
        }
    )


_DEAL_COLUMNS = [f for f in DealRead.model_fields if f in Deal.__table__.c]


def _is_rotting(deal: Deal, stage: PipelineStage) -> bool:
    """Open and idle (no stage move, no activity) for longer than the stage allows."""
    if stage.kind != StageKind.open or stage.rotting_days is None:
        return False
    last_touch = max(deal.stage_entered_at, deal.last_activity_at or deal.stage_entered_at)
    return _now() - last_touch > timedelta(days=stage.rotting_days)


def _now() -> datetime:
    return datetime.now(UTC)
