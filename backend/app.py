"""create_app(): middleware, routers and the one error handler."""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware

from backend.activities.router import router as activities_router
from backend.analytics.router import router as analytics_router
from backend.api_keys.router import router as api_keys_router
from backend.auth.router import router as auth_router
from backend.auth.router import users_router
from backend.chat.router import router as chat_router
from backend.config import settings
from backend.dashboard.router import router as dashboard_router
from backend.deals.router import router as deals_router
from backend.demo.router import router as demo_router
from backend.events.broker import EventBroker
from backend.events.router import router as events_router
from backend.health.router import router as health_router
from backend.imports.router import UPLOAD_PATH as IMPORT_UPLOAD_PATH
from backend.imports.router import router as imports_router
from backend.insights.generation_router import router as insight_generation_router
from backend.insights.outlook_router import router as outlook_router
from backend.insights.router import router as insights_router
from backend.integrations.router import router as integrations_router
from backend.invitations.router import accept_router as invitation_accept_router
from backend.invitations.router import router as invitations_router
from backend.notion.router import webhook_router as notion_webhook_router
from backend.pipelines.router import router as stages_router
from backend.webhooks.router import router as webhooks_router
from backend.workspaces.router import router as workspaces_router
from kit.errors import install_error_handlers
from kit.http import BodySizeLimitMiddleware, RequestContextMiddleware
from kit.logging import configure_logging
from kit.startup import freeze_startup_heap

ROUTERS = [
    health_router,
    auth_router,
    users_router,
    workspaces_router,
    invitations_router,
    invitation_accept_router,
    api_keys_router,
    stages_router,
    deals_router,
    activities_router,
    analytics_router,
    outlook_router,
    dashboard_router,
    demo_router,
    insights_router,
    insight_generation_router,
    chat_router,
    integrations_router,  # HubSpot and Notion connections included
    imports_router,
    events_router,
    webhooks_router,
    notion_webhook_router,
]


@asynccontextmanager
async def lifespan(app: FastAPI) -> AsyncIterator[None]:
    freeze_startup_heap()
    yield
    await app.state.event_broker.close()


def create_app() -> FastAPI:
    configure_logging(json_logs=settings.environment == "production", level=settings.log_level)
    app = FastAPI(
        title="VectorOS API",
        version="0.1.0",
        description="Revenue intelligence over your own CRM data. Errors always come as "
        '`{"error": {"code", "message", "details"}}`.',
        lifespan=lifespan,
    )
    app.state.event_broker = EventBroker()
    install_error_handlers(app)
    for router in ROUTERS:
        app.include_router(router)
    app.add_middleware(
        BodySizeLimitMiddleware,
        max_bytes=settings.max_body_bytes,
        overrides=[(IMPORT_UPLOAD_PATH, settings.max_import_bytes)],
    )
    app.add_middleware(
        CORSMiddleware,
        allow_origins=settings.cors_origins,
        allow_credentials=True,
        allow_methods=["*"],
        allow_headers=["*"],
        expose_headers=["X-Request-ID", "Retry-After"],
    )
    app.add_middleware(RequestContextMiddleware)
    return app
