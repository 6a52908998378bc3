"""`POST .../demo-data`: fill an empty workspace with a realistic sample to explore."""

from fastapi import APIRouter, status

from backend.auth.deps import WorkspaceAdmin
from backend.db import SessionDep
from backend.demo import service
from kit.schemas import ReadModel

router = APIRouter(prefix="/api/v1/workspaces/{workspace_id}", tags=["demo"])


class DemoDataLoaded(ReadModel):
    deals: int
    activities: int
    insights: int


@router.post("/demo-data", status_code=status.HTTP_201_CREATED, response_model=DemoDataLoaded)
async def load_demo_data(ctx: WorkspaceAdmin, session: SessionDep) -> DemoDataLoaded:
    """Generate sellers, deals, history, activities and sample insights (empty workspace only)."""
    loaded = await service.load_demo_data(session, ctx)
    return DemoDataLoaded.model_validate(loaded)
