from fastapi import APIRouter, Depends
from pydantic import BaseModel

from ai_core.auth import require_service_token
from ai_core.config import settings

router = APIRouter(
    prefix="/v1", tags=["capabilities"], dependencies=[Depends(require_service_token)]
)


class Capabilities(BaseModel):
    llm: bool
    model: str


@router.get("/capabilities")
async def capabilities() -> Capabilities:
    """What this AI core can do: whether an Anthropic key is configured, and the model in use."""
    return Capabilities(llm=settings.llm_configured, model=settings.anthropic_model)
