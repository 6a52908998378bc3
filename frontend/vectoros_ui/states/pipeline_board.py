"""/pipeline : one column per open stage with its deals; a card's menu moves it to another stage."""

import dataclasses
from typing import Any
from urllib.parse import urlencode

import reflex as rx

from vectoros_ui.api import ApiError, SessionExpired
from vectoros_ui.states.deals import can_write
from vectoros_ui.states.records import (
    DealRow,
    StageOption,
    fetch_options,
    money,
    owner_names,
    percent,
    to_deal_row,
)
from vectoros_ui.states.session import LOGIN_ROUTE, SessionState

CARDS_PER_COLUMN = 50


@dataclasses.dataclass
class BoardColumn:
    stage_id: str
    name: str
    probability: str
    count: int
    total_label: str
    deals: list[DealRow]
    # Deals in the stage beyond the cards shown.
    hidden: int


def column_total(amount: str, deals: list[dict[str, Any]]) -> str:
    """The stage's total, with the currency symbol when its deals share one currency."""
    currencies = {str(d["currency"]) for d in deals}
    return money(amount, currencies.pop() if len(currencies) == 1 else "")


class PipelineBoardState(SessionState):
    columns: rx.Field[list[BoardColumn]] = rx.field(default_factory=list)
    stages: rx.Field[list[StageOption]] = rx.field(default_factory=list)
    loading: rx.Field[bool] = rx.field(True)
    error: rx.Field[str] = rx.field("")
    notice: rx.Field[str] = rx.field("")
    # The card being moved, while its PATCH runs.
    moving: rx.Field[str] = rx.field("")

    @rx.var
    def can_move(self) -> bool:
        return can_write(self.workspace_role)

    def _base(self) -> str:
        return f"/api/v1/workspaces/{self.workspace_id}"

    async def _fetch(self) -> None:
        self.stages, members = await fetch_options(self._api, self.workspace_id)
        owners = owner_names(members)
        report = await self._api("GET", f"{self._base()}/analytics/pipeline")
        columns = []
        for stage in report["stages"]:
            if stage["kind"] != "open":
                continue
            query = urlencode(
                {"stage_id": stage["stage_id"], "sort": "-amount", "limit": CARDS_PER_COLUMN}
            )
            page = await self._api("GET", f"{self._base()}/deals?{query}")
            columns.append(
                BoardColumn(
                    stage_id=str(stage["stage_id"]),
                    name=str(stage["name"]),
                    probability=percent(stage["probability"]),
                    count=int(stage["deal_count"]),
                    total_label=column_total(stage["amount"], page["items"])
                    if stage["deal_count"]
                    else "No deals",
                    deals=[to_deal_row(item, owners) for item in page["items"]],
                    hidden=max(0, int(page["total"]) - len(page["items"])),
                )
            )
        self.columns = columns

    def _fail(self, exc: ApiError) -> Any:
        if isinstance(exc, SessionExpired):
            return rx.redirect(LOGIN_ROUTE)
        self.error = exc.message
        return None

    @rx.event
    async def load(self):
        """on_load (after require_session), after a workspace switch and after a new deal."""
        self.error = ""
        self.notice = ""
        if not self.signed_in or not self.workspace_id:
            self.columns, self.loading = [], False
            return
        self.loading = True
        yield
        try:
            await self._fetch()
        except ApiError as exc:
            self.columns = []
            yield self._fail(exc)
        finally:
            self.loading = False

    @rx.event
    async def move(self, deal_id: str, stage_id: str):
        """Put a deal in another stage (won and lost take it off the board)."""
        self.error = ""
        self.notice = ""
        self.moving = deal_id
        yield
        try:
            moved = await self._api(
                "PATCH", f"{self._base()}/deals/{deal_id}", json={"stage_id": stage_id}
            )
            await self._fetch()
        except ApiError as exc:
            yield self._fail(exc)
            return
        finally:
            self.moving = ""
        self.notice = f"“{moved['title']}” moved to {moved['stage_name']}."
