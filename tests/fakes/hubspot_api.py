"""A fake HubSpot API on 127.0.0.1 serving real fixture records in HubSpot's wire format.

    fake.fail("/crm/v3/objects/deals", status=429, times=2, retry_after=1)
    fake.hold("/crm/v3/objects/deals", after="100")   # block that page until fake.release()
    fake.requests                                      # what our client asked, in order

Lists page like HubSpot's (`paging.next.after` and `link`, `limit` up to 100), search
filters on `hs_lastmodifieddate` and stops at 10,000 results, engagements carry their deal
associations (v3 `associations=deals`, v4 batch read), and OAuth tokens can be exchanged,
refreshed and expired.
"""

import asyncio
import copy
import threading
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from tests.fakes import hubspot_records as records
from tests.fakes.threaded_server import ThreadedServer

JSON = dict[str, Any]
MAX_LIMIT = 100
SEARCH_CAP = 10_000
CLIENT_ID = "fake-client-id"
CLIENT_SECRET = "fake-client-secret"


@dataclass(frozen=True)
class RecordedRequest:
    method: str
    path: str
    query: dict[str, str]
    body: Any
    status: int
    authorization: str | None


@dataclass
class Fault:
    path: str
    status: int
    times: int
    retry_after: int | None
    after: str | None = None  # only the request for this page (its `after` cursor)


@dataclass
class Hold:
    path: str
    after: str | None
    released: threading.Event = field(default_factory=threading.Event)
    reached: threading.Event = field(default_factory=threading.Event)


