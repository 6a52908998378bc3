"""/deals : the filtered, sorted deal table; its filters live in the URL so a view can be shared."""

from typing import Any
from urllib.parse import urlencode

import reflex as rx

from vectoros_ui.api import ApiError, SessionExpired
from vectoros_ui.states.records import (
    DealRow,
    MemberOption,
    StageOption,
    fetch_options,
    owner_names,
    to_deal_row,
)
from vectoros_ui.states.session import LOGIN_ROUTE, SessionState

DEALS_ROUTE = "/deals"
PAGE_SIZE = 25
# Radix selects cannot hold "": this value stands for "no filter".
ANY = "any"
STATUSES = ["open", "won", "lost"]
DEFAULT_SORT = "-updated_at"
SORTABLE = ("title", "amount", "expected_close_date", "updated_at")
# URL query name -> the deal list API's parameter.
FILTERS = {
    "q": "q",
    "stage": "stage_id",
    "status": "status",
    "owner": "owner_id",
    "close_from": "close_date_from",
    "close_to": "close_date_to",
    "amount_min": "amount_min",
    "amount_max": "amount_max",
}
# Filters typed into the form (the selects apply as soon as they change).
TYPED_FILTERS = ("q", "close_from", "close_to", "amount_min", "amount_max")


def can_write(role: str) -> bool:
    return role not in ("", "viewer")


class DealsState(SessionState):
    deals: rx.Field[list[DealRow]] = rx.field(default_factory=list)
    total: rx.Field[int] = rx.field(0)
    has_more: rx.Field[bool] = rx.field(False)
    loading: rx.Field[bool] = rx.field(True)
    loading_more: rx.Field[bool] = rx.field(False)
    error: rx.Field[str] = rx.field("")
    stages: rx.Field[list[StageOption]] = rx.field(default_factory=list)
    members: rx.Field[list[MemberOption]] = rx.field(default_factory=list)

    q: rx.Field[str] = rx.field("")
    stage: rx.Field[str] = rx.field("")
    status: rx.Field[str] = rx.field("")
    owner: rx.Field[str] = rx.field("")
    close_from: rx.Field[str] = rx.field("")
    close_to: rx.Field[str] = rx.field("")
    amount_min: rx.Field[str] = rx.field("")
    amount_max: rx.Field[str] = rx.field("")
    sort: rx.Field[str] = rx.field(DEFAULT_SORT)
    # A new key remounts the typed filters, when the URL changed them behind the form's back.
    filters_key: rx.Field[int] = rx.field(0)

    _next_cursor: str = ""

    @rx.var
    def can_create(self) -> bool:
        return can_write(self.workspace_role)

    @rx.var
    def has_filters(self) -> bool:
        # Spelled out: Reflex finds a computed var's dependencies by reading its code.
        return bool(
            self.q
            or self.stage
            or self.status
            or self.owner
            or self.close_from
            or self.close_to
            or self.amount_min
            or self.amount_max
        )

    @rx.var
    def total_label(self) -> str:
        return f"{self.total} deal" if self.total == 1 else f"{self.total} deals"

    @rx.var
    def sort_field(self) -> str:
        return self.sort.removeprefix("-")

    @rx.var
    def sort_descending(self) -> bool:
        return self.sort.startswith("-")

    @rx.var
    def stage_choice(self) -> str:
        return self.stage or ANY

    @rx.var
    def status_choice(self) -> str:
        return self.status or ANY

    @rx.var
    def owner_choice(self) -> str:
        return self.owner or ANY

    def _filters(self) -> dict[str, str]:
        return {name: str(getattr(self, name)) for name in FILTERS}

    def _url(self) -> str:
        params = {name: value for name, value in self._filters().items() if value}
        if self.sort != DEFAULT_SORT:
            params["sort"] = self.sort
        return f"{DEALS_ROUTE}?{urlencode(params)}" if params else DEALS_ROUTE

    def _current_url(self) -> str:
        url = self.router.url
        return f"{url.path}?{url.query}" if url.query else url.path

    def _read_url(self) -> None:
        """Take the filters from the URL; remount the typed ones if the URL changed them."""
        params = self.router.url.query_parameters
        wanted = {name: params.get(name, "").strip() for name in FILTERS}
        if any(wanted[name] != getattr(self, name) for name in TYPED_FILTERS):
            self.filters_key += 1
        for name, value in wanted.items():
            setattr(self, name, value)
        sort = params.get("sort", DEFAULT_SORT)
        self.sort = sort if sort.removeprefix("-") in SORTABLE else DEFAULT_SORT

    def _list_path(self, cursor: str = "") -> str:
        params = {FILTERS[name]: value for name, value in self._filters().items() if value}
        params.update(sort=self.sort, limit=str(PAGE_SIZE))
        if cursor:
            params["cursor"] = cursor
        return f"/api/v1/workspaces/{self.workspace_id}/deals?{urlencode(params)}"

    async def _fetch_page(self, cursor: str = "") -> None:
        page = await self._api("GET", self._list_path(cursor))
        owners = owner_names(self.members)
        rows = [to_deal_row(item, owners) for item in page["items"]]
        self.deals = [*self.deals, *rows] if cursor else rows
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
            self.deals, self.total, self.loading = [], 0, False
            return
        self.loading = True
        yield
        try:
            # Fresh each time: stages and members change (and name the owners in the rows).
            self.stages, self.members = await fetch_options(self._api, self.workspace_id)
            await self._fetch_page()
        except ApiError as exc:
            self.deals, self.total, self.has_more = [], 0, False
            yield self._fail(exc)
        finally:
            self.loading = False

    def _navigate(self):
        """Show the current filters: through the URL when it changes (on_load then reloads)."""
        target = self._url()
        if target != self._current_url():
            return [rx.redirect(target, replace=True)]
        return [DealsState.refresh]

    @rx.event
    async def load(self):
        """on_load (after require_session): the filters come from the URL."""
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
    def apply_filters(self, form: dict[str, Any]):
        for name in TYPED_FILTERS:
            setattr(self, name, str(form.get(name, "")).strip())
        return self._navigate()

    @rx.event
    def choose(self, name: str, value: str):
        """A filter select changed (stage, status or owner)."""
        if name in ("stage", "status", "owner"):
            setattr(self, name, "" if value == ANY else value)
        return self._navigate()

    @rx.event
    def sort_by(self, field: str):
        """Click on a column: sort by it, or flip the direction when it already is."""
        if field not in SORTABLE:
            return None
        if self.sort_field == field:
            self.sort = field if self.sort_descending else f"-{field}"
        else:
            self.sort = field if field == "title" else f"-{field}"
        return self._navigate()

    def _clear_filters(self) -> None:
        for name in FILTERS:
            setattr(self, name, "")
        self.filters_key += 1

    @rx.event
    def clear_filters(self):
        self._clear_filters()
        return self._navigate()

    @rx.event
    def workspace_changed(self):
        """Stage and owner filters belong to the old workspace: start from a clean view."""
        self._clear_filters()
        self.sort = DEFAULT_SORT
        return self._navigate()
