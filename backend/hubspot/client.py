"""HubSpot's CRM API over httpx: the calls the sync makes, with retries and token refresh.

429 answers wait for their `Retry-After`, 5xx and connection errors back off exponentially,
both a bounded number of times; an expired OAuth access token is refreshed once and the new
tokens handed to `on_refresh` so the caller can store them.
"""

import asyncio
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import structlog

from backend.config import settings

log = structlog.get_logger(__name__)

PAGE_SIZE = 100
MAX_ATTEMPTS = 5
BACKOFF_SECONDS = 1.0
MAX_WAIT_SECONDS = 60.0
TIMEOUT = httpx.Timeout(30.0, connect=10.0)
# Refresh a little before HubSpot's expiry, so a token never dies mid-request.
EXPIRY_MARGIN = timedelta(minutes=2)


class HubSpotError(Exception):
    """HubSpot refused the request (or kept failing); `status` is its HTTP status, 0 if none."""

    def __init__(self, message: str, *, status: int = 0) -> None:
        super().__init__(message)
        self.status = status


class HubSpotAuthError(HubSpotError):
    """The token is invalid, revoked, or cannot be refreshed: the workspace must reconnect."""


@dataclass(frozen=True)
class Tokens:
    access_token: str
    refresh_token: str | None = None
    expires_at: datetime | None = None

    @property
    def expired(self) -> bool:
        return self.expires_at is not None and datetime.now(UTC) >= self.expires_at - EXPIRY_MARGIN


@dataclass(frozen=True)
class Page:
    results: list[dict[str, Any]]
    after: str | None


TokenSaver = Callable[[Tokens], Awaitable[None]]


class HubSpotClient:
    def __init__(self, tokens: Tokens, *, on_refresh: TokenSaver | None = None) -> None:
        self.tokens = tokens
        self.on_refresh = on_refresh
        self._http = httpx.AsyncClient(base_url=settings.hubspot_api_base_url, timeout=TIMEOUT)

    async def __aenter__(self) -> "HubSpotClient":
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self._http.aclose()

    async def account_details(self) -> dict[str, Any]:
        """The portal the token belongs to: `portalId`, `companyCurrency`, `timeZone`..."""
        return await self._request("GET", "/account-info/v3/details")

    async def pipelines(self) -> list[dict[str, Any]]:
        body = await self._request("GET", "/crm/v3/pipelines/deals")
        return list(body.get("results") or [])

    async def owners(self, after: str | None) -> Page:
        params = {"limit": PAGE_SIZE, **({"after": after} if after else {})}
        return _page(await self._request("GET", "/crm/v3/owners", params=params))

    async def objects(
        self,
        object_type: str,
        *,
        properties: Sequence[str],
        after: str | None,
        associations: Sequence[str] = (),
    ) -> Page:
        """One page of `GET /crm/v3/objects/{type}` (live records, with their associations)."""
        params: dict[str, Any] = {
            "limit": PAGE_SIZE,
            "properties": ",".join(properties),
            "archived": "false",
        }
        if associations:
            params["associations"] = ",".join(associations)
        if after:
            params["after"] = after
        return _page(await self._request("GET", f"/crm/v3/objects/{object_type}", params=params))

    async def modified_since(
        self,
        object_type: str,
        *,
        since: datetime,
        properties: Sequence[str],
        after: str | None,
    ) -> Page:
        """One page of records changed since `since`, oldest change first (search API)."""
        body = {
            "filterGroups": [
                {
                    "filters": [
                        {
                            "propertyName": "hs_lastmodifieddate",
                            "operator": "GTE",
                            "value": str(int(since.timestamp() * 1000)),
                        }
                    ]
                }
            ],
            "sorts": [{"propertyName": "hs_lastmodifieddate", "direction": "ASCENDING"}],
            "properties": list(properties),
            "limit": PAGE_SIZE,
            **({"after": after} if after else {}),
        }
        path = f"/crm/v3/objects/{object_type}/search"
        return _page(await self._request("POST", path, json=body))

    async def deal_ids_of(self, object_type: str, ids: Sequence[str]) -> dict[str, list[str]]:
        """The deals each record is associated with (v4 batch read), by record id."""
        if not ids:
            return {}
        path = f"/crm/v4/associations/{object_type}/deals/batch/read"
        body = await self._request("POST", path, json={"inputs": [{"id": i} for i in ids]})
        return {
            str(item["from"]["id"]): [str(to["toObjectId"]) for to in item.get("to") or []]
            for item in body.get("results") or []
        }

    async def _request(
        self,
        method: str,
        path: str,
        *,
        params: dict[str, Any] | None = None,
        json: Any = None,
    ) -> dict[str, Any]:
        refreshed = False
        for attempt in range(1, MAX_ATTEMPTS + 1):
            if self.tokens.expired and not refreshed:
                await self._refresh()
                refreshed = True
            headers = {"Authorization": f"Bearer {self.tokens.access_token}"}
            try:
                response = await self._http.request(
                    method, path, params=params, json=json, headers=headers
                )
            except httpx.TransportError as exc:
                if attempt == MAX_ATTEMPTS:
                    raise HubSpotError(f"HubSpot unreachable: {exc!r}") from exc
                await asyncio.sleep(_backoff(attempt))
                continue
            if response.status_code == 401 and self.tokens.refresh_token and not refreshed:
                await self._refresh()
                refreshed = True
                continue
            if response.status_code == 429 or response.status_code >= 500:
                if attempt == MAX_ATTEMPTS:
                    raise HubSpotError(_message(response), status=response.status_code)
                wait = _retry_after(response) or _backoff(attempt)
                log.info("hubspot_retry", status=response.status_code, wait=wait, path=path)
                await asyncio.sleep(wait)
                continue
            if response.status_code in (401, 403):
                raise HubSpotAuthError(_message(response), status=response.status_code)
            if response.is_error:
                raise HubSpotError(_message(response), status=response.status_code)
            return response.json()
        raise AssertionError("unreachable")

    async def _refresh(self) -> None:
        if not self.tokens.refresh_token:
            raise HubSpotAuthError("the access token expired and there is no refresh token")
        refreshed = await refresh_tokens(self.tokens.refresh_token)
        # HubSpot may or may not send a new refresh token; the old one stays valid if not.
        self.tokens = replace(
            refreshed, refresh_token=refreshed.refresh_token or self.tokens.refresh_token
        )
        if self.on_refresh is not None:
            await self.on_refresh(self.tokens)


