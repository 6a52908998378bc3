"""The real backend plus one route that fails unexpectedly, for uvicorn to serve in a test."""

from typing import Any

from fastapi import FastAPI

from backend.app import create_app as create_backend

BOOM_PATH = "/api/v1/test-only/boom"


def _deep(depth: int, rows: list[dict[str, Any]]) -> None:
    # A traceback of many frames with sizeable locals: costly to render with locals.
    if depth:
        _deep(depth - 1, rows)
        return
    raise RuntimeError(f"unexpected failure with {len(rows)} rows in hand")


def create_app() -> FastAPI:
    app = create_backend()

    @app.get(BOOM_PATH)
    async def boom() -> None:
        rows = [{"id": i, "title": f"Deal {i}"} for i in range(100)]
        _deep(30, rows)

    return app
