import uuid
from typing import Annotated

from fastapi import APIRouter, Query, status

from backend.auth.deps import WorkspaceMember, WorkspaceViewer
from backend.db import SessionDep
from backend.deals import service
from backend.deals.schemas import DealCreate, DealFilters, DealHistory, DealRead, DealUpdate
from kit.schemas import Page

router = APIRouter(prefix="/api/v1/workspaces/{workspace_id}/deals", tags=["deals"])


@router.get("", response_model=Page[DealRead])
async def list_deals(
    filters: Annotated[DealFilters, Query()], ctx: WorkspaceViewer, session: SessionDep
) -> Page[DealRead]:
    """Deals matching the filters, sorted, one cursor page at a time, with the total count."""
    return await service.list_deals(session, ctx, filters)


@router.post("", status_code=status.HTTP_201_CREATED, response_model=DealRead)
async def create_deal(body: DealCreate, ctx: WorkspaceMember, session: SessionDep) -> DealRead:
    """Create a deal (first open stage and you as owner unless given)."""
    return await service.create(session, ctx, body)


@router.get("/{deal_id}", response_model=DealRead)
async def read_deal(deal_id: uuid.UUID, ctx: WorkspaceViewer, session: SessionDep) -> DealRead:
    """One deal, with its stage and effective win probability."""
    return await service.get(session, ctx, deal_id)


@router.patch("/{deal_id}", response_model=DealRead)
async def update_deal(
    deal_id: uuid.UUID, body: DealUpdate, ctx: WorkspaceMember, session: SessionDep
) -> DealRead:
    """Change some fields of a deal; stage and close-date changes are recorded in its history."""
    return await service.update(session, ctx, deal_id, body)


@router.delete("/{deal_id}", status_code=status.HTTP_204_NO_CONTENT)
async def delete_deal(deal_id: uuid.UUID, ctx: WorkspaceMember, session: SessionDep) -> None:
    """Delete a deal with its history and timeline."""
    await service.delete(session, ctx, deal_id)


@router.get("/{deal_id}/history", response_model=DealHistory)
async def deal_history(
    deal_id: uuid.UUID, ctx: WorkspaceViewer, session: SessionDep
) -> DealHistory:
    """Every stage change (with days spent in the stage left) and close-date change."""
    return await service.read_history(session, ctx, deal_id)
