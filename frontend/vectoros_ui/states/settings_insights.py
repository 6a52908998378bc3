"""Settings -> Insights & targets: the monthly revenue target and the insight schedule."""

from typing import Any

import reflex as rx

from vectoros_ui.api import ApiError
from vectoros_ui.states.session import SessionState
from vectoros_ui.states.settings_base import SettingsMessages

SCHEDULES = {"daily": "Every day", "weekly": "Every Monday", "off": "Only when I ask"}


class InsightSettingsState(SettingsMessages, SessionState):
    error: rx.Field[str] = rx.field("")
    notice: rx.Field[str] = rx.field("")
    monthly_target: rx.Field[str] = rx.field("")
    schedule: rx.Field[str] = rx.field("daily")
    # True until the first load, so nobody types into a form about to be replaced.
    loading: rx.Field[bool] = rx.field(True)
    saving: rx.Field[bool] = rx.field(False)

    def _path(self) -> str:
        return f"/api/v1/workspaces/{self.workspace_id}/preferences"

    @rx.event
    async def load(self):
        self._clear()
        if not self.workspace_id:
            self.loading = False
            return
        self.loading = True
        yield
        try:
            prefs = await self._api("GET", self._path())
        except ApiError as exc:
            yield self._fail(exc)
            return
        finally:
            self.loading = False
        self.monthly_target = str(prefs.get("monthly_target") or "")
        self.schedule = str(prefs["insight_schedule"])

    @rx.event
    def set_schedule(self, value: str):
        if value in SCHEDULES:
            self.schedule = value

    @rx.event
    async def save(self, form: dict[str, Any]):
        self._clear()
        target = str(form.get("monthly_target", "")).replace(",", "").strip()
        self.monthly_target = target
        self.saving = True
        yield
        try:
            prefs = await self._api(
                "PATCH",
                self._path(),
                json={"monthly_target": target or None, "insight_schedule": self.schedule},
            )
        except ApiError as exc:
            yield self._fail(exc)
            return
        finally:
            self.saving = False
        self.monthly_target = str(prefs.get("monthly_target") or "")
        self.notice = "Saved. The dashboard's forecast chart now draws this target."
