"""Answers without AI: the common questions, recognised by keywords, answered by the same tools.

At-risk deals, the forecast, the pipeline, the funnel, insights, team activity, and a deal
named in the question. The text is a template filled with the tools' numbers, and it says
that it was written without AI.
"""

import re
import uuid
from collections.abc import AsyncIterator, Awaitable, Sequence
from typing import Any

from ai_core.agents import deals, render, reports
from ai_core.agents.context import ChatContext
from ai_core.agents.events import ChatEvent, Done, Token, ToolFinished, ToolStarted
from ai_core.agents.views import Found, QueryError
from ai_core.clients.workspace_api import WorkspaceApiError

NO_KEY = "No AI model is configured"
MODEL_DOWN = "The AI model is unavailable right now"

INTENTS: list[tuple[str, re.Pattern[str]]] = [
    ("at_risk", re.compile(r"\b(at[- ]risk|risk|stall|stuck|slipp|dying|danger|worr)")),
    ("forecast", re.compile(r"\b(forecast|projection|outlook|commit|quota|target)")),
    ("funnel", re.compile(r"\b(funnel|conversion|convert|velocity)")),
    ("pipeline", re.compile(r"\b(pipeline|stages?|weighted)\b")),
    ("insights", re.compile(r"\binsights?\b")),
    ("activity", re.compile(r"\b(activit\w*|calls|meetings|emails|busiest|team|reps?)\b")),
]
# First match wins: "next month" before "month".
PERIODS: list[tuple[re.Pattern[str], reports.Period]] = [
    (re.compile(r"next quarter"), "next_quarter"),
    (re.compile(r"next month"), "next_month"),
    (re.compile(r"\bmonth"), "this_month"),
    (re.compile(r"12 months|twelve months|next year"), "next_12_months"),
    (re.compile(r"\byear"), "this_year"),
]
STOP_WORDS = frozenset(
    "a about an and any are at can could deal deals detail details do does doing for from "
    "give going happening have how i in info is it its latest look me my of on opportunity "
    "please show status summarize summary tell that the there this to up update was what "
    "whats where which who why with".split()
)
MAX_NAME_SEARCHES = 3


async def answer_without_ai(
    context: ChatContext, messages: Sequence[dict[str, str]], *, reason: str
) -> AsyncIterator[ChatEvent]:
    """The answer to the last user message, with the same events as Claude's."""
    question = next((m["content"] for m in reversed(messages) if m["role"] == "user"), "")
    body: list[str] = []
    try:
        async for event in _answer(context, question, body):
            yield event
    except (WorkspaceApiError, QueryError) as exc:
        body[:] = [f"I could not read that from your workspace: {exc}"]
    text = f"_{reason}, so this answer was put together without AI from your data._\n\n"
    text += "\n".join(body) if body else render.HELP
    for line in text.splitlines(keepends=True):
        yield Token(line)
    yield Done(used_ai=False)


async def _answer(context: ChatContext, question: str, body: list[str]) -> AsyncIterator[ChatEvent]:
    intent = _intent(question)
    out: list[Found] = []
    if intent == "at_risk":
        work = deals.at_risk_deals(context, limit=5)
        async for event in _call("at_risk_deals", {"limit": 5}, work, out):
            yield event
        body.append(render.at_risk(out[-1].data))
    elif intent == "forecast":
        period = _period(question)
        work = reports.forecast(context, period=period)
        async for event in _call("forecast", {"period": period}, work, out):
            yield event
        body.append(render.forecast(out[-1].data))
    elif intent == "funnel":
        async for event in _call("funnel", {}, reports.funnel(context), out):
            yield event
        body.append(render.funnel(out[-1].data))
    elif intent == "pipeline":
        async for event in _call("pipeline_summary", {}, reports.pipeline_summary(context), out):
            yield event
        body.append(render.pipeline(out[-1].data))
    elif intent == "insights":
        async for event in _call("list_insights", {}, reports.list_insights(context), out):
            yield event
        body.append(render.insights(out[-1].data))
    elif intent == "activity":
        work = reports.activity_stats_by_owner(context, days=30)
        async for event in _call("activity_stats_by_owner", {"days": 30}, work, out):
            yield event
        body.append(render.activity(out[-1].data))
    else:
        async for event in _named_deal(context, question, body):
            yield event


async def _named_deal(
    context: ChatContext, question: str, body: list[str]
) -> AsyncIterator[ChatEvent]:
    """Search the deals for the words of the question, longest phrase first."""
    out: list[Found] = []
    for query in _name_candidates(question)[:MAX_NAME_SEARCHES]:
        work = deals.search_deals(context, query=query, limit=5)
        async for event in _call("search_deals", {"query": query}, work, out):
            yield event
        matches = out[-1].data["deals"]
        if len(matches) == 1:
            work = deals.get_deal(context, matches[0]["id"])
            async for event in _call("get_deal", {"deal_id": matches[0]["id"]}, work, out):
                yield event
            body.append(render.deal(out[-1].data))
            return
        if matches:
            body.append(render.matches(query, out[-1].data))
            return


async def _call(
    name: str, args: dict[str, Any], work: Awaitable[Found], out: list[Found]
) -> AsyncIterator[ChatEvent]:
    call_id = f"fallback_{uuid.uuid4().hex[:16]}"
    yield ToolStarted(call_id, name, args)
    try:
        found = await work
    except (WorkspaceApiError, QueryError) as exc:
        yield ToolFinished(call_id, name, False, str(exc)[:160])
        raise
    out.append(found)
    yield ToolFinished(call_id, name, True, found.summary)


def _intent(question: str) -> str | None:
    lowered = question.lower()
    return next((name for name, pattern in INTENTS if pattern.search(lowered)), None)


def _period(question: str) -> reports.Period:
    lowered = question.lower()
    return next((p for pattern, p in PERIODS if pattern.search(lowered)), "this_quarter")


def _bare(word: str) -> str:
    """A word without its possessive or trailing punctuation: "Acme's" -> "Acme"."""
    return re.sub(r"['’]s$", "", word).strip(".-'’")


def _name_candidates(question: str) -> list[str]:
    """Quoted text first, then the question without filler words, then its longest words."""
    quoted = re.findall(r"[\"“]([^\"”]{2,})[\"”]", question)
    words = [_bare(w) for w in re.findall(r"[\w&.'’-]+", question)]
    words = [w for w in words if w and re.sub(r"['’]", "", w.lower()) not in STOP_WORDS]
    phrase = " ".join(words)
    longest = sorted({w for w in words if len(w) >= 3}, key=lambda w: (-len(w), w.lower()))
    candidates = [*quoted, phrase, *longest]
    unique: list[str] = []
    for candidate in candidates:
        if candidate and candidate.lower() not in (c.lower() for c in unique):
            unique.append(candidate)
    return unique
