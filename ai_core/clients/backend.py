"""The backend API, as the AI core sees it: the only way the AI core reaches data."""

from typing import Any

import httpx

from kit.errors import ServiceUnavailable


class BackendNotReady(ServiceUnavailable):
    code = "backend_not_ready"


async def backend_readiness(base_url: str, *, timeout: float) -> dict[str, Any]:
    """The backend's own `/readyz` body, or BackendNotReady carrying the backend's reason."""
    url = base_url.rstrip("/") + "/readyz"
    try:
        async with httpx.AsyncClient(timeout=timeout) as http:
            response = await http.get(url)
    except httpx.HTTPError as exc:
        raise BackendNotReady(
            f"The backend at {base_url} is not reachable.",
            code="backend_unreachable",
            details={"backend_url": base_url, "reason": f"{type(exc).__name__}: {exc}"},
        ) from exc
    body = _json_or_none(response)
    if response.status_code == 200 and isinstance(body, dict):
        return body
    error = body.get("error") if isinstance(body, dict) else None
    reason = error if isinstance(error, dict) else response.text[:200]
    raise BackendNotReady(
        f"The backend answered {response.status_code} to its readiness check.",
        details={"backend_url": base_url, "status": response.status_code, "reason": reason},
    )


def _json_or_none(response: httpx.Response) -> Any:
    try:
        return response.json()
    except ValueError:
        return None
