"""A deal's win probability from the AI core's engine, with its top factors, on the deal page."""

import reflex as rx

from vectoros_ui import api
from vectoros_ui.api import ApiError, SessionExpired
from vectoros_ui.states.forecast_format import (
    FactorLine,
    ModelStatus,
    factor_lines,
    model_status,
    percent,
)
from vectoros_ui.states.session import LOGIN_ROUTE, SessionState


class WinProbabilityState(SessionState):
    score_loading: rx.Field[bool] = rx.field(True)
    score_error: rx.Field[str] = rx.field("")
    is_open: rx.Field[bool] = rx.field(True)
    probability_label: rx.Field[str] = rx.field("")
    stage_probability_label: rx.Field[str] = rx.field("")
    factors: rx.Field[list[FactorLine]] = rx.field(default_factory=list)
    model: rx.Field[ModelStatus] = rx.field(default_factory=ModelStatus)

    @rx.event
    async def load_score(self):
        """When the card mounts (each time the deal page loads a deal)."""
        deal_id = str(getattr(self, "deal_id", ""))
        self.score_error = ""
        self.score_loading = True
        if not self.signed_in or not self.workspace_id or not deal_id:
            return
        yield
        path = f"/api/v1/workspaces/{self.workspace_id}/deals/{deal_id}/win-probability"
        try:
            body = await self._api("GET", path, timeout=api.ANALYTICS_TIMEOUT)
        except ApiError as exc:
            self.score_loading = False
            if isinstance(exc, SessionExpired):
                yield rx.redirect(LOGIN_ROUTE)
                return
            self.score_error = exc.message
            return
        self.is_open = bool(body["is_open"])
        self.probability_label = percent(body.get("probability"))
        self.stage_probability_label = percent(body.get("stage_probability"))
        self.factors = factor_lines(body.get("factors") or [])
        self.model = model_status(body.get("win_model"))
        self.score_loading = False
