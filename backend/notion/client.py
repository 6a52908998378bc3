"""Notion's REST API, the few calls we make: who am I, a database, its pages, one page.

429s (after their `Retry-After`), 5xx answers and network failures are retried with a
bounded exponential backoff; what is still failing after that raises `NotionUnavailable`.
"""

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import httpx

from backend.config import settings

JSON = dict[str, Any]
PAGE_SIZE = 100
BACKOFF_SECONDS = 0.5
TIMEOUT_SECONDS = 20.0


class NotionError(Exception):
    """Notion refused the request; `code` is Notion's own (e.g. "validation_error")."""

    def __init__(self, message: str, *, status: int, code: str = "") -> None:
        super().__init__(message)
        self.status = status
        self.code = code


class NotionUnauthorized(NotionError):
    """The integration token is invalid or was revoked."""


class NotionNotFound(NotionError):
    """The object does not exist, or is not shared with the integration."""


class NotionUnavailable(NotionError):
    """Rate-limited or failing still after every retry: worth trying again later."""


async def _sleep(seconds: float) -> None:
    await asyncio.sleep(seconds)


class NotionClient:
    def __init__(
        self,
        http: httpx.AsyncClient,
        *,
        max_attempts: int = 6,
        max_wait_seconds: float = 60.0,
    ) -> None:
        self.http = http
        self.max_attempts = max_attempts
        self.max_wait_seconds = max_wait_seconds

    async def me(self) -> JSON:
        """The integration's bot user (`GET /v1/users/me`)."""
        return await self._request("GET", "/v1/users/me")

    async def database(self, database_id: str) -> JSON:
        return await self._request("GET", f"/v1/databases/{database_id}")

    async def query_database(self, database_id: str, *, cursor: str | None = None) -> JSON:
        """One page of the database's pages; `next_cursor` continues it."""
        body: JSON = {"page_size": PAGE_SIZE}
        if cursor:
            body["start_cursor"] = cursor
        return await self._request("POST", f"/v1/databases/{database_id}/query", json=body)

    async def page(self, page_id: str) -> JSON:
        return await self._request("GET", f"/v1/pages/{page_id}")

    async def _request(self, method: str, path: str, *, json: JSON | None = None) -> JSON:
        for attempt in range(1, self.max_attempts + 1):
            last = attempt == self.max_attempts
            try:
                response = await self.http.request(method, path, json=json)
            except httpx.TransportError as exc:
                if last:
                    raise NotionUnavailable(f"Notion unreachable: {exc}", status=0) from exc
                await _sleep(self._backoff(attempt))
                continue
            if response.status_code == 429 or response.status_code >= 500:
                if last:
                    raise _error(response, NotionUnavailable)
                await _sleep(self._wait(response, attempt))
                continue
            if response.status_code == 401:
                raise _error(response, NotionUnauthorized)
            if response.status_code == 404:
                raise _error(response, NotionNotFound)
            if response.status_code >= 400:
                raise _error(response, NotionError)
            return response.json()
        raise AssertionError("unreachable")

    def _wait(self, response: httpx.Response, attempt: int) -> float:
        retry_after = response.headers.get("retry-after", "")
        try:
            wait = float(retry_after)
        except ValueError:
            wait = self._backoff(attempt)
        return min(max(wait, 0.0), self.max_wait_seconds)

    def _backoff(self, attempt: int) -> float:
        return min(BACKOFF_SECONDS * 2 ** (attempt - 1), self.max_wait_seconds)


def _error(response: httpx.Response, kind: type[NotionError]) -> NotionError:
    try:
        body = response.json()
    except ValueError:
        body = {}
    message = body.get("message") if isinstance(body, dict) else None
    code = body.get("code") if isinstance(body, dict) else None
    return kind(
        f"Notion answered {response.status_code}: {message or response.reason_phrase}",
        status=response.status_code,
        code=str(code or ""),
    )


@asynccontextmanager
async def notion_client(
    access_token: str, *, max_attempts: int = 6, max_wait_seconds: float = 60.0
) -> AsyncIterator[NotionClient]:
    """A client for one integration token, against `settings.notion_api_base_url`."""
    async with httpx.AsyncClient(
        base_url=settings.notion_api_base_url,
        headers={
            "Authorization": f"Bearer {access_token}",
            "Notion-Version": settings.notion_version,
        },
        timeout=TIMEOUT_SECONDS,
    ) as http:
        yield NotionClient(http, max_attempts=max_attempts, max_wait_seconds=max_wait_seconds)
