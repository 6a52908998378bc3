"""The request checks of POST /v1/messages, with the status, type and wording of the real API."""

import re
from collections.abc import Mapping
from typing import Any

from tests.fakes.anthropic_wire import ErrorReply

TOOL_NAME = re.compile(r"^[a-zA-Z0-9_-]{1,128}$")
VERSION = re.compile(r"^\d{4}-\d{2}-\d{2}$")
ROLES = ("user", "assistant")


def check_headers(headers: Mapping[str, str], *, api_key: str | None) -> ErrorReply | None:
    """401 without a usable key, 400 without a valid anthropic-version."""
    sent_key = credential(headers)
    if not sent_key:
        return _error(401, "authentication_error", "x-api-key header is required")
    if api_key is not None and sent_key != api_key:
        return _error(401, "authentication_error", "invalid x-api-key")
    version = headers.get("anthropic-version")
    if not version:
        return _invalid("anthropic-version: header is required")
    if not VERSION.match(version):
        return _invalid(f"anthropic-version: invalid version '{version}'")
    return None


def credential(headers: Mapping[str, str]) -> str | None:
    """The API key sent: `x-api-key`, or `Authorization: Bearer` as the 2.x SDK sends it."""
    scheme, _, token = headers.get("authorization", "").partition(" ")
    if scheme.lower() == "bearer" and token:
        return token
    return headers.get("x-api-key") or None


def check_body(body: Any) -> ErrorReply | None:
    """The first problem the real API would report for this body, if any."""
    if not isinstance(body, dict):
        return _invalid("The request body is not valid JSON.")
    for key in ("model", "max_tokens", "messages"):
        if key not in body:
            return _invalid(f"{key}: Field required")
    if not isinstance(body["model"], str) or not body["model"]:
        return _invalid("model: Input should be a valid string")
    max_tokens = body["max_tokens"]
    if not isinstance(max_tokens, int) or isinstance(max_tokens, bool):
        return _invalid("max_tokens: Input should be a valid integer")
    if max_tokens < 1:
        return _invalid("max_tokens: Input should be greater than or equal to 1")
    return _check_messages(body["messages"]) or _check_tools(body)


def _check_messages(messages: Any) -> ErrorReply | None:
    if not isinstance(messages, list):
        return _invalid("messages: Input should be a valid list")
    if not messages:
        return _invalid("messages: at least one message is required")
    previous_role = None
    for index, entry in enumerate(messages):
        role = entry.get("role") if isinstance(entry, dict) else None
        if role not in ROLES:
            return _invalid(f"messages.{index}.role: Input should be 'user' or 'assistant'")
        if role == previous_role:
            return _invalid(
                'messages: roles must alternate between "user" and "assistant", '
                f'but found multiple "{role}" roles in a row'
            )
        previous_role = role
        problem = _check_content(index, entry.get("content"), last=index == len(messages) - 1)
        if problem:
            return problem
    return _check_tool_pairs(messages)


def _check_content(index: int, content: Any, *, last: bool) -> ErrorReply | None:
    if content in ("", []) and not last:
        return _invalid(
            f"messages.{index}: all messages must have non-empty content except for the "
            "optional final assistant message"
        )
    if isinstance(content, list):
        for position, block in enumerate(content):
            if not isinstance(block, dict) or "type" not in block:
                return _invalid(f"messages.{index}.content.{position}.type: Field required")
            if block["type"] == "text" and not block.get("text"):
                return _invalid("messages: text content blocks must be non-empty")
    elif not isinstance(content, str):
        return _invalid(f"messages.{index}.content: Input should be a valid list")
    return None


def _check_tool_pairs(messages: list[dict[str, Any]]) -> ErrorReply | None:
    """Every tool_use answered by a tool_result in the next message, and only those."""
    for index, entry in enumerate(messages):
        called = _ids(entry, "tool_use", "id") if entry["role"] == "assistant" else []
        following = messages[index + 1] if index + 1 < len(messages) else None
        answered = _ids(following, "tool_result", "tool_use_id") if following else []
        missing = [tool_id for tool_id in called if tool_id not in answered]
        if missing and following is not None:
            return _invalid(
                f"messages.{index}: `tool_use` ids were found without `tool_result` blocks "
                f"immediately after: {', '.join(missing)}. Each `tool_use` block must have a "
                "corresponding `tool_result` block in the next message."
            )
        if entry["role"] == "user":
            previous = messages[index - 1] if index > 0 else None
            known = _ids(previous, "tool_use", "id") if previous else []
            unexpected = [i for i in _ids(entry, "tool_result", "tool_use_id") if i not in known]
            if unexpected:
                return _invalid(
                    f"messages.{index}.content: unexpected `tool_use_id` found in `tool_result` "
                    f"blocks: {', '.join(unexpected)}. Each `tool_result` block must have a "
                    "corresponding `tool_use` block in the previous message."
                )
    return None


def _check_tools(body: dict[str, Any]) -> ErrorReply | None:
    tools = body.get("tools") or []
    names = []
    for index, tool in enumerate(tools):
        if "type" in tool and tool["type"] != "custom":
            continue  # server tools (web_search, ...) carry no input_schema
        name = tool.get("name", "")
        if not TOOL_NAME.match(name):
            return _invalid(
                f"tools.{index}.custom.name: String should match pattern '^[a-zA-Z0-9_-]{{1,128}}$'"
            )
        if not isinstance(tool.get("input_schema"), dict):
            return _invalid(f"tools.{index}.custom.input_schema: Field required")
        names.append(name)
    choice = body.get("tool_choice")
    if (
        isinstance(choice, dict)
        and choice.get("type") == "tool"
        and choice.get("name") not in names
    ):
        return _invalid(f"tool_choice: Tool '{choice.get('name')}' not found in tools")
    return None


def _ids(entry: dict[str, Any], block_type: str, key: str) -> list[str]:
    content = entry.get("content")
    if not isinstance(content, list):
        return []
    return [str(b.get(key)) for b in content if isinstance(b, dict) and b.get("type") == block_type]


def _invalid(message: str) -> ErrorReply:
    return _error(400, "invalid_request_error", message)


def _error(status: int, type: str, message: str) -> ErrorReply:
    return ErrorReply(status=status, type=type, message=message)
