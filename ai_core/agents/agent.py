"""The chat agent: Claude with the workspace tools, streamed as tokens and tool events.

The loop is bounded three ways: tool calls per answer (further calls are refused to the model,
which then answers with what it has), model calls per answer (the run stops with a clear
message), and LangGraph's recursion limit as the last resort.
"""

from collections.abc import AsyncIterator, Sequence
from typing import Any

import anthropic
import structlog
from langchain.agents import create_agent
from langchain.agents.middleware import (
    AgentMiddleware,
    ModelCallLimitMiddleware,
    ToolCallLimitMiddleware,
)
from langchain_core.language_models import BaseChatModel
from langchain_core.messages import AIMessage, AIMessageChunk, ToolMessage
from langgraph.errors import GraphRecursionError

from ai_core.agents.context import ChatContext
from ai_core.agents.events import ChatEvent, Done, Failed, Token, ToolFinished, ToolStarted
from ai_core.agents.fallback import MODEL_DOWN, NO_KEY, answer_without_ai
from ai_core.agents.prompts import LIMIT_REACHED, system_prompt
from ai_core.agents.tools import TOOLS
from ai_core.llm import TokenUsage, chat_model, token_usage

log = structlog.get_logger(__name__)

MAX_TOOL_CALLS = 8
MAX_MODEL_CALLS = MAX_TOOL_CALLS + 2
# Each model call costs about five graph steps (model, its two middleware hooks, tools).
RECURSION_LIMIT = 6 * MAX_MODEL_CALLS + 10
SUMMARY_CHARS = 160
MODEL_FAILED = "The AI model stopped answering part-way. Please ask again in a moment."


class ModelUnavailable(Exception):
    def __init__(self, *, spoke: bool) -> None:
        super().__init__("the model failed")
        self.spoke = spoke


def build_agent(model: BaseChatModel, context: ChatContext) -> Any:
    limits: list[AgentMiddleware[Any, ChatContext, Any]] = [
        ToolCallLimitMiddleware(run_limit=MAX_TOOL_CALLS),
        ModelCallLimitMiddleware(run_limit=MAX_MODEL_CALLS, exit_behavior="end"),
    ]
    return create_agent(
        model=model,
        tools=TOOLS,
        system_prompt=system_prompt(context.today),
        context_schema=ChatContext,
        middleware=limits,
    )


async def converse(
    context: ChatContext, messages: Sequence[dict[str, str]], *, model: BaseChatModel | None = None
) -> AsyncIterator[ChatEvent]:
    """Answer the last user message: with Claude when configured, else without AI."""
    messages = normalise(messages)
    model = model or chat_model()
    if model is None:
        async for event in answer_without_ai(context, messages, reason=NO_KEY):
            yield event
        return
    try:
        async for event in stream_answer(model, context, messages):
            yield event
    except ModelUnavailable as exc:
        if exc.spoke:
            yield Failed(MODEL_FAILED)
            return
        async for event in answer_without_ai(context, messages, reason=MODEL_DOWN):
            yield event


async def stream_answer(
    model: BaseChatModel, context: ChatContext, messages: Sequence[dict[str, str]]
) -> AsyncIterator[ChatEvent]:
    """Claude's answer as it streams; ModelUnavailable if the model fails."""
    agent = build_agent(model, context)
    usage = TokenUsage()
    spoke = stopped = False
    try:
        async for mode, chunk in agent.astream(
            {"messages": list(messages)},
            context=context,
            stream_mode=["messages", "updates"],
            config={"recursion_limit": RECURSION_LIMIT},
        ):
            if mode == "messages":
                message, metadata = chunk
                text = _streamed_text(message, metadata)
                if text:
                    spoke = True
                    yield Token(text)
                continue
            for node, update in chunk.items():
                for message in _messages(update):
                    if isinstance(message, ToolMessage):
                        yield _finished(message)
                    elif isinstance(message, AIMessage) and node == "model":
                        usage += token_usage(message)
                        for call in message.tool_calls:
                            yield ToolStarted(str(call["id"]), call["name"], call["args"])
                    elif isinstance(message, AIMessage):
                        stopped = True  # a limit middleware ended the run
    except GraphRecursionError:
        stopped = True
    except anthropic.APIError as exc:
        log.warning("chat_model_failed", error=f"{type(exc).__name__}: {exc}", spoke=spoke)
        raise ModelUnavailable(spoke=spoke) from exc
    if stopped:
        yield Token(LIMIT_REACHED if spoke else LIMIT_REACHED.lstrip())
    yield Done(used_ai=True, input_tokens=usage.input_tokens, output_tokens=usage.output_tokens)


def normalise(messages: Sequence[dict[str, str]]) -> list[dict[str, str]]:
    """A history the Messages API accepts: starts with the user, alternates, nothing empty."""
    turns: list[dict[str, str]] = []
    for message in messages:
        content = message["content"].strip()
        if not content or (not turns and message["role"] != "user"):
            continue
        if turns and turns[-1]["role"] == message["role"]:
            turns[-1] = {"role": message["role"], "content": f"{turns[-1]['content']}\n\n{content}"}
        else:
            turns.append({"role": message["role"], "content": content})
    return turns


def _streamed_text(message: Any, metadata: dict[str, Any]) -> str:
    if metadata.get("langgraph_node") != "model" or not isinstance(message, AIMessageChunk):
        return ""
    if isinstance(message.content, str):
        return message.content
    return "".join(
        block.get("text", "")
        for block in message.content
        if isinstance(block, dict) and block.get("type") == "text"
    )


def _messages(update: Any) -> list[Any]:
    if isinstance(update, dict):
        return list(update.get("messages") or [])
    return []


def _finished(message: ToolMessage) -> ToolFinished:
    ok = message.status != "error"
    artifact = message.artifact if isinstance(message.artifact, dict) else {}
    summary = str(artifact.get("summary") or ("" if ok else message.text))
    if len(summary) > SUMMARY_CHARS:
        summary = summary[: SUMMARY_CHARS - 1] + "…"
    return ToolFinished(message.tool_call_id, message.name or "", ok, summary)
