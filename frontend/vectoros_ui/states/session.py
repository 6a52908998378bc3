"""Who is signed in and which workspace they look at; the API tokens never leave the server."""

import dataclasses
from typing import Any

import httpx
import reflex as rx

from vectoros_ui import api
from vectoros_ui.api import ApiError, SessionExpired

LOGIN_ROUTE = "/login"
HOME_ROUTE = "/"
ADMIN_ROLES = ("owner", "admin")


@dataclasses.dataclass
class Workspace:
    id: str
    name: str
    role: str


def to_workspace(item: dict[str, Any]) -> Workspace:
    return Workspace(id=str(item["id"]), name=str(item["name"]), role=str(item["role"]))


class SessionState(rx.State):
    """The signed-in user and their workspaces; page states inherit from it."""

    # Backend-only vars (leading underscore): never sent to the browser.
    _access_token: str = ""
    _refresh_token: str = ""

    signed_in: rx.Field[bool] = rx.field(False)
    user_name: rx.Field[str] = rx.field("")
    user_email: rx.Field[str] = rx.field("")
    workspaces: rx.Field[list[Workspace]] = rx.field(default_factory=list)
    workspace_id: rx.Field[str] = rx.field("")
    # Why the signed-in pages could not load (the API was unreachable, say).
    session_error: rx.Field[str] = rx.field("")

    @rx.var
    def workspace_name(self) -> str:
        return next((w.name for w in self.workspaces if w.id == self.workspace_id), "")

    @rx.var
    def workspace_role(self) -> str:
        return next((w.role for w in self.workspaces if w.id == self.workspace_id), "")

    @rx.var
    def can_manage(self) -> bool:
        return self.workspace_role in ADMIN_ROLES

    @rx.var
    def has_workspaces(self) -> bool:
        return len(self.workspaces) > 0

    @rx.var
    def user_initials(self) -> str:
        parts = self.user_name.split()
        return "".join(p[0] for p in parts[:2]).upper() or "?"

    async def _api(
        self,
        method: str,
        path: str,
        json: dict[str, Any] | None = None,
        *,
        timeout: httpx.Timeout = api.TIMEOUT,
    ) -> Any:
        """Call the backend as the signed-in user, refreshing the access token once on a 401."""
        if not self._refresh_token:
            raise SessionExpired()
        try:
            return await api.call(
                method, path, token=self._access_token, json=json, timeout=timeout
            )
        except ApiError as exc:
            if exc.status != 401:
                raise
        await self._refresh()
        try:
            return await api.call(
                method, path, token=self._access_token, json=json, timeout=timeout
            )
        except ApiError as exc:
            if exc.status == 401:
                self._forget()
                raise SessionExpired() from exc
            raise

    async def _refresh(self) -> None:
        try:
            tokens = await api.call(
                "POST", "/api/v1/auth/refresh", json={"refresh_token": self._refresh_token}
            )
        except ApiError as exc:
            if exc.status in (400, 401, 422):
                self._forget()
                raise SessionExpired() from exc
            raise
        self._keep_tokens(tokens)

    def _keep_tokens(self, tokens: dict[str, Any]) -> None:
        self._access_token = str(tokens["access_token"])
        self._refresh_token = str(tokens["refresh_token"])

    def _forget(self) -> None:
        self._access_token = ""
        self._refresh_token = ""
        self.signed_in = False
        self.user_name = ""
        self.user_email = ""
        self.workspaces = []
        self.workspace_id = ""

    async def _load_session(self) -> None:
        """Fetch the user and their workspaces, keeping the current workspace when still valid."""
        me = await self._api("GET", "/api/v1/users/me")
        items = await self._api("GET", "/api/v1/workspaces")
        self.user_name = str(me["name"])
        self.user_email = str(me["email"])
        self.workspaces = [to_workspace(item) for item in items]
        if not any(w.id == self.workspace_id for w in self.workspaces):
            self.workspace_id = self.workspaces[0].id if self.workspaces else ""
        self.signed_in = True

    def _add_workspace(self, item: dict[str, Any]) -> None:
        workspace = to_workspace(item)
        self.workspaces = [*self.workspaces, workspace]
        self.workspace_id = workspace.id

    def _rename_workspace(self, workspace_id: str, name: str) -> None:
        self.workspaces = [
            dataclasses.replace(w, name=name) if w.id == workspace_id else w
            for w in self.workspaces
        ]

    @rx.event
    async def require_session(self):
        """on_load of every signed-in page: send strangers to the login page."""
        if not self._refresh_token:
            self.signed_in = False
            return rx.redirect(LOGIN_ROUTE)
        try:
            await self._load_session()
        except SessionExpired:
            return rx.redirect(LOGIN_ROUTE)
        except ApiError as exc:
            # A transient failure keeps what was loaded before rather than signing out.
            self.session_error = exc.message
            return None
        self.session_error = ""
        return None

    @rx.event
    def switch_workspace(self, workspace_id: str):
        if any(w.id == workspace_id for w in self.workspaces):
            self.workspace_id = workspace_id

    @rx.event
    async def logout(self):
        if self._refresh_token:
            try:
                await api.call(
                    "POST", "/api/v1/auth/logout", json={"refresh_token": self._refresh_token}
                )
            except ApiError:
                pass  # the session is forgotten here either way
        self._forget()
        # Page states (members lists, messages) belong to the old session too.
        self.reset()
        return rx.redirect(LOGIN_ROUTE)
