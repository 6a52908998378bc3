"""create_app(): middleware, routers and the one error handler."""

from fastapi import FastAPI

from ai_core.capabilities.router import router as capabilities_router
from ai_core.chat.router import router as chat_router
from ai_core.config import settings
from ai_core.health.router import router as health_router
from ai_core.insights.config import insight_settings
from ai_core.insights.router import SNAPSHOT_PATHS
from ai_core.insights.router import router as insights_router
from kit.errors import install_error_handlers
from kit.http import BodySizeLimitMiddleware, RequestContextMiddleware
from kit.logging import configure_logging

ROUTERS = [health_router, capabilities_router]
ROUTERS.append(insights_router)
ROUTERS.append(chat_router)


def create_app() -> FastAPI:
    configure_logging(json_logs=settings.environment == "production", level=settings.log_level)
    app = FastAPI(
        title="VectorOS AI core",
        version="0.1.0",
        description="Agents and analytics behind the VectorOS backend. Only the backend calls "
        'it, with the service token. Errors always come as `{"error": {"code", "message", '
        '"details"}}`.',
    )
    install_error_handlers(app)
    for router in ROUTERS:
        app.include_router(router)
    app.add_middleware(
        BodySizeLimitMiddleware,
        max_bytes=settings.max_body_bytes,
        overrides=[(SNAPSHOT_PATHS, insight_settings.max_request_bytes)],
    )
    app.add_middleware(RequestContextMiddleware)
    return app
