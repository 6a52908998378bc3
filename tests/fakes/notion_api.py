"""A fake Notion REST API on 127.0.0.1, so our real httpx client code runs unpatched.

    fake.add_database(db_id, "Deals", {"Name": title_schema(), "Amount": number_schema()})
    fake.put_page(page(page_id, db_id, {"Name": title_value("Acme")}))
    fake.fail_next(429, retry_after="1")     # the next request is rate-limited
    fake.requests[-1].path                   # what we asked for

It checks what Notion checks (Bearer token, Notion-Version, uuid path ids), pages database
queries with `start_cursor`/`page_size`/`next_cursor`/`has_more`, leaves trashed pages out
of queries, and answers errors in Notion's `{"object": "error", ...}` shape.
"""

import json
import threading
import uuid
from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from tests.fakes.notion_objects import fixture_page, new_id
from tests.fakes.threaded_server import ThreadedServer

JSON = dict[str, Any]
TOKEN = "ntn_fake_integration_token_0123456789abcdef"
MAX_PAGE_SIZE = 100


@dataclass(frozen=True)
class RecordedRequest:
    method: str
    path: str
    headers: dict[str, str]
    body: JSON | None
    status: int


@dataclass
class Failure:
    status: int
    retry_after: str | None
    path_contains: str
    skip: int  # matching requests let through before this one fails