class FakeHubSpot:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._runner: ThreadedServer | None = None
        self._port: int | None = None
        self.reset()
        self.app = Starlette(
            routes=[
                Route("/account-info/v3/details", self._account),
                Route("/crm/v3/pipelines/deals", self._pipelines),
                Route("/crm/v3/owners", self._owners),
                Route("/crm/v3/objects/{object_type}/search", self._search, methods=["POST"]),
                Route("/crm/v3/objects/{object_type}", self._list),
                Route(
                    "/crm/v4/associations/{object_type}/deals/batch/read",
                    self._associations,
                    methods=["POST"],
                ),
                Route("/oauth/v1/token", self._token, methods=["POST"]),
                Route("/oauth/v1/access-tokens/{token}", self._token_info),
                Route("/{path:path}", self._not_found, methods=["GET", "POST"]),
            ]
        )

    # Test controls

    def reset(self) -> None:
        with self._lock:
            self.portal_id = records.PORTAL_ID
            self.currency = "USD"
            self.pipelines = records.pipelines()
            self.deals = records.deals()
            self.owners = [records.owner(records.OWNER_ID, "owner@example.com")]
            self.engagements = records.engagements()
            # Valid access tokens; OAuth ones also have a refresh token and can expire.
            self.tokens: set[str] = {"pat-na1-fixture-token"}
            self.expired: set[str] = set()
            self.refresh_tokens: dict[str, str] = {}
            self.codes: set[str] = set()
            self._faults: list[Fault] = []
            self._holds: list[Hold] = []
            self._requests: list[RecordedRequest] = []

    @property
    def base_url(self) -> str:
        assert self._port is not None, "the fake HubSpot server is not running"
        return f"http://127.0.0.1:{self._port}"

    @property
    def requests(self) -> list[RecordedRequest]:
        with self._lock:
            return list(self._requests)

    def requests_to(self, path: str) -> list[RecordedRequest]:
        return [r for r in self.requests if r.path == path]

    def fail(
        self,
        path: str,
        *,
        status: int,
        times: int = 1,
        retry_after: int | None = None,
        after: str | None = None,
    ) -> None:
        """Answer the next `times` requests to `path` (that page, if `after`) with `status`."""
        with self._lock:
            self._faults.append(Fault(path, status, times, retry_after, after))

    def hold(self, path: str, *, after: str | None = None) -> Hold:
        """Keep the request for this page open until `release()` (the worker-kill test)."""
        hold = Hold(path, after)
        with self._lock:
            self._holds.append(hold)
        return hold

    def release(self) -> None:
        with self._lock:
            holds, self._holds = self._holds, []
        for hold in holds:
            hold.released.set()

    def authorize_code(self, code: str) -> None:
        with self._lock:
            self.codes.add(code)

    # Server

    def start(self) -> "FakeHubSpot":
        self._runner = ThreadedServer(self.app, "the fake HubSpot server")
        self._port = self._runner.start()
        return self

    def stop(self) -> None:
        self.release()
        if self._runner is not None:
            self._runner.stop()
        self._runner = None
        self._port = None

    # Endpoints

    async def _account(self, request: Request) -> Response:
        return await self._serve(
            request,
            lambda: {
                "portalId": self.portal_id,
                "timeZone": "US/Eastern",
                "companyCurrency": self.currency,
                "additionalCurrencies": [],
                "utcOffset": "-05:00",
                "utcOffsetMilliseconds": -18000000,
                "uiDomain": "app.hubspot.com",
                "dataHostingLocation": "na1",
            },
        )

    async def _pipelines(self, request: Request) -> Response:
        return await self._serve(request, lambda: {"results": copy.deepcopy(self.pipelines)})

    async def _owners(self, request: Request) -> Response:
        return await self._serve(request, lambda: self._paged(request, self.owners))

    async def _list(self, request: Request) -> Response:
        object_type = request.path_params["object_type"]

        def body() -> JSON:
            archived = request.query_params.get("archived", "false") == "true"
            items = [r for r in self._objects(object_type) if bool(r["archived"]) == archived]
            wanted = request.query_params.get("associations", "")
            page = self._paged(request, items)
            page["results"] = [
                self._shaped(r, "deals" in wanted.split(",")) for r in page["results"]
            ]
            return page

        return await self._serve(request, body)

    async def _search(self, request: Request) -> Response:
        object_type = request.path_params["object_type"]
        payload = await request.json()

        def body() -> JSON | tuple[int, JSON]:
            after = int(payload.get("after") or 0)
            if after >= SEARCH_CAP:
                return 400, _error("VALIDATION_ERROR", "Paging past 10000 results is not allowed")
            since = None
            for group in payload.get("filterGroups") or []:
                for condition in group.get("filters") or []:
                    if condition.get("propertyName") == "hs_lastmodifieddate":
                        since = int(condition["value"])
            live = [r for r in self._objects(object_type) if not r["archived"]]
            if since is not None:
                live = [r for r in live if _ms(r["properties"].get("hs_lastmodifieddate")) >= since]
            live.sort(key=lambda r: (_ms(r["properties"].get("hs_lastmodifieddate")), r["id"]))
            limit = min(int(payload.get("limit") or 10), 200)
            chunk = [self._shaped(r, False) for r in live[after : after + limit]]
            result: JSON = {"total": len(live), "results": chunk}
            if after + limit < len(live):
                result["paging"] = {"next": {"after": str(after + limit)}}
            return result

        return await self._serve(request, body, raw_body=payload)

    async def _associations(self, request: Request) -> Response:
        object_type = request.path_params["object_type"]
        payload = await request.json()

        def body() -> JSON:
            by_id = {r["id"]: r for r in self._objects(object_type)}
            results = []
            for item in payload.get("inputs") or []:
                record = by_id.get(str(item["id"]))
                if record is None:
                    continue
                results.append(
                    {
                        "from": {"id": record["id"]},
                        "to": [
                            {
                                "toObjectId": int(deal_id),
                                "associationTypes": [
                                    {"category": "HUBSPOT_DEFINED", "typeId": 214, "label": None}
                                ],
                            }
                            for deal_id in record.get("deal_ids", [])
                        ],
                    }
                )
            return {
                "status": "COMPLETE",
                "results": results,
                "startedAt": records.iso(_now()),
                "completedAt": records.iso(_now()),
            }

        return await self._serve(request, body, raw_body=payload)

    async def _token(self, request: Request) -> Response:
        form = dict(await request.form())
        status, body = self._grant(form)
        self._record(request, {k: v for k, v in form.items() if k != "client_secret"}, status, None)
        return JSONResponse(body, status_code=status)

    async def _token_info(self, request: Request) -> Response:
        token = request.path_params["token"]
        with self._lock:
            known = token in self.tokens and token not in self.expired
        self._record(request, None, 200 if known else 404, None)
        if not known:
            return JSONResponse(_error("NOT_FOUND", "Token not found"), status_code=404)
        return JSONResponse(
            {
                "token": token,
                "user": "admin@example.com",
                "hub_domain": "example.com",
                "scopes": ["oauth", "crm.objects.deals.read"],
                "hub_id": self.portal_id,
                "app_id": 123456,
                "expires_in": 1700,
                "user_id": 42,
                "token_type": "access",
            }
        )

    async def _not_found(self, request: Request) -> Response:
        self._record(request, None, 404, request.headers.get("authorization"))
        return JSONResponse(_error("NOT_FOUND", "Not found"), status_code=404)

    # Machinery

    async def _serve(self, request: Request, body: Any, *, raw_body: Any = None) -> Response:
        auth = request.headers.get("authorization")
        params = dict(request.query_params)
        after = params.get("after") or _after_of(raw_body)
        fault = self._take_fault(request.url.path, after)
        hold = self._hold_for(request.url.path, after)
        if hold is not None:
            hold.reached.set()
            while not hold.released.is_set():
                await asyncio.sleep(0.05)
        status, payload, headers = 200, None, {}
        token = (auth or "").removeprefix("Bearer ").strip()
        with self._lock:
            valid, expired = token in self.tokens, token in self.expired
        if not valid or expired:
            status = 401
            category = "EXPIRED_AUTHENTICATION" if expired else "INVALID_AUTHENTICATION"
            payload = _error(category, "Authentication credentials not found.")
        elif fault is not None:
            status = fault.status
            if fault.status == 429:
                payload = _error("RATE_LIMITS", "You have reached your secondly limit.")
                payload["policyName"] = "SECONDLY"
                if fault.retry_after is not None:
                    headers["Retry-After"] = str(fault.retry_after)
            else:
                payload = _error("INTERNAL_ERROR", "internal error")
        else:
            produced = body()
            if isinstance(produced, tuple):
                status, payload = produced
            else:
                payload = produced
        self._record(request, raw_body, status, auth, params)
        return JSONResponse(payload, status_code=status, headers=headers)

    def _grant(self, form: dict[str, Any]) -> tuple[int, JSON]:
        if form.get("client_id") != CLIENT_ID or form.get("client_secret") != CLIENT_SECRET:
            return 400, _error("BAD_CLIENT_ID", "missing or unknown client id")
        with self._lock:
            if form.get("grant_type") == "authorization_code":
                if form.get("code") not in self.codes:
                    return 400, _error("BAD_AUTH_CODE", "missing or unknown auth code")
                self.codes.discard(form["code"])
            elif form.get("grant_type") == "refresh_token":
                if form.get("refresh_token") not in self.refresh_tokens:
                    return 400, _error("BAD_REFRESH_TOKEN", "missing or unknown refresh token")
            else:
                return 400, _error("BAD_GRANT_TYPE", "unsupported grant_type")
            access, refresh = f"oauth-{uuid.uuid4().hex}", f"refresh-{uuid.uuid4().hex}"
            self.tokens.add(access)
            self.refresh_tokens[refresh] = access
        return 200, {
            "token_type": "bearer",
            "access_token": access,
            "refresh_token": refresh,
            "expires_in": 1800,
        }

    def _objects(self, object_type: str) -> list[JSON]:
        with self._lock:
            if object_type == "deals":
                return copy.deepcopy(self.deals)
            return copy.deepcopy(self.engagements.get(object_type, []))

    def _shaped(self, record: JSON, with_deals: bool) -> JSON:
        shaped = {k: v for k, v in record.items() if k not in ("deal_ids", "association_type")}
        if with_deals and record.get("deal_ids"):
            shaped["associations"] = {
                "deals": {
                    "results": [
                        {"id": d, "type": record["association_type"]} for d in record["deal_ids"]
                    ]
                }
            }
        return shaped

    def _paged(self, request: Request, items: list[JSON]) -> JSON:
        limit = min(int(request.query_params.get("limit") or 10), MAX_LIMIT)
        offset = int(request.query_params.get("after") or 0)
        page: JSON = {"results": items[offset : offset + limit]}
        if offset + limit < len(items):
            after = str(offset + limit)
            link = str(request.url.include_query_params(after=after))
            page["paging"] = {"next": {"after": after, "link": link}}
        return page

    def _take_fault(self, path: str, after: str | None) -> Fault | None:
        with self._lock:
            for fault in self._faults:
                page_matches = fault.after is None or fault.after == after
                if fault.path == path and fault.times > 0 and page_matches:
                    fault.times -= 1
                    return fault
        return None

    def _hold_for(self, path: str, after: str | None) -> Hold | None:
        with self._lock:
            for hold in self._holds:
                if hold.path == path and hold.after == after and not hold.released.is_set():
                    return hold
        return None

    def _record(
        self,
        request: Request,
        body: Any,
        status: int,
        auth: str | None,
        params: dict[str, str] | None = None,
    ) -> None:
        entry = RecordedRequest(
            request.method,
            request.url.path,
            params or dict(request.query_params),
            body,
            status,
            auth,
        )
        with self._lock:
            self._requests.append(entry)


