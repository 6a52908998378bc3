"""/insights : the feed of insights, most urgent first, triaged in place; runs generate more."""

import asyncio
import dataclasses
from decimal import Decimal
from typing import Any
from urllib.parse import urlencode

import reflex as rx

from vectoros_ui.api import ApiError, SessionExpired
from vectoros_ui.states.deals import ANY, can_write
from vectoros_ui.states.session import LOGIN_ROUTE, SessionState

INSIGHTS_ROUTE = "/insights"
PAGE_SIZE = 20
# The default view: what still needs someone's attention.
OPEN = "open"
OPEN_STATUSES = ("new", "viewed")
STATUSES = ["new", "viewed", "actioned", "dismissed"]
PRIORITIES = ["critical", "high", "medium", "low"]
TYPES = ["risk", "recommendation", "prediction", "summary"]
PRIORITY_COLORS = {"critical": "red", "high": "orange", "medium": "amber", "low": "gray"}
# Statuses an insight may move to from each status (the backend enforces the same rules).
NEXT_STATUSES = {"new": ("viewed", "actioned", "dismissed"), "viewed": ("actioned", "dismissed")}
POLL_SECONDS = 1.5
POLL_TRIES = 40
FINISHED_RUN = ("succeeded", "failed")


@dataclasses.dataclass
class Evidence:
    label: str
    value: str


@dataclasses.dataclass
class InsightCard:
    id: str
    kind: str
    title: str
    description: str
    priority: str
    priority_color: str
    confidence_label: str
    evidence: list[Evidence]
    suggested_actions: list[str]
    deal_id: str
    status: str
    generated_without_ai: bool
    created_at: str
    can_view: bool
    can_close: bool


def evidence_value(value: Any) -> str:
    """Numbers without float noise: 0.3333333 -> '0.33', 21.0 -> '21'."""
    if isinstance(value, bool) or not isinstance(value, int | float | Decimal):
        return str(value)
    number = Decimal(str(value)).quantize(Decimal("0.01")).normalize()
    return f"{number:,f}"


def to_card(item: dict[str, Any]) -> InsightCard:
    status = str(item["status"])
    priority = str(item["priority"])
    evidence = item.get("evidence") or {}
    return InsightCard(
        id=str(item["id"]),
        kind=str(item["type"]),
        title=str(item["title"]),
        description=str(item["description"]),
        priority=priority,
        priority_color=PRIORITY_COLORS.get(priority, "gray"),
        confidence_label=f"{round(Decimal(str(item['confidence'])) * 100)}% confidence",
        evidence=[
            Evidence(label=str(key).replace("_", " ").capitalize(), value=evidence_value(value))
            for key, value in evidence.items()
        ],
        suggested_actions=[str(action) for action in item.get("suggested_actions") or []],
        deal_id=str(item.get("deal_id") or ""),
        status=status,
        generated_without_ai=bool(item.get("generated_without_ai")),
        created_at=str(item["created_at"]),
        can_view=status == "new",
        can_close=status in NEXT_STATUSES,
    )


