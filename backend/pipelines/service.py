"""Pipeline stages: ordered, uniquely named, and never without an open stage to put deals in."""

import uuid
from decimal import Decimal

from sqlalchemy.ext.asyncio import AsyncSession

from backend.auth.deps import WorkspaceContext
from backend.deals import service as deals
from backend.models import PipelineStage, StageKind
from backend.pipelines.repository import StageRepository
from backend.pipelines.schemas import StageCreate, StageRead, StageReorder, StageUpdate
from kit.errors import Conflict, NotFound, UnprocessableEntity

# name, win probability, kind, rotting days
DEFAULT_STAGES: list[tuple[str, int, StageKind, int | None]] = [
    ("Lead", 10, StageKind.open, 14),
    ("Qualified", 25, StageKind.open, 14),
    ("Proposal", 50, StageKind.open, 21),
    ("Negotiation", 75, StageKind.open, 21),
    ("Won", 100, StageKind.won, None),
    ("Lost", 0, StageKind.lost, None),
]


async def create_default_stages(session: AsyncSession, workspace_id: uuid.UUID) -> None:
    """Give a new workspace the standard lead-to-won/lost pipeline."""
    await StageRepository(session).add_all(
        [
            PipelineStage(
                workspace_id=workspace_id,
                name=name,
                position=position,
                probability=Decimal(probability),
                kind=kind,
                rotting_days=rotting_days,
            )
            for position, (name, probability, kind, rotting_days) in enumerate(DEFAULT_STAGES)
        ]
    )


async def list_stages(session: AsyncSession, ctx: WorkspaceContext) -> list[StageRead]:
    stages = await StageRepository(session).list(ctx.workspace_id)
    return [StageRead.model_validate(s) for s in stages]


async def add(session: AsyncSession, ctx: WorkspaceContext, body: StageCreate) -> StageRead:
    repository = StageRepository(session)
    stages = await repository.list(ctx.workspace_id, for_update=True)
    _ensure_name_free(stages, body.name)
    stage = PipelineStage(
        workspace_id=ctx.workspace_id,
        name=body.name,
        position=len(stages),
        probability=body.probability,
        kind=body.kind,
        rotting_days=body.rotting_days,
    )
    place = len(stages) if body.position is None else min(body.position, len(stages))
    stages.insert(place, stage)
    _renumber(stages)
    await repository.add_all([stage])
    return StageRead.model_validate(stage)


async def update(
    session: AsyncSession, ctx: WorkspaceContext, stage_id: uuid.UUID, body: StageUpdate
) -> StageRead:
    stages = await StageRepository(session).list(ctx.workspace_id, for_update=True)
    stage = _find(stages, stage_id)
    changes = body.model_dump(exclude_unset=True)
    if "name" in changes:
        _ensure_name_free([s for s in stages if s.id != stage.id], changes["name"])
    kind_changed = "kind" in changes and changes["kind"] != stage.kind
    if kind_changed and changes["kind"] != StageKind.open:
        _ensure_open_stage_remains([s for s in stages if s.id != stage.id])
    for field, value in changes.items():
        setattr(stage, field, value)
    await session.flush()
    if kind_changed:
        await deals.sync_closed_at_with_stage(session, workspace_id=ctx.workspace_id, stage=stage)
    return StageRead.model_validate(stage)


async def reorder(
    session: AsyncSession, ctx: WorkspaceContext, body: StageReorder
) -> list[StageRead]:
    stages = await StageRepository(session).list(ctx.workspace_id, for_update=True)
    by_id = {s.id: s for s in stages}
    unknown = [str(i) for i in body.stage_ids if i not in by_id]
    if unknown:
        raise UnprocessableEntity(
            "Some stage ids are not stages of this workspace.",
            code="unknown_stage",
            details={"unknown": unknown},
        )
    if len(body.stage_ids) != len(set(body.stage_ids)) or len(body.stage_ids) != len(stages):
        missing = [str(s.id) for s in stages if s.id not in set(body.stage_ids)]
        raise UnprocessableEntity(
            "List every stage of the workspace exactly once, in the new order.",
            code="incomplete_order",
            details={"missing": missing},
        )
    ordered = [by_id[i] for i in body.stage_ids]
    _renumber(ordered)
    await session.flush()
    return [StageRead.model_validate(s) for s in ordered]


async def delete(
    session: AsyncSession,
    ctx: WorkspaceContext,
    stage_id: uuid.UUID,
    *,
    move_to: uuid.UUID | None,
) -> None:
    repository = StageRepository(session)
    stages = await repository.list(ctx.workspace_id, for_update=True)
    stage = _find(stages, stage_id)
    remaining = [s for s in stages if s.id != stage.id]
    _ensure_open_stage_remains(remaining)
    target = _move_target(remaining, stage, move_to)
    in_use = await repository.count_deals(ctx.workspace_id, stage.id)
    if in_use and target is None:
        noun = "deal is" if in_use == 1 else "deals are"
        raise Conflict(
            f"{in_use} {noun} in the stage {stage.name!r}; pass move_to=<stage id> "
            "to move them to another stage first.",
            code="stage_in_use",
            details={"deal_count": in_use},
        )
    if in_use and target is not None:
        await deals.move_all_to_stage(
            session,
            workspace_id=ctx.workspace_id,
            source=stage,
            target=target,
            actor_id=ctx.user_id,
        )
    await repository.delete(stage)
    _renumber(remaining)
    await session.flush()


def _find(stages: list[PipelineStage], stage_id: uuid.UUID) -> PipelineStage:
    for stage in stages:
        if stage.id == stage_id:
            return stage
    raise NotFound("Stage not found.")


def _move_target(
    remaining: list[PipelineStage], stage: PipelineStage, move_to: uuid.UUID | None
) -> PipelineStage | None:
    if move_to is None:
        return None
    if move_to == stage.id:
        raise UnprocessableEntity(
            "move_to must be another stage than the one being deleted.", code="invalid_move_to"
        )
    for candidate in remaining:
        if candidate.id == move_to:
            return candidate
    raise UnprocessableEntity(
        "move_to is not a stage of this workspace.",
        code="unknown_stage",
        details=[{"field": "query.move_to", "message": "unknown stage"}],
    )


def _ensure_name_free(others: list[PipelineStage], name: str) -> None:
    if any(s.name.casefold() == name.casefold() for s in others):
        raise Conflict(f"A stage named {name!r} already exists.", code="stage_name_taken")


def _ensure_open_stage_remains(others: list[PipelineStage]) -> None:
    if not any(s.kind == StageKind.open for s in others):
        raise Conflict("The pipeline must keep at least one open stage.", code="last_open_stage")


def _renumber(stages: list[PipelineStage]) -> None:
    for position, stage in enumerate(stages):
        if stage.position != position:
            stage.position = position
