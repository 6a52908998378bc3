"""Settings -> Profile: your name and password."""

from typing import Any

import reflex as rx

from vectoros_ui.api import ApiError
from vectoros_ui.states.session import SessionState
from vectoros_ui.states.settings_base import SettingsMessages

CURRENT_PASSWORD_ID = "current-password"
NEW_PASSWORD_ID = "new-password"


class ProfileState(SettingsMessages, SessionState):
    error: rx.Field[str] = rx.field("")
    notice: rx.Field[str] = rx.field("")
    saving: rx.Field[bool] = rx.field(False)
    password_error: rx.Field[str] = rx.field("")

    @rx.event
    def load(self):
        self._clear()
        self.password_error = ""

    @rx.event
    async def save_name(self, form: dict[str, Any]):
        self._clear()
        name = str(form.get("name", "")).strip()
        if not name:
            self.error = "Your name cannot be empty."
            return
        self.saving = True
        yield
        try:
            me = await self._api("PATCH", "/api/v1/users/me", json={"name": name})
        except ApiError as exc:
            yield self._fail(exc)
            return
        finally:
            self.saving = False
        self.user_name = str(me["name"])
        self.notice = "Your name was saved."

    @rx.event
    async def change_password(self, form: dict[str, Any]):
        self._clear()
        self.password_error = ""
        current = str(form.get("current_password", ""))
        new = str(form.get("password", ""))
        if not current or not new:
            self.password_error = "Enter your current password and the new one."
            return
        try:
            await self._api(
                "PATCH",
                "/api/v1/users/me",
                json={"password": new, "current_password": current},
            )
        except ApiError as exc:
            self.password_error = exc.message
            return
        self.notice = "Password changed."
        yield rx.set_value(CURRENT_PASSWORD_ID, "")
        yield rx.set_value(NEW_PASSWORD_ID, "")
