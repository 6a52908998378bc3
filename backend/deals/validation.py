"""Checks that what a deal refers to (stage, owner, external id) fits its workspace."""

import uuid

from sqlalchemy.ext.asyncio import AsyncSession

from backend.deals.repository import DealRepository
from backend.models import DealSource, PipelineStage
from backend.pipelines.repository import StageRepository
from backend.workspaces.repository import MemberRepository
from kit.errors import Conflict, UnprocessableEntity


def no_open_stage() -> Conflict:
    return Conflict("The workspace has no open stage to put the deal in.", code="no_stage")


def unknown_stage() -> UnprocessableEntity:
    return UnprocessableEntity(
        "stage_id is not a stage of this workspace.",
        code="unknown_stage",
        details=[{"field": "body.stage_id", "message": "unknown stage"}],
    )


def owner_not_member() -> UnprocessableEntity:
    return UnprocessableEntity(
        "The owner must be a member of this workspace.",
        code="owner_not_member",
        details=[{"field": "body.owner_id", "message": "not a member of the workspace"}],
    )


async def resolve_stage(
    session: AsyncSession, workspace_id: uuid.UUID, stage_id: uuid.UUID | None
) -> PipelineStage:
    """The given stage of the workspace, or its first open stage when none is given."""
    stages = StageRepository(session)
    if stage_id is None:
        stage = await stages.first_open(workspace_id)
        if stage is None:
            raise no_open_stage()
        return stage
    stage = await stages.get(workspace_id, stage_id)
    if stage is None:
        raise unknown_stage()
    return stage


async def ensure_owner_is_member(
    session: AsyncSession, workspace_id: uuid.UUID, owner_id: uuid.UUID | None
) -> None:
    if owner_id is None:
        return
    if await MemberRepository(session).role_of(workspace_id, owner_id) is None:
        raise owner_not_member()


async def ensure_external_id_free(
    session: AsyncSession,
    workspace_id: uuid.UUID,
    source: DealSource,
    external_id: str,
    deal_id: uuid.UUID | None,
) -> None:
    existing = await DealRepository(session).get_by_external_id(workspace_id, source, external_id)
    if existing is not None and existing.id != deal_id:
        raise Conflict(
            f"Another deal from {source.value} already has the external id {external_id!r}.",
            code="duplicate_external_id",
            details={"deal_id": str(existing.id)},
        )
