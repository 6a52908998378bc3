"""The dashboard's HTTP hardening: the backend's security headers, a CSP that fits Reflex, and
the browser origins allowed to reach it.

Reflex serves the built pages, their assets and its event socket from one ASGI app; `rx.App`
wraps it in `SecurityHeadersMiddleware` (its `api_transformer`). Reflex's own CORS layer
and its Socket.IO server take `allowed_origins()` from rxconfig.py.
"""

import base64
import gzip
import hashlib
import os
import re
from collections.abc import Iterable, Mapping

import anyio
from starlette.datastructures import Headers
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from kit.http import HSTS, SECURITY_HEADERS, _is_https

# The backend's CORS_ORIGINS default: where `make run` serves the dashboard.
DEFAULT_ORIGINS = ("http://localhost:3000", "http://127.0.0.1:3000")
CSP_HEADER = b"content-security-policy"
# Reflex builds each page with a few inline scripts (hydration data, route modules): a page
# may run exactly those, found by their hashes. 'unsafe-eval' because Reflex runs
# `rx.call_script` (states/deal_detail.py) with eval. Emotion and Radix inject styles
# at run time. The event socket is same-origin ('self' covers ws: and wss: there).
CSP_DIRECTIVES = (
    "default-src 'self'",
    "script-src 'self' 'unsafe-eval'{hashes}",
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "font-src 'self' data:",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
)
INLINE_SCRIPT = re.compile(
    rb"<script\b(?![^>]*\ssrc\s*=)[^>]*>(.*?)</script\s*>", re.DOTALL | re.IGNORECASE
)


def allowed_origins(environ: Mapping[str, str] = os.environ) -> list[str]:
    """CORS_ORIGINS plus FRONTEND_URL: the browser origins that may use the dashboard."""
    origins = [o.strip() for o in environ.get("CORS_ORIGINS", "").split(",") if o.strip()]
    if frontend_url := environ.get("FRONTEND_URL", "").strip().rstrip("/"):
        origins.append(frontend_url)
    if "*" in origins:
        raise ValueError(
            "CORS_ORIGINS must name the dashboard's origins, not '*': its event socket "
            "carries each user's session"
        )
    return list(dict.fromkeys(origins or DEFAULT_ORIGINS))


def content_security_policy(html: bytes = b"") -> bytes:
    """The policy for a response; an HTML page may also run its own inline scripts."""
    digests = dict.fromkeys(
        base64.b64encode(hashlib.sha256(script).digest()).decode()
        for script in INLINE_SCRIPT.findall(html)
    )
    hashes = "".join(f" 'sha256-{digest}'" for digest in digests)
    return "; ".join(CSP_DIRECTIVES).format(hashes=hashes).encode()


class SecurityHeadersMiddleware:
    """kit.http's security headers on every response, with the dashboard's CSP.

    An HTML page is held until its body is complete, to hash its inline scripts into its
    policy. A 304 carries no policy: the browser keeps the one cached with the page.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        https = _is_https(scope)
        page: Message | None = None
        body = bytearray()

        async def send_secured(message: Message) -> None:
            nonlocal page
            if message["type"] == "http.response.start":
                headers = Headers(raw=message.get("headers", []))
                if headers.get("content-type", "").startswith("text/html"):
                    page = message
                    return
                await send(_secured(message, https))
            elif page is None:
                await send(message)
            elif message["type"] == "http.response.body":
                body.extend(message.get("body", b""))
                if not message.get("more_body", False):
                    await send(_secured(page, https, _decoded(bytes(body), page)))
                    await send({**message, "body": bytes(body)})
            elif message["type"] == "http.response.pathsend":
                # The server sends the file itself (granian): read it to hash the page.
                raw = await anyio.Path(message["path"]).read_bytes()
                await send(_secured(page, https, _decoded(raw, page)))
                await send(message)
            else:
                await send(message)

        await self.app(scope, receive, send_secured)


def _secured(start: Message, https: bool, html: bytes = b"") -> Message:
    headers = [(k, v) for k, v in start.get("headers", []) if k.lower() != CSP_HEADER]
    for name, value in _security_headers(https):
        if name == CSP_HEADER:
            if start["status"] == 304:
                continue
            value = content_security_policy(html)
        headers.append((name, value))
    return {**start, "headers": headers}


def _security_headers(https: bool) -> Iterable[tuple[bytes, bytes]]:
    yield from SECURITY_HEADERS
    if https:
        yield HSTS


def _decoded(body: bytes, start: Message) -> bytes:
    """The page as written: Reflex serves it plain or gzip (rxconfig pins the formats)."""
    headers = Headers(raw=start.get("headers", []))
    encoding = headers.get("content-encoding", "identity").strip().lower()
    if encoding == "gzip":
        return gzip.decompress(body) if body else body
    if encoding == "identity":
        return body
    raise ValueError(f"cannot read a {encoding} page to hash its scripts; serve gzip or plain")
