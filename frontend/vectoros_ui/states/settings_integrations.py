"""Settings -> Integrations: HubSpot (connect, sync, disconnect) and CSV imports."""

import dataclasses
from typing import Any

import reflex as rx

from vectoros_ui import api
from vectoros_ui.api import ApiError, SessionExpired
from vectoros_ui.states.records import day_label
from vectoros_ui.states.session import LOGIN_ROUTE, SessionState
from vectoros_ui.states.settings_base import SettingsMessages

TOKEN_ID = "hubspot-token"
UPLOAD_ID = "csv-upload"


@dataclasses.dataclass
class ImportRow:
    id: str
    filename: str
    status: str
    progress: str
    created: str


def to_import(item: dict[str, Any]) -> ImportRow:
    return ImportRow(
        id=str(item["id"]),
        filename=str(item["filename"]),
        status=str(item["status"]),
        progress=(
            f"{item['created_count']} created · {item['updated_count']} updated "
            f"of {item['total_rows']} rows"
        ),
        created=day_label(item.get("created_at")),
    )


class IntegrationsState(SettingsMessages, SessionState):
    error: rx.Field[str] = rx.field("")
    notice: rx.Field[str] = rx.field("")
    loading: rx.Field[bool] = rx.field(False)
    connected: rx.Field[bool] = rx.field(False)
    hubspot_status: rx.Field[str] = rx.field("")
    portal: rx.Field[str] = rx.field("")
    last_synced: rx.Field[str] = rx.field("")
    last_error: rx.Field[str] = rx.field("")
    webhook_url: rx.Field[str] = rx.field("")
    connecting: rx.Field[bool] = rx.field(False)
    syncing: rx.Field[bool] = rx.field(False)
    imports: rx.Field[list[ImportRow]] = rx.field(default_factory=list)
    uploading: rx.Field[bool] = rx.field(False)
    layout: rx.Field[str] = rx.field("hubspot")

    def _base(self) -> str:
        return f"/api/v1/workspaces/{self.workspace_id}"

    def _show(self, status: dict[str, Any]) -> None:
        self.connected = bool(status["connected"])
        self.hubspot_status = str(status.get("status") or "")
        self.portal = str(status.get("portal_id") or "")
        self.last_synced = day_label(status.get("last_synced_at")) or "Not yet"
        self.last_error = str(status.get("last_error") or "")
        self.webhook_url = str(status.get("webhook_url") or "")

    async def _fetch(self) -> None:
        self._show(await self._api("GET", f"{self._base()}/integrations/hubspot"))
        page = await self._api("GET", f"{self._base()}/imports?limit=5")
        self.imports = [to_import(i) for i in page["items"]]

    @rx.event
    async def load(self):
        async for update in self._load_page():
            yield update

    @rx.event
    async def connect(self, form: dict[str, Any]):
        self._clear()
        token = str(form.get("access_token", "")).strip()
        if not token:
            self.error = "Paste the access token of your HubSpot private app."
            return
        self.connecting = True
        yield
        try:
            status = await self._api(
                "POST",
                f"{self._base()}/integrations/hubspot/private-app",
                json={"access_token": token},
            )
        except ApiError as exc:
            yield self._fail(exc)
            return
        finally:
            self.connecting = False
        self._show(status)
        yield rx.set_value(TOKEN_ID, "")
        yield rx.toast.success("HubSpot connected: the first sync is on its way.")

    @rx.event
    async def sync_now(self):
        self._clear()
        self.syncing = True
        yield
        try:
            await self._api("POST", f"{self._base()}/integrations/hubspot/sync")
        except ApiError as exc:
            yield self._fail(exc)
            return
        finally:
            self.syncing = False
        yield rx.toast.info("Sync queued: new deals appear on the dashboard as they arrive.")

    @rx.event
    async def disconnect(self):
        self._clear()
        try:
            await self._api("DELETE", f"{self._base()}/integrations/hubspot")
            await self._fetch()
        except ApiError as exc:
            yield self._fail(exc)
            return
        self.notice = "HubSpot disconnected. Synced deals stay in VectorOS."

    @rx.event
    def set_layout(self, value: str):
        if value in ("hubspot", "generic"):
            self.layout = value

    @rx.event
    async def upload(self, files: list[rx.UploadFile]):
        """Send the chosen CSV to the import API; it runs in the background."""
        self._clear()
        if not files:
            self.error = "Choose a CSV file first."
            return
        file = files[0]
        content = await file.read()
        self.uploading = True
        yield
        form = {"file": (file.name or "deals.csv", content, "text/csv")}
        path = f"{self._base()}/imports"
        try:
            try:
                started = await api.upload(
                    path, token=self._access_token, files=form, data={"layout": self.layout}
                )
            except ApiError as exc:
                if exc.status != 401:
                    raise
                await self._refresh()
                started = await api.upload(
                    path, token=self._access_token, files=form, data={"layout": self.layout}
                )
            await self._fetch()
        except SessionExpired:
            yield rx.redirect(LOGIN_ROUTE)
            return
        except ApiError as exc:
            self.error = exc.message
            return
        finally:
            self.uploading = False
        yield rx.clear_selected_files(UPLOAD_ID)
        yield rx.toast.success(f"Importing {started['filename']}: deals appear as rows are read.")
