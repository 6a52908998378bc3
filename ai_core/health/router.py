from typing import Any

from fastapi import APIRouter

from ai_core.clients.backend import backend_readiness
from ai_core.config import settings
from kit.health import liveness

router = APIRouter(tags=["health"])


@router.get("/healthz")
async def healthz() -> dict[str, str]:
    """The process is alive."""
    return liveness()


@router.get("/readyz")
async def readyz() -> dict[str, Any]:
    """The backend is ready (its database answers at the migrations' head); 503 otherwise."""
    backend = await backend_readiness(
        settings.backend_url, timeout=settings.backend_timeout_seconds
    )
    return {"status": "ready", "backend": backend}