def _error(category: str, message: str) -> JSON:
    return {
        "status": "error",
        "message": message,
        "correlationId": str(uuid.uuid4()),
        "category": category,
    }


def _after_of(body: Any) -> str | None:
    return str(body["after"]) if isinstance(body, dict) and body.get("after") else None


def _ms(value: str | None) -> int:
    if not value:
        return 0
    return int(datetime.fromisoformat(value.replace("Z", "+00:00")).timestamp() * 1000)


def _now() -> datetime:
    return datetime.now(UTC)


@pytest.fixture(scope="session")
def hubspot_server() -> Iterator[FakeHubSpot]:
    """One fake server for the session; use `fake_hubspot` in tests."""
    fake = FakeHubSpot().start()
    yield fake
    fake.stop()


@pytest.fixture
def fake_hubspot(
    hubspot_server: FakeHubSpot, monkeypatch: pytest.MonkeyPatch
) -> Iterator[FakeHubSpot]:
    """The fake with its fixture records, and our settings pointed at it."""
    from backend.config import settings

    hubspot_server.reset()
    monkeypatch.setattr(settings, "hubspot_api_base_url", hubspot_server.base_url)
    monkeypatch.setattr(settings, "hubspot_client_id", CLIENT_ID)
    monkeypatch.setattr(settings, "hubspot_client_secret", CLIENT_SECRET)
    yield hubspot_server
    hubspot_server.release()
    hubspot_server.reset()
