import uuid

from fastapi import APIRouter, status

from backend.auth.deps import WorkspaceAdmin, WorkspaceViewer
from backend.db import SessionDep
from backend.pipelines import service
from backend.pipelines.schemas import StageCreate, StageRead, StageReorder, StageUpdate

router = APIRouter(prefix="/api/v1/workspaces/{workspace_id}/stages", tags=["pipeline"])


@router.get("", response_model=list[StageRead])
async def list_stages(ctx: WorkspaceViewer, session: SessionDep) -> list[StageRead]:
    """The pipeline's stages in order."""
    return await service.list_stages(session, ctx)


@router.post("", status_code=status.HTTP_201_CREATED, response_model=StageRead)
async def add_stage(body: StageCreate, ctx: WorkspaceAdmin, session: SessionDep) -> StageRead:
    """Add a stage (admin), at the end or at `position`."""
    return await service.add(session, ctx, body)


@router.post("/reorder", response_model=list[StageRead])
async def reorder_stages(
    body: StageReorder, ctx: WorkspaceAdmin, session: SessionDep
) -> list[StageRead]:
    """Put the stages in a new order (admin); list every stage id exactly once."""
    return await service.reorder(session, ctx, body)


@router.patch("/{stage_id}", response_model=StageRead)
async def update_stage(
    stage_id: uuid.UUID, body: StageUpdate, ctx: WorkspaceAdmin, session: SessionDep
) -> StageRead:
    """Rename a stage or change its probability, kind or rotting days (admin)."""
    return await service.update(session, ctx, stage_id, body)


@router.delete("/{stage_id}", status_code=status.HTTP_204_NO_CONTENT)
async def delete_stage(
    stage_id: uuid.UUID,
    ctx: WorkspaceAdmin,
    session: SessionDep,
    move_to: uuid.UUID | None = None,
) -> None:
    """Remove a stage (admin); deals in it need `move_to`, the stage they move to."""
    await service.delete(session, ctx, stage_id, move_to=move_to)
