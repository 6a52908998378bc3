import uuid

from fastapi import APIRouter

from backend.analytics.periods import Granularity
from backend.auth.deps import WorkspaceViewer
from backend.db import SessionDep
from backend.insights import outlook
from backend.insights.outlook_schemas import DealWinProbability, SimulatedForecast

router = APIRouter(prefix="/api/v1/workspaces/{workspace_id}", tags=["forecast"])


@router.get("/forecast", response_model=SimulatedForecast)
async def simulated_forecast(
    ctx: WorkspaceViewer, session: SessionDep, group_by: Granularity = Granularity.month
) -> SimulatedForecast:
    """P10/P50/P90 of won revenue by simulation: this quarter by month, or 4 quarters."""
    return await outlook.simulated_forecast(session, ctx, group_by=group_by)


@router.get("/deals/{deal_id}/win-probability", response_model=DealWinProbability)
async def deal_win_probability(
    deal_id: uuid.UUID, ctx: WorkspaceViewer, session: SessionDep
) -> DealWinProbability:
    """The open deal's win probability, its top factors, and whether the model is used."""
    return await outlook.deal_win_probability(session, ctx, deal_id)
