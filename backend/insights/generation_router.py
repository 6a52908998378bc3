import uuid

from fastapi import APIRouter, Response, status

from backend.auth.deps import WorkspaceMember
from backend.db import SessionDep
from backend.insights import generation
from backend.models import RunStatus
from kit.schemas import ReadModel

router = APIRouter(prefix="/api/v1/workspaces/{workspace_id}/insights", tags=["insights"])


class GenerationStarted(ReadModel):
    run_id: uuid.UUID
    status: RunStatus


@router.post("/generate", status_code=status.HTTP_202_ACCEPTED, response_model=GenerationStarted)
async def generate_insights(
    ctx: WorkspaceMember, session: SessionDep, response: Response
) -> GenerationStarted:
    """Start an insight run in the background, or get the one already under way; poll it."""
    run = await generation.start_run(session, ctx.workspace_id, trigger=generation.Trigger.manual)
    location = f"/api/v1/workspaces/{ctx.workspace_id}/insights/runs/{run.id}"
    response.headers["Location"] = location
    return GenerationStarted(run_id=run.id, status=run.status)
