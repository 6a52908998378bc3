"""What the benchmark requests: the read paths a CRM user waits on, with realistic arguments.

Only routes the running backend publishes in /openapi.json are measured; the others are
reported as skipped, as are query parameters a route does not declare.
"""

import random
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

import httpx

from devtools.generator import catalog

WS = "/api/v1/workspaces/{workspace_id}"
DEALS = f"{WS}/deals"
Params = dict[str, Any]


@dataclass(frozen=True)
class Case:
    name: str
    route: str
    # Builds one request: the concrete path and its query parameters.
    build: Callable[[random.Random], tuple[str, Params]]
    # Parameters the case cannot do without (skipped when the route lacks them).
    needs: tuple[str, ...] = ()


@dataclass
class Workspace:
    """Ids and cursors read from the benchmark workspace, to aim requests at real rows."""

    id: str
    open_stage_ids: list[str] = field(default_factory=list)
    owner_ids: list[str] = field(default_factory=list)
    deal_ids: list[str] = field(default_factory=list)
    deep_cursors: list[str] = field(default_factory=list)


class Api:
    """An httpx client logged in as the bench account; logs in again when the token expires."""

    def __init__(self, base: str, email: str, password: str) -> None:
        self.client = httpx.Client(base_url=base, timeout=60)
        self.email, self.password = email, password
        self._login()

    def _login(self) -> None:
        response = self.client.post(
            "/api/v1/auth/login", json={"email": self.email, "password": self.password}
        )
        response.raise_for_status()
        self.client.headers["Authorization"] = f"Bearer {response.json()['access_token']}"

    def get(self, path: str, params: Params | None = None) -> httpx.Response:
        response = self.client.get(path, params=params)
        if response.status_code == 401:
            self._login()
            response = self.client.get(path, params=params)
        return response

    def json(self, path: str, params: Params | None = None) -> Any:
        response = self.get(path, params)
        response.raise_for_status()
        return response.json()


def explore(api: Api, workspace_id: str, routes: dict[str, set[str]]) -> Workspace:
    """Stage, owner and deal ids plus cursors ~5,000 rows deep, from the API itself."""
    ws = Workspace(workspace_id)
    base = WS.format(workspace_id=workspace_id)
    if f"{WS}/stages" in routes:
        stages = api.json(f"{base}/stages")
        ws.open_stage_ids = [s["id"] for s in stages if s.get("kind") == "open"]
    members = api.json(f"{base}/members")
    ws.owner_ids = [m["user_id"] for m in members]
    if DEALS not in routes:
        return ws
    for sort in ("-created_at", "amount", "title", "expected_close_date"):
        page = api.json(f"{base}/deals", {"limit": 200, "sort": sort})
        ws.deal_ids += [d["id"] for d in page["items"]]
    cursor = None
    for depth in range(25):
        page = api.json(f"{base}/deals", {"limit": 200, **({"cursor": cursor} if cursor else {})})
        cursor = page.get("next_cursor")
        if cursor is None:
            break
        if depth >= 10:
            ws.deep_cursors.append(cursor)
    return ws