async def exchange_code(code: str) -> Tokens:
    """The tokens for an authorization code (the end of HubSpot's OAuth consent)."""
    return await _token_request(
        {
            "grant_type": "authorization_code",
            "code": code,
            "redirect_uri": settings.hubspot_oauth_redirect_url,
        }
    )


async def refresh_tokens(refresh_token: str) -> Tokens:
    return await _token_request({"grant_type": "refresh_token", "refresh_token": refresh_token})


async def token_info(access_token: str) -> dict[str, Any]:
    """HubSpot's view of an OAuth access token: `hub_id` (the portal), scopes, user."""
    async with httpx.AsyncClient(base_url=settings.hubspot_api_base_url, timeout=TIMEOUT) as http:
        response = await http.get(f"/oauth/v1/access-tokens/{access_token}")
    if response.is_error:
        raise HubSpotAuthError(_message(response), status=response.status_code)
    return response.json()


async def _token_request(form: dict[str, str]) -> Tokens:
    form = {
        **form,
        "client_id": settings.hubspot_client_id,
        "client_secret": settings.hubspot_client_secret,
    }
    async with httpx.AsyncClient(base_url=settings.hubspot_api_base_url, timeout=TIMEOUT) as http:
        response = await http.post("/oauth/v1/token", data=form)
    if response.status_code >= 500:
        raise HubSpotError(_message(response), status=response.status_code)
    if response.is_error:
        raise HubSpotAuthError(_message(response), status=response.status_code)
    body = response.json()
    return Tokens(
        access_token=body["access_token"],
        refresh_token=body.get("refresh_token"),
        expires_at=datetime.now(UTC) + timedelta(seconds=int(body.get("expires_in") or 1800)),
    )


def _page(body: dict[str, Any]) -> Page:
    after = ((body.get("paging") or {}).get("next") or {}).get("after")
    return Page(list(body.get("results") or []), str(after) if after else None)


def _backoff(attempt: int) -> float:
    return min(BACKOFF_SECONDS * 2 ** (attempt - 1), MAX_WAIT_SECONDS)


def _retry_after(response: httpx.Response) -> float | None:
    value = response.headers.get("Retry-After", "")
    try:
        return min(max(float(value), 0.0), MAX_WAIT_SECONDS)
    except ValueError:
        return None


def _message(response: httpx.Response) -> str:
    try:
        message = response.json().get("message")
    except ValueError:
        message = None
    return f"HubSpot answered {response.status_code}: {message or response.text[:200]}"
