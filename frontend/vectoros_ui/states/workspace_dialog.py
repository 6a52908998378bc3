"""The "create workspace" dialog, reachable from every signed-in page."""

from typing import Any

import reflex as rx

from vectoros_ui.api import ApiError, SessionExpired
from vectoros_ui.states.session import HOME_ROUTE, LOGIN_ROUTE, SessionState


class WorkspaceDialogState(SessionState):
    open: rx.Field[bool] = rx.field(False)
    error: rx.Field[str] = rx.field("")
    loading: rx.Field[bool] = rx.field(False)

    @rx.event
    def set_open(self, value: bool):
        self.open = value
        if value:
            self.error = ""

    @rx.event
    async def submit(self, form: dict[str, Any]):
        name = str(form.get("name", "")).strip()
        if not name:
            self.error = "Give the workspace a name."
            return
        self.error = ""
        self.loading = True
        yield
        try:
            created = await self._api("POST", "/api/v1/workspaces", json={"name": name})
        except SessionExpired:
            self.open = False
            yield rx.redirect(LOGIN_ROUTE)
            return
        except ApiError as exc:
            self.error = exc.message
            return
        finally:
            self.loading = False
        self._add_workspace(created)
        self.open = False
        yield rx.redirect(HOME_ROUTE)
