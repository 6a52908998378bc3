"""Settings -> Workspace: rename it, manage who belongs to it and who is invited."""

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


@dataclasses.dataclass
class Invitation:
    """A seat offered to an email; `invited_at` and `expires_at` are ISO 8601.

    `accept_url` is the link to pass on (admins only, until it has been mailed).
    """

    id: str
    email: str
    role: str
    invited_at: str
    expires_at: str
    expired: bool
    delivery: str
    accept_url: str


# What happened to each invitation's link, as the list shows it.
DELIVERY = {
    "unsent": "Not mailed: send them the link",
    "queued": "Mailing the link…",
    "sent": "Link mailed",
    "failed": "Mailing failed: send them the link",
}


def to_invitation(item: dict[str, Any]) -> Invitation:
    expired = bool(item.get("expired"))
    return Invitation(
        id=str(item["id"]),
        email=str(item["email"]),
        role=str(item["role"]),
        invited_at=str(item["created_at"]),
        expires_at=str(item.get("expires_at") or ""),
        expired=expired,
        delivery="Expired: invite again for a new link"
        if expired
        else DELIVERY.get(str(item.get("mail_status")), ""),
        accept_url=str(item.get("accept_url") or ""),
    )


def invite_notice(email: str, role: str, created: dict[str, Any]) -> str:
    """What the invite did: the link is on its way by mail, or is the admin's to pass on."""
    joins = f"{email} joins as {role} once they open the link and sign in with this email."
    if created.get("mail_status") == "queued":
        return f"Invitation mailed to {email}. {joins}"
    return (
        f"Invitation created. No mail server is set up, so copy the link below and send it "
        f"to {email} yourself. {joins}"
    )


class WorkspaceSettingsState(SessionState):
    members: rx.Field[list[Member]] = rx.field(default_factory=list)
    invitations: rx.Field[list[Invitation]] = rx.field(default_factory=list)
    loading_members: rx.Field[bool] = rx.field(False)
    error: rx.Field[str] = rx.field("")
    notice: rx.Field[str] = rx.field("")
    renaming: rx.Field[bool] = rx.field(False)
    inviting: rx.Field[bool] = rx.field(False)
    invite_error: rx.Field[str] = rx.field("")

    def _members_path(self, suffix: str = "") -> str:
        return f"/api/v1/workspaces/{self.workspace_id}/members{suffix}"

    def _invitations_path(self, suffix: str = "") -> str:
        return f"/api/v1/workspaces/{self.workspace_id}/invitations{suffix}"

    async def _fetch_members(self) -> None:
        """Members and pending invitations: one invite can change either list."""
        self.members = [to_member(m) for m in await self._api("GET", self._members_path())]
        invitations = await self._api("GET", self._invitations_path())
        self.invitations = [to_invitation(i) for i in invitations]

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
        self.invitations = []
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
            self.invite_error = "Enter your colleague's email."
            return
        self.inviting = True
        yield
        try:
            created = await self._api(
                "POST", self._members_path(), json={"email": email, "role": role}
            )
            await self._fetch_members()
        except SessionExpired:
            yield rx.redirect(LOGIN_ROUTE)
            return
        except ApiError as exc:
            self.invite_error = exc.message
            return
        finally:
            self.inviting = False
        self.notice = invite_notice(email, role, created)
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

    @rx.event
    async def revoke_invitation(self, invitation_id: str):
        self._clear_messages()
        try:
            await self._api("DELETE", self._invitations_path(f"/{invitation_id}"))
            await self._fetch_members()
        except ApiError as exc:
            return self._fail(exc)
        self.notice = "Invitation revoked."
        return None
