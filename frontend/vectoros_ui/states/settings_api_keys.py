"""Settings -> API keys: create one (its secret is shown once) and revoke."""

import dataclasses
from typing import Any

import reflex as rx

from vectoros_ui.api import ApiError
from vectoros_ui.states.records import day_label
from vectoros_ui.states.session import SessionState
from vectoros_ui.states.settings_base import SettingsMessages

KEY_ROLES = ["viewer", "member", "admin"]
KEY_NAME_ID = "api-key-name"


@dataclasses.dataclass
class ApiKeyRow:
    id: str
    name: str
    prefix: str
    role: str
    # Who the key belongs to: it acts with at most their role and ends when they leave.
    holder: str
    created: str
    last_used: str
    revoked: bool


def to_row(item: dict[str, Any]) -> ApiKeyRow:
    return ApiKeyRow(
        id=str(item["id"]),
        name=str(item["name"]),
        prefix=str(item["prefix"]),
        role=str(item["role"]),
        holder=str(
            item.get("created_by_name") or item.get("created_by_email") or "a former member"
        ),
        created=day_label(item.get("created_at")),
        last_used=day_label(item.get("last_used_at")) or "Never",
        revoked=item.get("revoked_at") is not None,
    )


class ApiKeysState(SettingsMessages, SessionState):
    error: rx.Field[str] = rx.field("")
    notice: rx.Field[str] = rx.field("")
    keys: rx.Field[list[ApiKeyRow]] = rx.field(default_factory=list)
    loading: rx.Field[bool] = rx.field(False)
    creating: rx.Field[bool] = rx.field(False)
    # The new key's secret: shown once, forgotten when dismissed or when the page loads again.
    secret: rx.Field[str] = rx.field("")

    def _path(self, suffix: str = "") -> str:
        return f"/api/v1/workspaces/{self.workspace_id}/api-keys{suffix}"

    async def _fetch(self) -> None:
        self.keys = [to_row(k) for k in await self._api("GET", self._path())]

    @rx.event
    async def load(self):
        self.secret = ""
        self.keys = []
        async for update in self._load_page():
            yield update

    @rx.event
    async def create(self, form: dict[str, Any]):
        self._clear()
        name = str(form.get("name", "")).strip()
        role = str(form.get("role") or "viewer")
        if not name:
            self.error = "Give the key a name, e.g. the tool that will use it."
            return
        self.creating = True
        yield
        try:
            created = await self._api("POST", self._path(), json={"name": name, "role": role})
            await self._fetch()
        except ApiError as exc:
            yield self._fail(exc)
            return
        finally:
            self.creating = False
        self.secret = str(created["secret"])
        yield rx.set_value(KEY_NAME_ID, "")

    @rx.event
    def dismiss_secret(self):
        self.secret = ""

    @rx.event
    async def revoke(self, key_id: str):
        self._clear()
        try:
            await self._api("DELETE", self._path(f"/{key_id}"))
            await self._fetch()
        except ApiError as exc:
            yield self._fail(exc)
            return
        self.notice = "Key revoked: requests with it are now refused."
