"""create_app(): middleware, routers and the one error handler."""

from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware

from backend.api_keys.router import router as api_keys_router
from backend.auth.router import router as auth_router
from backend.auth.router import users_router
from backend.config import settings
from backend.health.router import router as health_router
from backend.workspaces.router import router as workspaces_router
from kit.errors import install_error_handlers
from kit.http import BodySizeLimitMiddleware, RequestContextMiddleware
from kit.logging import configure_logging

ROUTERS = [health_router, auth_router, users_router, workspaces_router, api_keys_router]


def create_app() -> FastAPI:
    configure_logging(json_logs=settings.environment == "production", level=settings.log_level)
    app = FastAPI(
        title="VectorOS API",
        version="0.1.0",
        description="Revenue intelligence over your own CRM data. Errors always come as "
        '`{"error": {"code", "message", "details"}}`.',
    )
    install_error_handlers(app)
    for router in ROUTERS:
        app.include_router(router)
    app.add_middleware(BodySizeLimitMiddleware, max_bytes=settings.max_body_bytes)
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
