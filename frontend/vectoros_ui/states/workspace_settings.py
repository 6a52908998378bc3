"""Settings -> Workspace: rename it and manage who belongs to it."""

import dataclasses
from typing import Any

import reflex as rx

from vectoros_ui.api import ApiError, SessionExpired
from vectoros_ui.states.session import LOGIN_ROUTE, SessionState

ROLES = ["owner", "admin", "member", "viewer"]
INVITE_EMAIL_ID = "invite-email"


@dataclasses.dataclass
class Member:
    user_id: str
    email: str
    name: str
    role: str


def to_member(item: dict[str, Any]) -> Member:
    return Member(
        user_id=str(item["user_id"]),
        email=str(item["email"]),
        name=str(item["name"]),
        role=str(item["role"]),
    )


class WorkspaceSettingsState(SessionState):
    members: rx.Field[list[Member]] = rx.field(default_factory=list)
    loading_members: rx.Field[bool] = rx.field(False)
    error: rx.Field[str] = rx.field("")
    notice: rx.Field[str] = rx.field("")
    renaming: rx.Field[bool] = rx.field(False)
    inviting: rx.Field[bool] = rx.field(False)
    invite_error: rx.Field[str] = rx.field("")

    def _members_path(self, suffix: str = "") -> str:
        return f"/api/v1/workspaces/{self.workspace_id}/members{suffix}"

    async def _fetch_members(self) -> None:
        self.members = [to_member(m) for m in await self._api("GET", self._members_path())]

    def _fail(self, exc: ApiError) -> Any:
        """Show the API's message, or send the user to sign in again when the session is gone."""
        if isinstance(exc, SessionExpired):
            return rx.redirect(LOGIN_ROUTE)
        self.error = exc.message
        return None

    def _clear_messages(self) -> None:
        self.error = ""
        self.notice = ""
        self.invite_error = ""

    @rx.event
    async def load(self):
        """on_load (after require_session) and after switching workspace."""
        self._clear_messages()
        self.members = []
        if not self.workspace_id:
            return
        self.loading_members = True
        yield
        try:
            await self._fetch_members()
        except ApiError as exc:
            yield self._fail(exc)
        finally:
            self.loading_members = False

    @rx.event
    async def rename(self, form: dict[str, Any]):
        self._clear_messages()
        name = str(form.get("name", "")).strip()
        if not name:
            self.error = "The workspace needs a name."
            return
        self.renaming = True
        yield
        try:
            updated = await self._api(
                "PATCH", f"/api/v1/workspaces/{self.workspace_id}", json={"name": name}
            )
        except ApiError as exc:
            yield self._fail(exc)
            return
        finally:
            self.renaming = False
        self._rename_workspace(self.workspace_id, str(updated["name"]))
        self.notice = "Workspace renamed."

    @rx.event
    async def invite(self, form: dict[str, Any]):
        self._clear_messages()
        email = str(form.get("email", "")).strip()
        role = str(form.get("role") or "member")
        if not email:
            self.invite_error = "Enter the email of someone already registered on VectorOS."
            return
        self.inviting = True
        yield
        try:
            await self._api("POST", self._members_path(), json={"email": email, "role": role})
            await self._fetch_members()
        except SessionExpired:
            yield rx.redirect(LOGIN_ROUTE)
            return
        except ApiError as exc:
            self.invite_error = exc.message
            return
        finally:
            self.inviting = False
        self.notice = f"{email} joined the workspace as {role}."
        yield rx.set_value(INVITE_EMAIL_ID, "")

    @rx.event
    async def change_role(self, user_id: str, role: str):
        self._clear_messages()
        try:
            await self._api("PATCH", self._members_path(f"/{user_id}"), json={"role": role})
            await self._fetch_members()
        except ApiError as exc:
            return self._fail(exc)
        self.notice = "Role updated."
        return None

    @rx.event
    async def remove(self, user_id: str):
        self._clear_messages()
        try:
            await self._api("DELETE", self._members_path(f"/{user_id}"))
            await self._fetch_members()
        except ApiError as exc:
            return self._fail(exc)
        self.notice = "Member removed."
        return None
