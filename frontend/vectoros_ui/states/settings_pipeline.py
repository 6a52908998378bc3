"""Settings -> Pipeline: rename, re-weight, reorder, add and delete stages."""

import dataclasses
from decimal import Decimal
from typing import Any

import reflex as rx

from vectoros_ui.api import ApiError
from vectoros_ui.states.session import SessionState
from vectoros_ui.states.settings_base import SettingsMessages

STAGE_KINDS = ["open", "won", "lost"]
NEW_STAGE_ID = "new-stage-name"


@dataclasses.dataclass
class StageRow:
    id: str
    name: str
    probability: str
    kind: str
    rotting_days: str
    first: bool
    last: bool


def to_rows(items: list[dict[str, Any]]) -> list[StageRow]:
    return [
        StageRow(
            id=str(s["id"]),
            name=str(s["name"]),
            probability=f"{Decimal(str(s['probability'])).normalize():f}",
            kind=str(s["kind"]),
            rotting_days=str(s.get("rotting_days") or ""),
            first=n == 0,
            last=n == len(items) - 1,
        )
        for n, s in enumerate(items)
    ]


class PipelineSettingsState(SettingsMessages, SessionState):
    error: rx.Field[str] = rx.field("")
    notice: rx.Field[str] = rx.field("")
    stages: rx.Field[list[StageRow]] = rx.field(default_factory=list)
    loading: rx.Field[bool] = rx.field(False)
    adding: rx.Field[bool] = rx.field(False)

    def _path(self, suffix: str = "") -> str:
        return f"/api/v1/workspaces/{self.workspace_id}/stages{suffix}"

    async def _fetch(self) -> None:
        self.stages = to_rows(await self._api("GET", self._path()))

    @rx.event
    async def load(self):
        self.stages = []
        async for update in self._load_page():
            yield update

    @rx.event
    async def save(self, form: dict[str, Any]):
        """One stage's row was submitted: name, probability, kind and rotting days."""
        self._clear()
        stage_id = str(form.get("stage_id", ""))
        body: dict[str, Any] = {
            "name": str(form.get("name", "")).strip(),
            "probability": str(form.get("probability", "")).strip() or "0",
            "kind": str(form.get("kind") or "open"),
        }
        rotting = str(form.get("rotting_days", "")).strip()
        body["rotting_days"] = int(rotting) if rotting.isdigit() else None
        try:
            saved = await self._api("PATCH", self._path(f"/{stage_id}"), json=body)
            await self._fetch()
        except ApiError as exc:
            # The row keeps what was typed: the form is not reset on an error.
            yield self._fail(exc)
            return
        self.notice = f"Stage “{saved['name']}” saved."

    @rx.event
    async def add(self, form: dict[str, Any]):
        self._clear()
        name = str(form.get("name", "")).strip()
        probability = str(form.get("probability", "")).strip()
        if not name or not probability:
            self.error = "A new stage needs a name and a win probability (0–100)."
            return
        self.adding = True
        yield
        try:
            await self._api("POST", self._path(), json={"name": name, "probability": probability})
            await self._fetch()
        except ApiError as exc:
            yield self._fail(exc)
            return
        finally:
            self.adding = False
        self.notice = f"Stage “{name}” added."
        yield rx.set_value(NEW_STAGE_ID, "")

    @rx.event
    async def move(self, stage_id: str, offset: int):
        self._clear()
        ids = [s.id for s in self.stages]
        at = ids.index(stage_id) if stage_id in ids else -1
        to = at + offset
        if at < 0 or not 0 <= to < len(ids):
            return
        ids[at], ids[to] = ids[to], ids[at]
        try:
            self.stages = to_rows(
                await self._api("POST", self._path("/reorder"), json={"stage_ids": ids})
            )
        except ApiError as exc:
            yield self._fail(exc)

    @rx.event
    async def delete(self, stage_id: str):
        self._clear()
        try:
            await self._api("DELETE", self._path(f"/{stage_id}"))
            await self._fetch()
        except ApiError as exc:
            yield self._fail(exc)
            return
        self.notice = "Stage deleted."
