"""The create/edit deal dialog, opened from the deal table, the board and the deal page."""

from typing import Any

import reflex as rx

from vectoros_ui.api import ApiError, SessionExpired
from vectoros_ui.states.deal_detail import DealDetailState
from vectoros_ui.states.deals import DealsState
from vectoros_ui.states.field_errors import split_field_errors
from vectoros_ui.states.pipeline_board import PipelineBoardState
from vectoros_ui.states.records import MemberOption, StageOption, fetch_options
from vectoros_ui.states.session import LOGIN_ROUTE, SessionState

FIELDS = [
    "title",
    "amount",
    "currency",
    "stage_id",
    "expected_close_date",
    "probability_override",
    "company",
    "contact_name",
    "contact_email",
    "owner_id",
]
# Left out when blank (the API then keeps the value, or uses its default on create).
KEEP_IF_BLANK = ("amount", "currency", "stage_id")
# The owner select's value for "nobody" (Radix selects cannot hold "").
NO_OWNER = "none"
BUSINESS_ERRORS = {"unknown_stage": "stage_id", "owner_not_member": "owner_id"}
# The page whose data a save changes, by where the dialog was opened.
REFRESH = {
    "deals": DealsState.refresh,
    "pipeline": PipelineBoardState.load,
    "deal": DealDetailState.refresh,
}


def deal_body(form: dict[str, Any], *, creating: bool) -> dict[str, Any]:
    """The JSON for POST or PATCH: blanks clear optional fields, amounts lose their commas."""
    text = {name: str(form.get(name, "")).strip() for name in FIELDS}
    text["amount"] = text["amount"].replace(",", "")
    text["probability_override"] = text["probability_override"].removesuffix("%").strip()
    body: dict[str, Any] = {}
    for name, value in text.items():
        if name == "owner_id" and value == NO_OWNER:
            body[name] = None
        elif value or name == "title":
            # A blank title is sent so the API says it is required.
            body[name] = value
        elif not creating and name not in KEEP_IF_BLANK:
            body[name] = None
    return body


def form_values(deal: dict[str, Any] | None, default_stage: str, me: str) -> dict[str, str]:
    """What the form's fields show when it opens: the deal's values, or a new deal's defaults."""
    if deal is None:
        values = dict.fromkeys(FIELDS, "")
        values.update(currency="USD", stage_id=default_stage, owner_id=me or NO_OWNER)
        return values
    values = {name: "" if deal.get(name) is None else str(deal[name]) for name in FIELDS}
    values["owner_id"] = values["owner_id"] or NO_OWNER
    return values


class DealFormState(SessionState):
    open: rx.Field[bool] = rx.field(False)
    editing_id: rx.Field[str] = rx.field("")
    values: rx.Field[dict[str, str]] = rx.field(default_factory=dict)
    errors: rx.Field[dict[str, str]] = rx.field(default_factory=lambda: dict.fromkeys(FIELDS, ""))
    error: rx.Field[str] = rx.field("")
    saving: rx.Field[bool] = rx.field(False)
    preparing: rx.Field[bool] = rx.field(False)
    # A new key per opening remounts the fields with the new values.
    form_key: rx.Field[int] = rx.field(0)
    stages: rx.Field[list[StageOption]] = rx.field(default_factory=list)
    members: rx.Field[list[MemberOption]] = rx.field(default_factory=list)

    _origin: str = "deals"

    @rx.var
    def dialog_title(self) -> str:
        return "Edit deal" if self.editing_id else "New deal"

    @rx.var
    def submit_label(self) -> str:
        return "Save changes" if self.editing_id else "Create deal"

    def _deals_path(self, suffix: str = "") -> str:
        return f"/api/v1/workspaces/{self.workspace_id}/deals{suffix}"

    async def _prepare(self, origin: str, deal_id: str):
        self._origin = origin if origin in REFRESH else "deals"
        self.editing_id = deal_id
        self.errors = dict.fromkeys(FIELDS, "")
        self.error = ""
        self.preparing = True
        yield
        try:
            self.stages, self.members = await fetch_options(self._api, self.workspace_id)
            deal = await self._api("GET", self._deals_path(f"/{deal_id}")) if deal_id else None
        except SessionExpired:
            yield rx.redirect(LOGIN_ROUTE)
            return
        except ApiError as exc:
            # Shown in the dialog, which is the one place the user is looking at.
            self.error = exc.message
            self.open = True
            return
        finally:
            self.preparing = False
        first_open = next((s.id for s in self.stages if s.kind == "open"), "")
        me = next((m.id for m in self.members if m.email == self.user_email), "")
        self.values = form_values(deal, first_open, me)
        self.form_key += 1
        self.open = True

    @rx.event
    async def open_create(self, origin: str):
        async for update in self._prepare(origin, ""):
            yield update

    @rx.event
    async def open_edit(self, deal_id: str):
        async for update in self._prepare("deal", deal_id):
            yield update

    @rx.event
    def set_open(self, value: bool):
        self.open = value

    @rx.event
    async def submit(self, form: dict[str, Any]):
        creating = not self.editing_id
        body = deal_body(form, creating=creating)
        self.errors = dict.fromkeys(FIELDS, "")
        self.error = ""
        self.saving = True
        yield
        try:
            if creating:
                await self._api("POST", self._deals_path(), json=body)
            else:
                await self._api("PATCH", self._deals_path(f"/{self.editing_id}"), json=body)
        except SessionExpired:
            self.open = False
            yield rx.redirect(LOGIN_ROUTE)
            return
        except ApiError as exc:
            self.errors, self.error = split_field_errors(exc, FIELDS, BUSINESS_ERRORS)
            return
        finally:
            self.saving = False
        self.open = False
        yield REFRESH[self._origin]
