"""One workspace's REST API on the backend, read with the user's scoped, read-only token.

The AI core holds no database credentials: what this client can read is exactly what the
user may read in that workspace, and nothing it sends can change data (the token is
read-only).
"""

import uuid
from types import TracebackType
from typing import Any

import httpx

# The backend's page size ceiling for lists.
MAX_PAGE = 200


class WorkspaceApiError(Exception):
    """A request the backend refused or could not answer; the message is fit for the model."""

    def __init__(self, message: str, *, status: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.status = status


class WorkspaceApi:
    def __init__(
        self,
        base_url: str,
        workspace_id: uuid.UUID,
        token: str,
        *,
        timeout: float,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        self.workspace_id = workspace_id
        self._http = httpx.AsyncClient(
            base_url=f"{base_url.rstrip('/')}/api/v1/workspaces/{workspace_id}",
            headers={"Authorization": f"Bearer {token}"},
            timeout=timeout,
            transport=transport,
        )
        self._cache: dict[str, Any] = {}

    async def __aenter__(self) -> "WorkspaceApi":
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        await self._http.aclose()

    async def get(self, path: str, params: dict[str, Any] | None = None) -> Any:
        """GET a path under the workspace; WorkspaceApiError on any failure."""
        query = {k: v for k, v in (params or {}).items() if v is not None}
        try:
            response = await self._http.get(path, params=query)
        except httpx.TimeoutException as exc:
            raise WorkspaceApiError(f"The CRM API timed out on {path}; try again.") from exc
        except httpx.HTTPError as exc:
            raise WorkspaceApiError(f"The CRM API is unreachable ({type(exc).__name__}).") from exc
        if response.status_code >= 400:
            raise _error(path, response)
        return response.json()

    async def get_cached(self, path: str) -> Any:
        """GET once per client (one chat turn): stages and members do not change mid-answer."""
        if path not in self._cache:
            self._cache[path] = await self.get(path)
        return self._cache[path]

    async def stages(self) -> list[dict[str, Any]]:
        return list(await self.get_cached("/stages"))

    async def members(self) -> list[dict[str, Any]]:
        return list(await self.get_cached("/members"))

    async def pages(
        self, path: str, params: dict[str, Any], *, max_items: int
    ) -> tuple[list[dict[str, Any]], int]:
        """Items of a cursor-paged list, up to `max_items`, and the list's total."""
        items: list[dict[str, Any]] = []
        cursor: str | None = None
        total = 0
        while len(items) < max_items:
            limit = min(MAX_PAGE, max_items - len(items))
            page = await self.get(path, {**params, "limit": limit, "cursor": cursor})
            items.extend(page["items"])
            total = page["total"]
            cursor = page.get("next_cursor")
            if not cursor:
                break
        return items, total


def _error(path: str, response: httpx.Response) -> WorkspaceApiError:
    status = response.status_code
    detail = _backend_message(response)
    if status == 404:
        message = f"Not found in this workspace: {path}. Check the id (use search_deals)."
    elif status in (400, 422):
        message = f"The CRM API rejected the request to {path}: {detail}"
    elif status in (401, 403):
        message = "The CRM API refused access (the assistant can only read this workspace)."
    elif status == 429:
        message = "The CRM API is rate limiting; try again shortly."
    else:
        message = f"The CRM API failed on {path} (HTTP {status}); try again or another tool."
    return WorkspaceApiError(message, status=status)


def _backend_message(response: httpx.Response) -> str:
    try:
        error = response.json()["error"]
    except (ValueError, KeyError, TypeError):
        return response.text[:200]
    details = error.get("details")
    if isinstance(details, list):
        fields = "; ".join(f"{d.get('field')}: {d.get('message')}" for d in details[:5])
        return f"{error.get('message')} ({fields})"
    return str(error.get("message"))