class FakeNotion:
    """The server, its databases and pages, injected failures and the request log."""

    def __init__(self) -> None:
        self.token = TOKEN
        self.workspace_name = "Quantify Labs"
        self.databases: dict[str, JSON] = {}
        self.pages: dict[str, JSON] = {}
        self._failures: deque[Failure] = deque()
        self._requests: list[RecordedRequest] = []
        self._lock = threading.Lock()
        self._runner: ThreadedServer | None = None
        self._port: int | None = None
        self.app = Starlette(
            routes=[
                Route("/v1/users/me", self._me, methods=["GET"]),
                Route("/v1/databases/{database_id}", self._database, methods=["GET"]),
                Route("/v1/databases/{database_id}/query", self._query, methods=["POST"]),
                Route("/v1/pages/{page_id}", self._page, methods=["GET"]),
                Route("/{path:path}", self._unknown, methods=["GET", "POST", "PATCH"]),
            ]
        )

    @property
    def base_url(self) -> str:
        if self._port is None:
            raise RuntimeError("the fake Notion server is not running")
        return f"http://127.0.0.1:{self._port}"

    # -- test controls -----------------------------------------------------------------------

    def reset(self) -> None:
        with self._lock:
            self.token = TOKEN
            self.databases.clear()
            self.pages.clear()
            self._failures.clear()
            self._requests.clear()
        self.put_page(fixture_page())

    def add_database(self, database: JSON) -> None:
        with self._lock:
            self.databases[database["id"]] = database

    def put_page(self, page: JSON) -> None:
        """Add or replace a page (an edit in Notion is a new version of the whole page)."""
        with self._lock:
            self.pages[page["id"]] = page

    def delete_page(self, page_id: str) -> None:
        """Gone for good (or unshared): Notion answers 404 for it from now on."""
        with self._lock:
            self.pages.pop(page_id, None)

    def fail_next(
        self,
        status: int,
        *,
        times: int = 1,
        retry_after: str | None = None,
        path: str = "",
        skip: int = 0,
    ) -> None:
        """After `skip` requests whose path contains `path`, the next `times` fail."""
        with self._lock:
            self._failures.extend(
                Failure(status, retry_after, path, skip if i == 0 else 0) for i in range(times)
            )

    @property
    def requests(self) -> list[RecordedRequest]:
        with self._lock:
            return list(self._requests)

    def paths(self, method: str | None = None) -> list[str]:
        return [r.path for r in self.requests if method is None or r.method == method]

    # -- lifecycle -------------------------------------------------------------------------

    def start(self) -> "FakeNotion":
        self._runner = ThreadedServer(self.app, "the fake Notion server")
        self._port = self._runner.start()
        return self

    def stop(self) -> None:
        if self._runner is not None:
            self._runner.stop()
        self._runner = None
        self._port = None

    def __enter__(self) -> "FakeNotion":
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    # -- endpoints -------------------------------------------------------------------------

    async def _me(self, request: Request) -> Response:
        return await self._serve(
            request,
            lambda _: {
                "object": "user",
                "id": "1edc05f6-2702-81b5-8408-00279347f034",
                "name": "VectorOS",
                "avatar_url": None,
                "type": "bot",
                "bot": {
                    "owner": {"type": "workspace", "workspace": True},
                    "workspace_name": self.workspace_name,
                },
            },
        )

    async def _database(self, request: Request) -> Response:
        def answer(_: JSON | None) -> JSON | Response:
            found = self.databases.get(_key(request.path_params["database_id"]) or "")
            return found or _not_found("database", request.path_params["database_id"])

        return await self._serve(request, answer)

    async def _query(self, request: Request) -> Response:
        def answer(body: JSON | None) -> JSON | Response:
            database_id = _key(request.path_params["database_id"]) or ""
            if database_id not in self.databases:
                return _not_found("database", request.path_params["database_id"])
            body = body or {}
            size = min(int(body.get("page_size") or MAX_PAGE_SIZE), MAX_PAGE_SIZE)
            rows = [
                p
                for p in self.pages.values()
                if (p.get("parent") or {}).get("database_id") == database_id
                and not p.get("in_trash")
            ]
            start = 0
            if body.get("start_cursor"):
                ids = [p["id"] for p in rows]
                if body["start_cursor"] not in ids:
                    return _error(400, "validation_error", "start_cursor is not valid.")
                start = ids.index(body["start_cursor"])
            chunk = rows[start : start + size]
            following = rows[start + size]["id"] if start + size < len(rows) else None
            return {
                "object": "list",
                "results": chunk,
                "next_cursor": following,
                "has_more": following is not None,
                "type": "page_or_database",
                "page_or_database": {},
            }

        return await self._serve(request, answer)

    async def _page(self, request: Request) -> Response:
        def answer(_: JSON | None) -> JSON | Response:
            found = self.pages.get(_key(request.path_params["page_id"]) or "")
            return found or _not_found("page", request.path_params["page_id"])

        return await self._serve(request, answer)

    async def _unknown(self, request: Request) -> Response:
        return await self._serve(
            request, lambda _: _error(400, "invalid_request_url", "Invalid request URL.")
        )

    async def _serve(self, request: Request, answer: Any) -> Response:
        raw = await request.body()
        body = json.loads(raw) if raw else None
        response = self._check(request)
        if response is None:
            with self._lock:
                result = answer(body)
            response = result if isinstance(result, Response) else _ok(result)
        with self._lock:
            self._requests.append(
                RecordedRequest(
                    request.method,
                    request.url.path,
                    dict(request.headers),
                    body,
                    response.status_code,
                )
            )
        return response

    def _check(self, request: Request) -> Response | None:
        if request.headers.get("authorization") != f"Bearer {self.token}":
            return _error(401, "unauthorized", "API token is invalid.")
        if not request.headers.get("notion-version"):
            return _error(
                400,
                "missing_version",
                "Notion-Version header failed validation: Notion-Version header should be "
                "defined, instead was `undefined`.",
            )
        for name, value in request.path_params.items():
            if name != "path" and _key(value) is None:
                return _error(
                    400,
                    "validation_error",
                    f"path failed validation: path.{name} should be a valid uuid, "
                    f'instead was `"{value}"`.',
                )
        with self._lock:
            failure = next((f for f in self._failures if f.path_contains in request.url.path), None)
            if failure is not None and failure.skip > 0:
                failure.skip -= 1
                failure = None
            elif failure is not None:
                self._failures.remove(failure)
        if failure is None:
            return None
        if failure.status == 429:
            return _error(
                429,
                "rate_limited",
                "You have been rated limited. Please try again in a few minutes.",
                headers={"Retry-After": failure.retry_after} if failure.retry_after else None,
            )
        return _error(failure.status, "service_unavailable", "Notion is unavailable.")


def _key(value: str) -> str | None:
    try:
        return str(uuid.UUID(value))
    except ValueError:
        return None


def _ok(payload: JSON) -> Response:
    return JSONResponse({**payload, "request_id": new_id()})


def _not_found(kind: str, given: str) -> Response:
    return _error(
        404,
        "object_not_found",
        f"Could not find {kind} with ID: {given}. Make sure the relevant pages and databases "
        "are shared with your integration.",
    )


def _error(
    status: int, code: str, message: str, *, headers: dict[str, str] | None = None
) -> Response:
    body = {"object": "error", "status": status, "code": code, "message": message}
    return JSONResponse({**body, "request_id": new_id()}, status_code=status, headers=headers)


@pytest.fixture(scope="session")
def notion_server() -> Iterator[FakeNotion]:
    """One fake server for the session; use `fake_notion` in tests."""
    with FakeNotion() as fake:
        yield fake


@pytest.fixture
def fake_notion(notion_server: FakeNotion, monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeNotion]:
    """The fake holding only the fixture page, and our settings pointing at it."""
    from backend.config import settings

    notion_server.reset()
    monkeypatch.setattr(settings, "notion_api_base_url", notion_server.base_url)
    yield notion_server
    notion_server.reset()
