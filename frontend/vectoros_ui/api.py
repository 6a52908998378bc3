"""The one HTTP client every state uses to reach the VectorOS backend API."""

import logging
import os
from typing import Any

import httpx

logger = logging.getLogger(__name__)

BACKEND_URL = os.environ.get("BACKEND_URL", "http://127.0.0.1:8000").rstrip("/")
TIMEOUT = httpx.Timeout(10.0, connect=3.0)
# Forecasts and win probabilities run the AI core's engine over the whole pipeline:
# seconds on a large workspace, more on a busy machine.
ANALYTICS_TIMEOUT = httpx.Timeout(60.0, connect=3.0)
UNREACHABLE = "The VectorOS API cannot be reached right now. Please try again in a moment."


class ApiError(Exception):
    """A failed backend call; `message` is written for the user."""

    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message


class SessionExpired(ApiError):
    """The refresh token no longer works: the user must sign in again."""

    def __init__(self) -> None:
        super().__init__(401, "session_expired", "Your session has ended. Please sign in again.")


async def call(
    method: str,
    path: str,
    *,
    token: str | None = None,
    json: dict[str, Any] | None = None,
    timeout: httpx.Timeout = TIMEOUT,
) -> Any:
    """Send one request and return the decoded body (None for 204); raise ApiError on failure."""
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    try:
        async with httpx.AsyncClient(base_url=BACKEND_URL, timeout=timeout) as client:
            response = await client.request(method, path, json=json, headers=headers)
    except httpx.HTTPError as exc:
        logger.warning("backend call %s %s failed: %r", method, path, exc)
        raise ApiError(0, "unreachable", UNREACHABLE) from exc
    if response.is_success:
        return response.json() if response.content else None
    raise _error_from(response)


def _error_from(response: httpx.Response) -> ApiError:
    try:
        error = response.json()["error"]
        message = str(error["message"])
        code = str(error["code"])
        details = error.get("details")
    except (ValueError, KeyError, TypeError):
        return ApiError(
            response.status_code,
            "unexpected",
            f"The API answered with an unexpected error ({response.status_code}).",
        )
    if code == "validation_error" and isinstance(details, list) and details:
        # The generic message alone does not say which field to fix.
        message = "; ".join(_describe_field(item) for item in details if isinstance(item, dict))
    return ApiError(response.status_code, code, message)


def _describe_field(item: dict[str, Any]) -> str:
    field = str(item.get("field", "")).rsplit(".", 1)[-1].replace("_", " ")
    text = str(item.get("message", "invalid value"))
    return f"{field.capitalize()}: {text}" if field else text


async def upload(
    path: str,
    *,
    token: str,
    files: dict[str, tuple[str, bytes, str]],
    data: dict[str, str] | None = None,
) -> Any:
    """Send a multipart form (e.g. a CSV file) and return the decoded body; raise ApiError."""
    headers = {"Authorization": f"Bearer {token}"}
    try:
        async with httpx.AsyncClient(base_url=BACKEND_URL, timeout=TIMEOUT) as client:
            response = await client.post(path, files=files, data=data or {}, headers=headers)
    except httpx.HTTPError as exc:
        logger.warning("backend upload %s failed: %r", path, exc)
        raise ApiError(0, "unreachable", UNREACHABLE) from exc
    if response.is_success:
        return response.json() if response.content else None
    raise _error_from(response)
