"""The assistant panel: one conversation per workspace, answers streamed as they are written."""

import dataclasses
import json
from collections.abc import AsyncIterator
from typing import Any

import httpx
import reflex as rx
from markdown_it import MarkdownIt

from vectoros_ui import api
from vectoros_ui.api import ApiError
from vectoros_ui.states.session import SessionState

# The agent may think for a while between two events; the backend sends keep-alives.
STREAM_TIMEOUT = httpx.Timeout(connect=3.0, read=90.0, write=10.0, pool=5.0)
# Raw HTML in an answer is shown as text: the answer may quote deal notes or CRM fields.
_MARKDOWN = MarkdownIt("commonmark", {"html": False, "linkify": False})
TOOL_LABELS = {
    "search_deals": "Searching deals",
    "get_deal": "Reading the deal",
    "pipeline_summary": "Summing up the pipeline",
    "funnel": "Measuring the funnel",
    "forecast": "Running the forecast",
    "at_risk_deals": "Finding deals at risk",
    "list_insights": "Reading insights",
    "activity_stats_by_owner": "Counting activity by owner",
}


@dataclasses.dataclass
class ChatMessage:
    role: str
    text: str
    html: str = ""
    tools: list[str] = dataclasses.field(default_factory=list)
    used_ai: bool = True
    pending: bool = False


def render(markdown: str) -> str:
    return _MARKDOWN.render(markdown)


def tool_line(data: dict[str, Any]) -> str:
    """'Finding deals at risk…' while it runs, then what it found."""
    name = str(data.get("name", ""))
    label = TOOL_LABELS.get(name, name.replace("_", " ").capitalize())
    if data.get("status") == "started":
        return f"{label}…"
    summary = str(data.get("summary") or "")
    return f"{label}: {summary}" if summary else f"{label}: done"


async def sse_events(response: httpx.Response) -> AsyncIterator[tuple[str, dict[str, Any]]]:
    """`text/event-stream` lines as (event name, JSON data) pairs."""
    name, data = "message", []
    async for line in response.aiter_lines():
        if not line:
            if data:
                yield name, json.loads("\n".join(data))
            name, data = "message", []
        elif line.startswith(":"):
            continue  # a keep-alive comment
        else:
            field, _, value = line.partition(":")
            if field == "event":
                name = value.removeprefix(" ")
            elif field == "data":
                data.append(value.removeprefix(" "))


class ChatState(SessionState):
    panel_open: rx.Field[bool] = rx.field(False)
    messages: rx.Field[list[ChatMessage]] = rx.field(default_factory=list)
    sending: rx.Field[bool] = rx.field(False)
    error: rx.Field[str] = rx.field("")

    _conversation_id: str = ""
    _conversation_workspace: str = ""

    @rx.event
    def toggle(self):
        self.panel_open = not self.panel_open

    @rx.event
    def new_conversation(self):
        if not self.sending:
            self.messages, self._conversation_id, self.error = [], "", ""

    def _last(self, **changes: Any) -> None:
        last = self.messages[-1]
        self.messages = [*self.messages[:-1], dataclasses.replace(last, **changes)]

    @rx.event
    def ask(self, form: dict[str, Any]):
        question = str(form.get("message", "")).strip()
        if not question or self.sending or not self.workspace_id:
            return None
        if self._conversation_workspace != self.workspace_id:
            # A conversation belongs to one workspace: switching starts a fresh one.
            self.messages, self._conversation_id = [], ""
            self._conversation_workspace = self.workspace_id
        self.error, self.sending = "", True
        self.messages = [
            *self.messages,
            ChatMessage(role="user", text=question),
            ChatMessage(role="assistant", text="", pending=True),
        ]
        return ChatState.stream_answer(question)

    def _request(self, question: str) -> tuple[str, dict[str, Any], dict[str, str]]:
        body: dict[str, Any] = {"message": question}
        if self._conversation_id:
            body["conversation_id"] = self._conversation_id
        headers = {"Authorization": f"Bearer {self._access_token}"}
        return f"/api/v1/workspaces/{self.workspace_id}/chat", body, headers

    @rx.event(background=True)
    async def stream_answer(self, question: str):
        """Read the backend's SSE stream outside the state lock, pushing each event in."""
        try:
            for attempt in range(2):
                async with self:
                    if attempt:
                        await self._refresh()
                    path, body, headers = self._request(question)
                if await self._stream(path, body, headers):
                    break
        except ApiError as exc:
            async with self:
                self._failed(exc.message)
        except (httpx.HTTPError, ValueError):
            async with self:
                self._failed(api.UNREACHABLE)
        async with self:
            self.sending = False
            if self.messages and self.messages[-1].pending:
                self._last(pending=False)

    async def _stream(self, path: str, body: dict[str, Any], headers: dict[str, str]) -> bool:
        """Stream one answer; False when the access token had expired (refresh and retry)."""
        async with (
            httpx.AsyncClient(base_url=api.BACKEND_URL, timeout=STREAM_TIMEOUT) as client,
            client.stream("POST", path, json=body, headers=headers) as response,
        ):
            if response.status_code == 401:
                return False
            if not response.is_success:
                await response.aread()
                raise api._error_from(response)
            async for name, data in sse_events(response):
                async with self:
                    self._apply(name, data)
        return True

    def _apply(self, name: str, data: dict[str, Any]) -> None:
        last = self.messages[-1]
        if name == "token":
            text = last.text + str(data.get("text", ""))
            self._last(text=text, html=render(text))
        elif name == "tool":
            line = tool_line(data)
            prefix = tool_line({**data, "status": "started"})
            # A finished tool replaces its own "…" line.
            tools = [t for t in last.tools if t != prefix]
            self._last(tools=[*tools, line])
        elif name == "done":
            self._conversation_id = str(data.get("conversation_id") or "")
            self._last(used_ai=bool(data.get("used_ai")), pending=False)
        elif name == "error":
            self._conversation_id = str(data.get("conversation_id") or self._conversation_id)
            self._failed(str(data.get("message") or "The assistant could not answer."))

    def _failed(self, message: str) -> None:
        self.error = message
        if self.messages and self.messages[-1].pending and not self.messages[-1].text:
            self.messages = self.messages[:-1]