def cases(ws: Workspace) -> list[Case]:
    base = WS.format(workspace_id=ws.id)

    def deal_path(suffix: str) -> Callable[[random.Random], tuple[str, Params]]:
        return lambda rng: (f"{base}/deals/{rng.choice(ws.deal_ids)}{suffix}", {})

    def fixed(path: str, params: Params | None = None) -> Callable[..., tuple[str, Params]]:
        return lambda rng: (path, dict(params or {}))

    def search(rng: random.Random) -> tuple[str, Params]:
        term = rng.choice(
            [
                rng.choice(catalog.COMPANY_HEADS) + rng.choice(catalog.COMPANY_TAILS),
                rng.choice(catalog.LAST_NAMES),
                rng.choice(catalog.COMPANY_HEADS),
            ]
        )
        return f"{base}/deals", {"q": term.lower()}

    def stage_and_owner(rng: random.Random) -> tuple[str, Params]:
        params: Params = {"sort": "expected_close_date"}
        if ws.open_stage_ids:
            params["stage_id"] = rng.choice(ws.open_stage_ids)
        params["owner_id"] = rng.choice(ws.owner_ids)
        return f"{base}/deals", params

    def amount_and_dates(rng: random.Random) -> tuple[str, Params]:
        year = rng.choice((2025, 2026))
        return f"{base}/deals", {
            "amount_min": rng.choice((500, 1000, 5000)),
            "close_date_from": f"{year}-01-01",
            "close_date_to": f"{year}-12-31",
            "sort": "-amount",
        }

    def quarter(rng: random.Random) -> tuple[str, Params]:
        year, first_month = rng.choice((2025, 2026)), rng.choice((1, 4, 7, 10))
        start = date(year, first_month, 1)
        end = (start + timedelta(days=93)).replace(day=1) - timedelta(days=1)
        return f"{base}/analytics/conversion", {"from": start.isoformat(), "to": end.isoformat()}

    return [
        Case("deals: first page", DEALS, fixed(f"{base}/deals")),
        Case(
            "deals: open, by amount",
            DEALS,
            fixed(f"{base}/deals", {"status": "open", "sort": "-amount"}),
            needs=("status", "sort"),
        ),
        Case("deals: stage + owner, by close date", DEALS, stage_and_owner, ("owner_id",)),
        Case(
            "deals: amount + close-date range",
            DEALS,
            amount_and_dates,
            ("amount_min", "close_date_from"),
        ),
        Case(
            "deals: deep page (cursor)",
            DEALS,
            lambda rng: (f"{base}/deals", {"cursor": rng.choice(ws.deep_cursors)}),
            ("cursor",),
        ),
        Case("deals: text search", DEALS, search, ("q",)),
        Case("deal: read", f"{DEALS}/{{deal_id}}", deal_path("")),
        Case("deal: timeline", f"{DEALS}/{{deal_id}}/timeline", deal_path("/timeline")),
        Case("deal: history", f"{DEALS}/{{deal_id}}/history", deal_path("/history")),
        Case("activities: feed", f"{WS}/activities", fixed(f"{base}/activities")),
        Case(
            "analytics: pipeline",
            f"{WS}/analytics/pipeline",
            fixed(f"{base}/analytics/pipeline"),
        ),
        Case(
            "analytics: conversion",
            f"{WS}/analytics/conversion",
            fixed(f"{base}/analytics/conversion"),
        ),
        Case(
            "analytics: conversion, one owner",
            f"{WS}/analytics/conversion",
            lambda rng: (f"{base}/analytics/conversion", {"owner_id": rng.choice(ws.owner_ids)}),
            ("owner_id",),
        ),
        Case(
            "analytics: conversion, one quarter",
            f"{WS}/analytics/conversion",
            quarter,
            ("from", "to"),
        ),
        Case(
            "analytics: performance",
            f"{WS}/analytics/performance",
            fixed(f"{base}/analytics/performance"),
        ),
        Case(
            "analytics: forecast",
            f"{WS}/analytics/forecast",
            fixed(f"{base}/analytics/forecast"),
        ),
    ]


def routes_of(openapi: dict[str, Any]) -> dict[str, set[str]]:
    """GET routes of the running backend and the query parameters each declares."""
    routes = {}
    for path, operations in openapi.get("paths", {}).items():
        get = operations.get("get")
        if get is not None:
            routes[path] = {p["name"] for p in get.get("parameters", []) if p["in"] == "query"}
    return routes


def missing(case: Case, routes: dict[str, set[str]], ws: Workspace) -> str | None:
    """Why the case cannot run against this backend, or None."""
    if case.route not in routes:
        return "route not in /openapi.json"
    absent = [p for p in case.needs if p not in routes[case.route]]
    if absent:
        return f"route has no {', '.join(absent)} parameter"
    if "{deal_id}" in case.route and not ws.deal_ids:
        return "no deals listed"
    if "cursor" in case.needs and not ws.deep_cursors:
        return "no deep cursor (fewer than ~2,000 deals)"
    return None


def prune(params: Params, declared: set[str]) -> Params:
    """Drop query parameters the route does not declare (it would reject or ignore them)."""
    return {k: v for k, v in params.items() if k in declared}
