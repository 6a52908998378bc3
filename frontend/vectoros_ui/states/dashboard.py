"""/ : the dashboard. Filters live in the URL; live changes refresh it through LiveState."""

import dataclasses
from typing import Any
from urllib.parse import urlencode

import reflex as rx

from vectoros_ui.api import ApiError, SessionExpired
from vectoros_ui.states import live
from vectoros_ui.states.dashboard_format import PRIORITY_COLORS, Card, cards, chart_data, compact
from vectoros_ui.states.session import LOGIN_ROUTE, SessionState

DASHBOARD_ROUTE = "/"
PERIODS = {"month": "This month", "quarter": "This quarter", "year": "This year"}
DEFAULT_PERIOD = "quarter"
# The third filter: the pipeline the deals came through (a workspace has one stage list).
SOURCES = {
    "hubspot": "HubSpot",
    "import": "CSV imports",
    "manual": "Added in VectorOS",
    "notion": "Notion",
}
EVERYONE = "all"


@dataclasses.dataclass
class Owner:
    id: str
    name: str


@dataclasses.dataclass
class AtRisk:
    deal_id: str
    title: str
    amount: str
    signal: str
    priority: str
    priority_color: str


@dataclasses.dataclass
class InsightItem:
    id: str
    kind: str
    title: str
    description: str
    priority: str
    priority_color: str
    deal_id: str


def _insight(item: dict[str, Any]) -> InsightItem:
    priority = str(item["priority"])
    return InsightItem(
        id=str(item["id"]),
        kind=str(item["type"]),
        title=str(item["title"]),
        description=str(item["description"]),
        priority=priority,
        priority_color=PRIORITY_COLORS.get(priority, "gray"),
        deal_id=str(item.get("deal_id") or ""),
    )


