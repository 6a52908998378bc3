"""Settings -> Integrations: HubSpot (connect, sync, disconnect), the Notion webhook (its
URL, confirming its verification token) and CSV imports."""

import dataclasses
from typing import Any

import reflex as rx

from vectoros_ui import api
from vectoros_ui.api import ApiError, SessionExpired
from vectoros_ui.states.records import day_label
from vectoros_ui.states.session import ADMIN_ROLES, LOGIN_ROUTE, SessionState
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
    # Notion: set up through the API; here admins see its webhook URL and confirm the
    # verification token Notion sent to it (events are refused until they do).
    notion_connected: rx.Field[bool] = rx.field(False)
    notion_webhook_url: rx.Field[str] = rx.field("")
    notion_verified: rx.Field[bool] = rx.field(False)
    notion_pending_token: rx.Field[str] = rx.field("")
    notion_received: rx.Field[str] = rx.field("")
    confirming: rx.Field[bool] = rx.field(False)

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
        await self._fetch_notion()
        page = await self._api("GET", f"{self._base()}/imports?limit=5")
        self.imports = [to_import(i) for i in page["items"]]

    async def _fetch_notion(self) -> None:
        notion = f"{self._base()}/integrations/notion"
        try:
            connection = await self._api("GET", f"{notion}/connection")
        except ApiError as exc:
            if exc.status != 404 or isinstance(exc, SessionExpired):
                raise
            connection = None
        self.notion_connected = connection is not None
        self.notion_webhook_url = str((connection or {}).get("webhook_url") or "")
        self.notion_verified = bool((connection or {}).get("webhook_verified"))
        self.notion_pending_token, self.notion_received = "", ""
        if connection is not None and self.workspace_role in ADMIN_ROLES:
            token = await self._api("GET", f"{notion}/verification-token")
            self.notion_pending_token = str(token.get("verification_token") or "")
            self.notion_received = day_label(token.get("received_at"))

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
    async def confirm_notion(self):
        """Confirm the shown token, the one the admin pasted into Notion."""
        self._clear()
        self.confirming = True
        yield
        try:
            await self._api(
                "POST",
                f"{self._base()}/integrations/notion/verification-token/confirm",
                json={"verification_token": self.notion_pending_token},
            )
            await self._fetch_notion()
        except ApiError as exc:
            yield self._fail(exc)
            return
        finally:
            self.confirming = False
        self.notice = "Notion webhook confirmed: page changes now arrive live."

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
