"""/deals/[deal_id] : one deal, its stage history, its timeline and the activities added to it."""

from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import urlencode

import reflex as rx

from vectoros_ui.api import ApiError, SessionExpired
from vectoros_ui.states.deal_history import (
    CloseDateRow,
    DealView,
    StageStay,
    TimelineEntry,
    to_close_date_rows,
    to_deal_view,
    to_stage_stays,
    to_timeline_entry,
)
from vectoros_ui.states.deals import DEALS_ROUTE, can_write
from vectoros_ui.states.field_errors import split_field_errors
from vectoros_ui.states.records import MemberOption, StageOption, fetch_options, owner_names
from vectoros_ui.states.session import LOGIN_ROUTE, SessionState

ACTIVITY_TYPES = ["call", "email", "meeting", "note", "task"]
ACTIVITY_FIELDS = ["subject", "body", "scheduled_at", "completed_at"]
TIMELINE_PAGE = 20


def local_to_utc(value: str, offset_minutes: int) -> str:
    """A datetime-local value ('2026-03-05T14:30', the browser's time) as UTC ISO 8601."""
    local = datetime.fromisoformat(value)
    return (local + timedelta(minutes=offset_minutes)).replace(tzinfo=UTC).isoformat()


class DealDetailState(SessionState):
    deal: rx.Field[DealView] = rx.field(default_factory=DealView)
    stages: rx.Field[list[StageOption]] = rx.field(default_factory=list)
    members: rx.Field[list[MemberOption]] = rx.field(default_factory=list)
    stage_stays: rx.Field[list[StageStay]] = rx.field(default_factory=list)
    close_changes: rx.Field[list[CloseDateRow]] = rx.field(default_factory=list)
    timeline: rx.Field[list[TimelineEntry]] = rx.field(default_factory=list)
    timeline_has_more: rx.Field[bool] = rx.field(False)
    loading: rx.Field[bool] = rx.field(True)
    not_found: rx.Field[bool] = rx.field(False)
    error: rx.Field[str] = rx.field("")
    notice: rx.Field[str] = rx.field("")
    moving_stage: rx.Field[bool] = rx.field(False)
    saving_activity: rx.Field[bool] = rx.field(False)
    activity_errors: rx.Field[dict[str, str]] = rx.field(
        default_factory=lambda: dict.fromkeys(ACTIVITY_FIELDS, "")
    )
    activity_error: rx.Field[str] = rx.field("")
    # A new key empties the activity form after a save.
    activity_form_key: rx.Field[int] = rx.field(0)

    _timeline_cursor: str = ""
    # The browser's Date.getTimezoneOffset(): minutes to add to its local time to get UTC.
    _tz_offset: int = 0

    @rx.var
    def can_edit(self) -> bool:
        return can_write(self.workspace_role)

    def _deal_id(self) -> str:
        # The /deals/[deal_id] route gives every state a `deal_id` var.
        return str(getattr(self, "deal_id", ""))

    def _deal_path(self, suffix: str = "") -> str:
        return f"/api/v1/workspaces/{self.workspace_id}/deals/{self._deal_id()}{suffix}"

    def _owners(self) -> dict[str, str]:
        return owner_names(self.members)

    async def _fetch_deal(self) -> None:
        self.deal = to_deal_view(await self._api("GET", self._deal_path()), self._owners())

    async def _fetch_history(self) -> None:
        history = await self._api("GET", self._deal_path("/history"))
        self.stage_stays = to_stage_stays(history["stage_changes"])
        self.close_changes = to_close_date_rows(history["close_date_changes"])

    async def _fetch_timeline(self, cursor: str = "") -> None:
        params = {"limit": TIMELINE_PAGE, **({"cursor": cursor} if cursor else {})}
        page = await self._api("GET", self._deal_path(f"/timeline?{urlencode(params)}"))
        entries = [to_timeline_entry(item, self._owners()) for item in page["items"]]
        self.timeline = [*self.timeline, *entries] if cursor else entries
        self._timeline_cursor = str(page.get("next_cursor") or "")
        self.timeline_has_more = bool(self._timeline_cursor)

    async def _fetch_all(self) -> None:
        self.stages, self.members = await fetch_options(self._api, self.workspace_id)
        await self._fetch_deal()
        await self._fetch_history()
        await self._fetch_timeline()

    async def _find_workspace(self) -> bool:
        """A shared link may point into another of the user's workspaces: switch to it."""
        for workspace in self.workspaces:
            if workspace.id == self.workspace_id:
                continue
            try:
                await self._api("GET", f"/api/v1/workspaces/{workspace.id}/deals/{self._deal_id()}")
            except ApiError as exc:
                if exc.status == 404:
                    continue
                raise
            self.workspace_id = workspace.id
            return True
        return False

    def _fail(self, exc: ApiError) -> Any:
        if isinstance(exc, SessionExpired):
            return rx.redirect(LOGIN_ROUTE)
        self.error = exc.message
        return None

    def _clear_messages(self) -> None:
        self.error = ""
        self.notice = ""

    @rx.event
    async def load(self):
        """on_load (after require_session); also asks the browser for its time zone."""
        self._clear_messages()
        self.not_found = False
        self.activity_errors = dict.fromkeys(ACTIVITY_FIELDS, "")
        self.activity_error = ""
        if not self.signed_in or not self.workspace_id:
            self.loading = False
            return
        self.loading = True
        self.deal = DealView()
        yield rx.call_script("new Date().getTimezoneOffset()", callback=DealDetailState.set_tz)
        try:
            try:
                await self._fetch_all()
            except ApiError as exc:
                if exc.status != 404 or not await self._find_workspace():
                    raise
                await self._fetch_all()
        except ApiError as exc:
            self.not_found = exc.status in (404, 422)
            if not self.not_found:
                yield self._fail(exc)
        finally:
            self.loading = False

    @rx.event
    def set_tz(self, offset: int | float | str | None):
        try:
            self._tz_offset = int(float(offset or 0))
        except ValueError:
            self._tz_offset = 0

    @rx.event
    async def refresh(self):
        """After the deal was edited elsewhere (the edit dialog)."""
        self._clear_messages()
        try:
            await self._fetch_all()
        except ApiError as exc:
            yield self._fail(exc)

    @rx.event
    async def load_more_timeline(self):
        if not self._timeline_cursor:
            return
        try:
            await self._fetch_timeline(self._timeline_cursor)
        except ApiError as exc:
            yield self._fail(exc)

    @rx.event
    async def change_stage(self, stage_id: str):
        if stage_id == self.deal.stage_id:
            return
        self._clear_messages()
        self.moving_stage = True
        yield
        try:
            await self._api("PATCH", self._deal_path(), json={"stage_id": stage_id})
            await self._fetch_deal()
            await self._fetch_history()
            await self._fetch_timeline()
        except ApiError as exc:
            yield self._fail(exc)
            return
        finally:
            self.moving_stage = False
        self.notice = f"Moved to {self.deal.stage_name}."

    @rx.event
    async def delete(self):
        self._clear_messages()
        try:
            await self._api("DELETE", self._deal_path())
        except ApiError as exc:
            yield self._fail(exc)
            return
        yield rx.redirect(DEALS_ROUTE)

    def _activity_body(self, form: dict[str, Any]) -> dict[str, Any]:
        kind = str(form.get("type") or "note")
        when = str(form.get("when", "")).strip()
        done = bool(form.get("done"))
        body: dict[str, Any] = {
            "type": kind if kind in ACTIVITY_TYPES else "note",
            "subject": str(form.get("subject", "")).strip(),
            "body": str(form.get("body", "")).strip() or None,
            "deal_id": self._deal_id(),
        }
        at = local_to_utc(when, self._tz_offset) if when else None
        if done:
            body["completed_at"] = at or datetime.now(UTC).isoformat()
        elif at:
            body["scheduled_at"] = at
        return body

    @rx.event
    async def add_activity(self, form: dict[str, Any]):
        self._clear_messages()
        self.activity_errors = dict.fromkeys(ACTIVITY_FIELDS, "")
        self.activity_error = ""
        body = self._activity_body(form)
        if not body["subject"]:
            self.activity_errors = {**self.activity_errors, "subject": "Give it a subject."}
            return
        self.saving_activity = True
        yield
        try:
            await self._api("POST", f"/api/v1/workspaces/{self.workspace_id}/activities", json=body)
        except SessionExpired:
            yield rx.redirect(LOGIN_ROUTE)
            return
        except ApiError as exc:
            self.activity_errors, self.activity_error = split_field_errors(exc, ACTIVITY_FIELDS)
            return
        finally:
            self.saving_activity = False
        self.activity_form_key += 1
        self.notice = f"{body['type'].capitalize()} added to the timeline."
        try:
            await self._fetch_deal()
            await self._fetch_timeline()
        except ApiError as exc:
            yield self._fail(exc)

    @rx.event
    def workspace_changed(self):
        """The deal belongs to the workspace just left."""
        return rx.redirect(DEALS_ROUTE)
