"""An unexpected exception: one 500 in the error shape, one log line, nothing re-raised."""

import asyncio
import contextlib
import sys
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.responses import StreamingResponse
from httpx import ASGITransport, AsyncClient

from kit.errors import install_error_handlers
from kit.http import RequestContextMiddleware
from kit.logging import configure_logging, flush_logs


@pytest.fixture(autouse=True)
def restore_logging() -> Iterator[None]:
    yield
    flush_logs()
    with contextlib.redirect_stderr(sys.__stderr__):
        configure_logging(json_logs=False, level="WARNING")


def make_app() -> FastAPI:
    app = FastAPI()
    install_error_handlers(app)
    app.add_middleware(RequestContextMiddleware)

    @app.get("/boom")
    async def boom() -> None:
        raise RuntimeError("kaboom")

    @app.get("/items")
    async def items(q: str = "") -> dict[str, str]:
        return {"q": q}

    @app.get("/stream")
    async def stream() -> StreamingResponse:
        async def chunks():  # type: ignore[no-untyped-def]
            yield b"first"
            raise RuntimeError("mid-stream")

        return StreamingResponse(chunks())

    return app


async def test_unexpected_errors_are_a_500_logged_once(capsys: pytest.CaptureFixture[str]) -> None:
    configure_logging(json_logs=True, level="INFO")
    app = make_app()
    # raise_app_exceptions: an exception escaping the app would fail the request here.
    transport = ASGITransport(app=app, raise_app_exceptions=True)
    async with AsyncClient(transport=transport, base_url="http://test") as client:
        response = await client.get("/boom")
    assert response.status_code == 500
    assert response.json() == {
        "error": {
            "code": "internal_error",
            "message": "Something went wrong on our side.",
            "details": None,
        }
    }
    assert response.headers["x-request-id"]
    assert response.headers["x-content-type-options"] == "nosniff"
    flush_logs()
    err = capsys.readouterr().err
    assert err.count("RuntimeError: kaboom") == 2  # the "error" field and the traceback
    assert err.count("Traceback (most recent call last)") == 1
    assert '"status": 500' in err  # the access log line


async def test_an_error_after_the_response_started_is_logged_not_raised(
    capsys: pytest.CaptureFixture[str],
) -> None:
    configure_logging(json_logs=True, level="INFO")
    sent: list[dict[str, Any]] = []

    requested = False

    async def receive() -> dict[str, Any]:
        nonlocal requested
        if requested:  # the client stays connected: wait until the app stops listening
            await asyncio.Event().wait()
        requested = True
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "GET",
        "scheme": "http",
        "path": "/stream",
        "raw_path": b"/stream",
        "query_string": b"",
        "headers": [],
        "server": ("test", 80),
        "client": ("127.0.0.1", 1234),
    }
    await make_app()(scope, receive, send)  # returns: nothing reaches the server to log again
    assert sent[0]["status"] == 200
    # The body is left unfinished: the server closes the connection, the client sees it cut.
    assert not any(m["type"] == "http.response.body" and not m.get("more_body") for m in sent)
    flush_logs()
    err = capsys.readouterr().err
    assert err.count("Traceback (most recent call last)") == 1


@pytest.mark.parametrize(
    ("url", "field"),
    [
        ("/items?q=a%00b", "query.q"),
        ("/items?a%00=1", "query"),
        ("/items%00", "path"),
        ("/boom?x=%00", "query.x"),
    ],
)
async def test_nul_in_path_or_query_is_a_422(url: str, field: str) -> None:
    transport = ASGITransport(app=make_app())
    async with AsyncClient(transport=transport, base_url="http://test") as client:
        response = await client.get(url)
    assert response.status_code == 422
    error = response.json()["error"]
    assert error["code"] == "validation_error"
    assert [d["field"] for d in error["details"]] == [field]
    assert response.headers["x-request-id"]


async def test_ordinary_queries_pass() -> None:
    transport = ASGITransport(app=make_app())
    async with AsyncClient(transport=transport, base_url="http://test") as client:
        response = await client.get("/items", params={"q": "Ünï + 😀 %"})
    assert response.json() == {"q": "Ünï + 😀 %"}
