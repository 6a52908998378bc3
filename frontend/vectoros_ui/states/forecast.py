"""/forecast : P10/P50/P90 by simulation, by month or quarter, against the weighted pipeline."""

from typing import Any

import reflex as rx

from vectoros_ui import api
from vectoros_ui.api import ApiError, SessionExpired
from vectoros_ui.states.forecast_format import (
    Figure,
    ModelStatus,
    SpanRow,
    chart_rows,
    figures,
    model_status,
    span_rows,
)
from vectoros_ui.states.session import LOGIN_ROUTE, SessionState

FORECAST_ROUTE = "/forecast"
GROUPINGS = {"month": "This quarter, by month", "quarter": "Four quarters, by quarter"}


class ForecastState(SessionState):
    group_by: rx.Field[str] = rx.field("month")
    loading: rx.Field[bool] = rx.field(True)
    error: rx.Field[str] = rx.field("")
    period_label: rx.Field[str] = rx.field("")
    open_deals: rx.Field[int] = rx.field(0)
    simulations: rx.Field[int] = rx.field(0)
    method: rx.Field[str] = rx.field("")
    figures: rx.Field[list[Figure]] = rx.field(default_factory=list)
    rows: rx.Field[list[SpanRow]] = rx.field(default_factory=list)
    chart: rx.Field[list[dict[str, Any]]] = rx.field(default_factory=list)
    has_target: rx.Field[bool] = rx.field(False)
    model: rx.Field[ModelStatus] = rx.field(default_factory=ModelStatus)

    @rx.var
    def group_label(self) -> str:
        return GROUPINGS.get(self.group_by, "")

    @rx.event
    async def load(self):
        """on_load (after require_session): simulate the workspace's forecast."""
        self.error = ""
        if not self.signed_in or not self.workspace_id:
            self.loading = False
            return
        self.loading = True
        yield
        try:
            body = await self._api(
                "GET",
                f"/api/v1/workspaces/{self.workspace_id}/forecast?group_by={self.group_by}",
                timeout=api.ANALYTICS_TIMEOUT,
            )
        except ApiError as exc:
            self.loading = False
            if isinstance(exc, SessionExpired):
                yield rx.redirect(LOGIN_ROUTE)
                return
            self.error = exc.message
            return
        self._show(body)
        self.loading = False

    def _show(self, body: dict[str, Any]) -> None:
        self.period_label = str(body["period"]["label"])
        self.open_deals = int(body["open_deals"])
        self.simulations = int(body["simulations"])
        self.method = str(body["method"])
        self.figures = figures(body)
        self.rows = span_rows(body)
        self.chart = chart_rows(body)
        self.has_target = body["period"].get("target") is not None
        self.model = model_status(body["win_model"])

    @rx.event
    def choose(self, group_by: str):
        if group_by in GROUPINGS and group_by != self.group_by:
            self.group_by = group_by
            return ForecastState.load
        return None

    @rx.event
    def workspace_changed(self):
        return ForecastState.load