class InsightsState(SessionState):
    insights: rx.Field[list[InsightCard]] = rx.field(default_factory=list)
    total: rx.Field[int] = rx.field(0)
    has_more: rx.Field[bool] = rx.field(False)
    loading: rx.Field[bool] = rx.field(True)
    loading_more: rx.Field[bool] = rx.field(False)
    error: rx.Field[str] = rx.field("")
    notice: rx.Field[str] = rx.field("")
    generating: rx.Field[bool] = rx.field(False)

    status: rx.Field[str] = rx.field(OPEN)
    priority: rx.Field[str] = rx.field("")
    kind: rx.Field[str] = rx.field("")

    _next_cursor: str = ""
    _run_id: str = ""

    @rx.var
    def can_triage(self) -> bool:
        return can_write(self.workspace_role)

    @rx.var
    def has_filters(self) -> bool:
        return bool(self.status != OPEN or self.priority or self.kind)

    @rx.var
    def total_label(self) -> str:
        return f"{self.total} insight" if self.total == 1 else f"{self.total} insights"

    @rx.var
    def status_choice(self) -> str:
        return self.status or ANY

    @rx.var
    def priority_choice(self) -> str:
        return self.priority or ANY

    @rx.var
    def kind_choice(self) -> str:
        return self.kind or ANY

    def _base(self) -> str:
        return f"/api/v1/workspaces/{self.workspace_id}/insights"

    def _url(self) -> str:
        params = {"priority": self.priority, "type": self.kind}
        params = {name: value for name, value in params.items() if value}
        if self.status != OPEN:
            params["status"] = self.status or ANY
        return f"{INSIGHTS_ROUTE}?{urlencode(params)}" if params else INSIGHTS_ROUTE

    def _current_url(self) -> str:
        url = self.router.url
        return f"{url.path}?{url.query}" if url.query else url.path

    def _read_url(self) -> None:
        params = self.router.url.query_parameters
        status = params.get("status", OPEN)
        self.status = "" if status == ANY else status if status in STATUSES else OPEN
        self.priority = params.get("priority", "") if params.get("priority") in PRIORITIES else ""
        self.kind = params.get("type", "") if params.get("type") in TYPES else ""

    def _list_path(self, cursor: str = "") -> str:
        statuses = OPEN_STATUSES if self.status == OPEN else (self.status,) if self.status else ()
        params: list[tuple[str, str]] = [("status", status) for status in statuses]
        if self.priority:
            params.append(("priority", self.priority))
        if self.kind:
            params.append(("type", self.kind))
        params.append(("limit", str(PAGE_SIZE)))
        if cursor:
            params.append(("cursor", cursor))
        return f"{self._base()}?{urlencode(params)}"

    async def _fetch_page(self, cursor: str = "") -> None:
        page = await self._api("GET", self._list_path(cursor))
        cards = [to_card(item) for item in page["items"]]
        self.insights = [*self.insights, *cards] if cursor else cards
        self.total = int(page["total"])
        self._next_cursor = str(page.get("next_cursor") or "")
        self.has_more = bool(self._next_cursor)

    def _fail(self, exc: ApiError) -> Any:
        if isinstance(exc, SessionExpired):
            return rx.redirect(LOGIN_ROUTE)
        self.error = exc.message
        return None

    async def _reload(self):
        self.error = ""
        if not self.signed_in or not self.workspace_id:
            self.insights, self.total, self.loading = [], 0, False
            return
        self.loading = True
        yield
        try:
            await self._fetch_page()
        except ApiError as exc:
            self.insights, self.total, self.has_more = [], 0, False
            yield self._fail(exc)
        finally:
            self.loading = False

    def _navigate(self):
        target = self._url()
        if target != self._current_url():
            return [rx.redirect(target, replace=True)]
        return [InsightsState.refresh]

    @rx.event
    async def load(self):
        """on_load (after require_session): the filters come from the URL."""
        self.notice = ""
        self._read_url()
        async for update in self._reload():
            yield update

    @rx.event
    async def refresh(self):
        async for update in self._reload():
            yield update

    @rx.event
    async def load_more(self):
        if not self._next_cursor:
            return
        self.loading_more = True
        yield
        try:
            await self._fetch_page(self._next_cursor)
        except ApiError as exc:
            yield self._fail(exc)
        finally:
            self.loading_more = False

    @rx.event
    def choose(self, name: str, value: str):
        """A filter select changed (status, priority or kind)."""
        if name in ("status", "priority", "kind"):
            setattr(self, name, "" if value == ANY else value)
        return self._navigate()

    @rx.event
    def clear_filters(self):
        self.status, self.priority, self.kind = OPEN, "", ""
        return self._navigate()

    @rx.event
    def workspace_changed(self):
        return self.clear_filters()

    def _replace(self, card: InsightCard) -> None:
        self.insights = [card if c.id == card.id else c for c in self.insights]

    @rx.event
    async def set_status(self, insight_id: str, status: str):
        """Triage one insight; it stays in place (with its new status) until the next reload."""
        self.error, self.notice = "", ""
        try:
            updated = await self._api(
                "PATCH", f"{self._base()}/{insight_id}", json={"status": status}
            )
        except ApiError as exc:
            yield self._fail(exc)
            if exc.status == 409:
                # Someone else moved it first: show where it really is now.
                try:
                    self._replace(to_card(await self._api("GET", f"{self._base()}/{insight_id}")))
                except ApiError:
                    pass
            return
        self._replace(to_card(updated))

    @rx.event
    async def generate(self):
        """Start a run (or join the one under way) and follow it until it finishes."""
        self.error, self.notice = "", ""
        try:
            started = await self._api("POST", f"{self._base()}/generate")
        except ApiError as exc:
            yield self._fail(exc)
            return
        self._run_id = str(started["run_id"])
        self.generating = True
        yield InsightsState.follow_run

    @rx.event(background=True)
    async def follow_run(self):
        """Poll the run every POLL_SECONDS, a bounded number of times; reload when it is done."""
        for _ in range(POLL_TRIES):
            await asyncio.sleep(POLL_SECONDS)
            async with self:
                if not self.generating or not self._run_id:
                    return
                try:
                    run = await self._api("GET", f"{self._base()}/runs/{self._run_id}")
                except ApiError as exc:
                    self.generating = False
                    self._fail(exc)
                    return
                if run["status"] in FINISHED_RUN:
                    self.generating = False
                    if run["status"] == "failed":
                        self.error = str(run.get("error") or "The insight run failed.")
                    return InsightsState.refresh
        async with self:
            self.generating = False
            self.notice = "Insights are still being generated; they will appear here shortly."