class DashboardState(SessionState):
    period: rx.Field[str] = rx.field(DEFAULT_PERIOD)
    owner: rx.Field[str] = rx.field("")
    source: rx.Field[str] = rx.field("")

    loading: rx.Field[bool] = rx.field(True)
    error: rx.Field[str] = rx.field("")
    has_deals: rx.Field[bool] = rx.field(True)
    period_label: rx.Field[str] = rx.field("")
    cards: rx.Field[list[Card]] = rx.field(default_factory=list)
    stages: rx.Field[list[dict[str, Any]]] = rx.field(default_factory=list)
    forecast: rx.Field[list[dict[str, Any]]] = rx.field(default_factory=list)
    trend: rx.Field[list[dict[str, Any]]] = rx.field(default_factory=list)
    funnel: rx.Field[list[dict[str, Any]]] = rx.field(default_factory=list)
    activity: rx.Field[list[dict[str, Any]]] = rx.field(default_factory=list)
    has_target: rx.Field[bool] = rx.field(False)
    at_risk: rx.Field[list[AtRisk]] = rx.field(default_factory=list)
    insights: rx.Field[list[InsightItem]] = rx.field(default_factory=list)
    owners: rx.Field[list[Owner]] = rx.field(default_factory=list)
    demo_loading: rx.Field[bool] = rx.field(False)

    selected: rx.Field[InsightItem | None] = rx.field(None)
    dialog_open: rx.Field[bool] = rx.field(False)
    triaging: rx.Field[bool] = rx.field(False)

    _owners_of: str = ""

    @rx.var
    def owner_choice(self) -> str:
        return self.owner or EVERYONE

    @rx.var
    def source_choice(self) -> str:
        return self.source or EVERYONE

    @rx.var
    def has_filters(self) -> bool:
        return bool(self.period != DEFAULT_PERIOD or self.owner or self.source)

    @rx.var
    def activity_empty(self) -> bool:
        return len(self.activity) == 0

    @rx.var
    def attention_empty(self) -> bool:
        return len(self.at_risk) == 0 and len(self.insights) == 0

    def _base(self) -> str:
        return f"/api/v1/workspaces/{self.workspace_id}"

    def _url(self) -> str:
        params = {"owner": self.owner, "pipeline": self.source}
        if self.period != DEFAULT_PERIOD:
            params["period"] = self.period
        query = urlencode({k: v for k, v in params.items() if v})
        return f"{DASHBOARD_ROUTE}?{query}" if query else DASHBOARD_ROUTE

    def _read_url(self) -> None:
        params = self.router.url.query_parameters
        period = params.get("period", DEFAULT_PERIOD)
        self.period = period if period in PERIODS else DEFAULT_PERIOD
        self.owner = str(params.get("owner", "") or "")
        source = params.get("pipeline", "")
        self.source = source if source in SOURCES else ""

    def _fail(self, exc: ApiError) -> Any:
        if isinstance(exc, SessionExpired):
            return rx.redirect(LOGIN_ROUTE)
        self.error = exc.message
        return None

    async def _fetch_owners(self) -> None:
        if self._owners_of == self.workspace_id:
            return
        members = await self._api("GET", f"{self._base()}/members")
        self.owners = [Owner(id=str(m["user_id"]), name=str(m["name"])) for m in members]
        self._owners_of = self.workspace_id

    async def _fetch(self) -> None:
        query = {"period": self.period, "owner_id": self.owner, "source": self.source}
        body = await self._api(
            "GET", f"{self._base()}/dashboard?{urlencode({k: v for k, v in query.items() if v})}"
        )
        currency = str(body["currency"])
        charts = chart_data(body)
        self.has_deals = bool(body["has_deals"])
        self.period_label = str(body["period"]["label"])
        self.cards = cards(body)
        self.stages, self.forecast, self.trend = (
            charts["stages"],
            charts["forecast"],
            charts["trend"],
        )
        self.funnel, self.activity = charts["funnel"], charts["activity"]
        self.has_target = any("Target" in month for month in self.forecast)
        self.at_risk = [
            AtRisk(
                deal_id=str(d["deal_id"]),
                title=str(d["title"]),
                amount=compact(d["amount"], currency),
                signal=str(d["signal"]),
                priority=str(d["priority"]),
                priority_color=PRIORITY_COLORS.get(str(d["priority"]), "gray"),
            )
            for d in body["at_risk"]
        ]
        self.insights = [_insight(i) for i in body["newest_insights"]]

    async def _reload(self, *, quiet: bool = False):
        if not self.signed_in or not self.workspace_id:
            self.loading = False
            return
        if not quiet:
            self.loading = True
            yield
        try:
            await self._fetch_owners()
            await self._fetch()
            self.error = ""
        except ApiError as exc:
            yield self._fail(exc)
        finally:
            self.loading = False

    @rx.event
    async def load(self):
        """on_load (after require_session): the filters come from the URL."""
        self._read_url()
        async for update in self._reload():
            yield update

    @rx.event
    async def refresh(self):
        async for update in self._reload(quiet=True):
            yield update

    @rx.event
    def choose(self, name: str, value: str):
        """A filter changed: it goes into the URL, whose on_load fetches the numbers."""
        if name == "period" and value in PERIODS:
            self.period = value
        elif name == "owner":
            self.owner = "" if value == EVERYONE else value
        elif name == "source":
            self.source = "" if value == EVERYONE else value
        return rx.redirect(self._url(), replace=True)

    @rx.event
    def clear_filters(self):
        self.period, self.owner, self.source = DEFAULT_PERIOD, "", ""
        return rx.redirect(DASHBOARD_ROUTE, replace=True)

    @rx.event
    def workspace_changed(self):
        self._owners_of = ""
        # Another workspace's numbers must not show while this one's load.
        self.owners, self.cards, self.at_risk, self.insights = [], [], [], []
        self.loading = True
        return self.clear_filters()

    @rx.event
    async def load_demo_data(self):
        """Fill the empty workspace with generated deals; a toast says when it is done."""
        self.error = ""
        self.demo_loading = True
        yield
        try:
            loaded = await self._api("POST", f"{self._base()}/demo-data")
            self._owners_of = ""
        except ApiError as exc:
            self.demo_loading = False
            yield self._fail(exc)
            yield rx.toast.error("Demo data could not be loaded.")
            return
        self.demo_loading = False
        async for update in self._reload():
            yield update
        yield rx.toast.success(
            f"Demo data loaded: {loaded['deals']} deals and {loaded['insights']} insights."
        )

    @rx.event
    async def open_insight(self, insight_id: str):
        """Show one insight in a dialog; opening a new one marks it viewed."""
        item = next((i for i in self.insights if i.id == insight_id), None)
        if item is None:
            return
        self.selected = item
        self.dialog_open = True
        try:
            await self._api(
                "PATCH", f"{self._base()}/insights/{insight_id}", json={"status": "viewed"}
            )
        except ApiError:
            pass  # already viewed, actioned elsewhere, or gone: the dialog still shows it

    @rx.event
    def set_dialog_open(self, value: bool):
        self.dialog_open = value

    @rx.event
    async def triage(self, status: str):
        """Mark the open insight actioned or dismissed; it leaves the open list."""
        if self.selected is None:
            return
        self.triaging = True
        yield
        try:
            await self._api(
                "PATCH", f"{self._base()}/insights/{self.selected.id}", json={"status": status}
            )
        except ApiError as exc:
            self.triaging = False
            yield self._fail(exc)
            return
        self.triaging = False
        self.dialog_open = False
        self.insights = [i for i in self.insights if i.id != self.selected.id]
        yield rx.toast.success(
            "Insight marked as actioned." if status == "actioned" else "Insight dismissed."
        )
        async for update in self._reload(quiet=True):
            yield update


def _on_change(changes: list[live.Change]) -> list[Any]:
    events: list[Any] = [DashboardState.refresh]
    created = [c for c in changes if c.type == "insight.created"]
    if created:
        count = len(created)
        events.append(
            rx.toast.info(
                "A new insight arrived." if count == 1 else f"{count} new insights arrived."
            )
        )
    return events


live.on_change("dashboard", ("deal.", "activity.", "insight.", "demo."), _on_change)
