from fastapi import APIRouter

from backend.db import session_factory
from kit.health import liveness, schema_readiness

router = APIRouter(tags=["health"])


@router.get("/healthz")
async def healthz() -> dict[str, str]:
    """The process is alive."""
    return liveness()


@router.get("/readyz")
async def readyz() -> dict[str, str]:
    """The database answers and its schema is at the migrations' head."""
    return await schema_readiness(session_factory())
