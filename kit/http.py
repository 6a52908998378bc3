"""ASGI middleware for both services: request ids, access logs, security headers, body limit,
and refusing text that cannot be stored in a path or query string."""

import json
import re
import time
import uuid
from collections.abc import Sequence
from urllib.parse import parse_qsl

import structlog
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from kit.errors import error_body
from kit.text import problem

log = structlog.get_logger("http")

REQUEST_ID_HEADER = "x-request-id"
SECURITY_HEADERS = [
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"no-referrer"),
    (b"cross-origin-opener-policy", b"same-origin"),
    (b"cross-origin-resource-policy", b"same-origin"),
    (b"x-dns-prefetch-control", b"off"),
    (b"x-permitted-cross-domain-policies", b"none"),
    (b"content-security-policy", b"default-src 'none'; frame-ancestors 'none'"),
]
DOCS_CSP = (
    b"default-src 'self'; img-src 'self' data: https:; "
    b"style-src 'self' 'unsafe-inline' https:; script-src 'self' 'unsafe-inline' https:"
)
HSTS = (b"strict-transport-security", b"max-age=31536000; includeSubDomains")


def _is_https(scope: Scope) -> bool:
    if scope.get("scheme") == "https":
        return True
    for name, value in scope.get("headers", []):
        if name == b"x-forwarded-proto":
            return value.split(b",")[0].strip() == b"https"
    return False


class RequestContextMiddleware:
    """Binds a request id to every log line, echoes it, logs access, adds the Helmet headers."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        incoming = dict(scope.get("headers", [])).get(REQUEST_ID_HEADER.encode())
        request_id = incoming.decode()[:64] if incoming else uuid.uuid4().hex
        structlog.contextvars.clear_contextvars()
        structlog.contextvars.bind_contextvars(request_id=request_id)
        started = time.perf_counter()
        status = 500
        https = _is_https(scope)
        docs = scope["path"] in ("/docs", "/redoc") or scope["path"].startswith("/docs/")

        async def send_with_headers(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                headers = list(message.get("headers", []))
                headers.append((REQUEST_ID_HEADER.encode(), request_id.encode()))
                for name, value in SECURITY_HEADERS:
                    if name == b"content-security-policy" and docs:
                        value = DOCS_CSP
                    headers.append((name, value))
                if https:
                    headers.append(HSTS)
                message["headers"] = headers
            await send(message)

        try:
            await self.app(scope, receive, send_with_headers)
        finally:
            log.info(
                "request",
                method=scope["method"],
                path=scope["path"],
                status=status,
                duration_ms=round((time.perf_counter() - started) * 1000, 1),
            )


class BodySizeLimitMiddleware:
    """Refuses bodies over the limit with 413, whether or not Content-Length is sent.

    `overrides` give a few paths (e.g. file uploads) their own limit: the first pattern
    that matches the path wins.
    """

    def __init__(
        self,
        app: ASGIApp,
        max_bytes: int,
        overrides: Sequence[tuple[re.Pattern[str], int]] = (),
    ) -> None:
        self.app = app
        self.max_bytes = max_bytes
        self.overrides = list(overrides)

    def limit_for(self, path: str) -> int:
        for pattern, max_bytes in self.overrides:
            if pattern.match(path):
                return max_bytes
        return self.max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        max_bytes = self.limit_for(scope["path"])
        length = dict(scope.get("headers", [])).get(b"content-length")
        if length is not None and length.isdigit() and int(length) > max_bytes:
            await self._reject(send, max_bytes)
            return
        received = 0
        response_started = False
        rejected = False

        async def limited_receive() -> Message:
            nonlocal received, rejected
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > max_bytes:
                    if not response_started and not rejected:
                        rejected = True
                        await self._reject(send, max_bytes)
                    # The app sees a disconnect and stops reading; what it sends is dropped.
                    return {"type": "http.disconnect"}
            return message

        async def guarded_send(message: Message) -> None:
            nonlocal response_started
            if rejected:
                return
            if message["type"] == "http.response.start":
                response_started = True
            await send(message)

        await self.app(scope, limited_receive, guarded_send)

    async def _reject(self, send: Send, max_bytes: int) -> None:
        body = json.dumps(
            error_body(
                "payload_too_large",
                f"The request body is larger than {max_bytes} bytes.",
                {"max_bytes": max_bytes},
            )
        ).encode()
        await send(
            {
                "type": "http.response.start",
                "status": 413,
                "headers": [(b"content-type", b"application/json")],
            }
        )
        await send({"type": "http.response.body", "body": body})


_REASONS = {
    "nul": ("string_nul", "must not contain a NUL character (\\u0000)"),
    "surrogate": ("string_unpaired_surrogate", "must not contain an unpaired surrogate"),
}


def unstorable_params(scope: Scope) -> list[dict[str, str]]:
    """Validation details for a path or query parameter holding a NUL (or a lone surrogate).

    Postgres refuses such text; one check here covers every route's parameters, whatever
    type each declares. Parsed as Starlette parses them, so what passes here is what a
    route sees.
    """
    details = []
    path = scope.get("path", "")
    reason = problem(path)
    if reason:
        details.append(_detail("path", reason))
    query = scope.get("query_string", b"")
    if query:
        for name, value in parse_qsl(query.decode("latin-1"), keep_blank_values=True):
            reason = problem(name) or problem(value)
            if reason:
                field = "query" if problem(name) else f"query.{name}"
                details.append(_detail(field, reason))
    return details


def _detail(field: str, reason: str) -> dict[str, str]:
    kind, message = _REASONS[reason]
    return {"field": field, "message": f"Text {message}", "type": kind}


class InputGuardMiddleware:
    """422 in the one error shape for a path or query parameter that cannot be stored."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        details = unstorable_params(scope) if scope["type"] == "http" else []
        if not details:
            await self.app(scope, receive, send)
            return
        body = json.dumps(
            error_body("validation_error", "The request has invalid fields.", details)
        ).encode()
        await send(
            {
                "type": "http.response.start",
                "status": 422,
                "headers": [
                    (b"content-type", b"application/json"),
                    (b"content-length", str(len(body)).encode()),
                ],
            }
        )
        await send({"type": "http.response.body", "body": body})
