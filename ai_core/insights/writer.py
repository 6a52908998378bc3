"""Claude writes the insights' words; templates stand in wherever it cannot be trusted.

Budget: the SDK retries 408/409/429/5xx and connection errors itself (`max_retries`, with
backoff); an answer that does not fit the schema is asked for once more; the whole exchange
must end within `budget_seconds`. Past that, every insight falls back to its template. An
insight whose text holds a number that is not in its evidence falls back on its own.
"""

import asyncio
from dataclasses import dataclass, field
from typing import Any, cast

import anthropic
import structlog
from langchain_anthropic import ChatAnthropic

from ai_core.insights import numbers, prompts, templates
from ai_core.insights.analysis import Analysis, Candidate
from ai_core.insights.schemas import InsightBatch, InsightText, Priority, SummaryText
from ai_core.llm import TokenUsage, token_usage

log = structlog.get_logger(__name__)

NO_KEY_NOTE = "No Anthropic API key is configured: insights were generated without AI."
ASKS = 2  # the first answer, and one re-ask when it does not fit the schema


class InvalidOutput(ValueError):
    """Claude's answers did not fit the schema, even when asked again."""


@dataclass(frozen=True)
class Text:
    title: str
    description: str
    suggested_actions: list[str]
    priority: Priority
    generated_without_ai: bool


@dataclass
class Writing:
    texts: dict[str, Text]
    # Signal keys, most urgent first.
    order: list[str]
    summary: Text
    model: str | None
    usage: TokenUsage = field(default_factory=TokenUsage)
    notes: list[str] = field(default_factory=list)

    @property
    def used_ai(self) -> bool:
        written = [*self.texts.values(), self.summary]
        return any(not t.generated_without_ai for t in written)


async def write(
    analysis: Analysis, *, model: ChatAnthropic | None, budget_seconds: float
) -> Writing:
    """Texts for every candidate and the summary: Claude's where valid, else templates."""
    if model is None:
        return _templates(analysis, model=None, notes=[NO_KEY_NOTE])
    spent = _Spent()
    try:
        async with asyncio.timeout(budget_seconds):
            batch = await _ask(model, analysis, spent)
    except (anthropic.APIError, TimeoutError, ValueError) as exc:
        log.warning("insight_writing_failed", error=_describe(exc))
        note = (
            f"Claude failed ({_describe(exc)}) within the retry budget: "
            "insights were generated without AI, from templates."
        )
        return _templates(analysis, model=model.model, notes=[note], usage=spent.usage)
    return _checked(analysis, batch, model=model.model, usage=spent.usage)


@dataclass
class _Spent:
    usage: TokenUsage = field(default_factory=TokenUsage)


async def _ask(model: ChatAnthropic, analysis: Analysis, spent: _Spent) -> InsightBatch:
    structured = model.with_structured_output(InsightBatch, include_raw=True)
    rejected: str | None = None
    for _ in range(ASKS):
        # include_raw: {"raw": the reply, "parsed": the model or None, "parsing_error": ...}
        answer = cast(
            dict[str, Any], await structured.ainvoke(prompts.messages(analysis, rejected=rejected))
        )
        spent.usage += token_usage(answer["raw"])
        if isinstance(answer["parsed"], InsightBatch):
            return answer["parsed"]
        rejected = _describe(answer["parsing_error"]) if answer["parsing_error"] else "no answer"
    raise InvalidOutput(f"the answer did not fit the schema: {rejected}")


def _checked(analysis: Analysis, batch: InsightBatch, *, model: str, usage: TokenUsage) -> Writing:
    candidates = {c.signal_key: c for c in analysis.candidates}
    texts: dict[str, Text] = {}
    order: list[str] = []
    notes: list[str] = []
    for item in batch.insights:
        candidate = candidates.get(item.signal_key)
        if candidate is None or item.signal_key in texts:
            continue  # not one of ours, or a second text for the same signal
        bad = numbers.unsupported(_texts(item), numbers.input_numbers(*_inputs(candidate)))
        if bad:
            notes.append(
                f"{item.signal_key}: Claude wrote numbers not in the evidence "
                f"({', '.join(bad[:5])}); the template text was used."
            )
            texts[item.signal_key] = _template(candidate)
        else:
            texts[item.signal_key] = Text(
                item.title, item.description, item.suggested_actions, item.priority, False
            )
        order.append(item.signal_key)
    missing = [key for key in candidates if key not in texts]
    if missing:
        notes.append(f"Claude left out {len(missing)} signal(s); their template text was used.")
    for key in missing:
        texts[key] = _template(candidates[key])
        order.append(key)
    return Writing(texts, order, _summary(analysis, batch.summary, notes), model, usage, notes)


def _summary(analysis: Analysis, written: SummaryText, notes: list[str]) -> Text:
    summary = analysis.summary
    bad = numbers.unsupported(
        [written.title, written.description, *written.suggested_actions],
        numbers.input_numbers(*_inputs(summary)),
    )
    if bad:
        notes.append(
            f"summary: Claude wrote numbers not in the evidence ({', '.join(bad[:5])}); "
            "the template text was used."
        )
        return _summary_template(analysis)
    priority = _priority(summary)
    return Text(written.title, written.description, written.suggested_actions, priority, False)


def _templates(
    analysis: Analysis,
    *,
    model: str | None,
    notes: list[str],
    usage: TokenUsage | None = None,
) -> Writing:
    texts = {c.signal_key: _template(c) for c in analysis.candidates}
    return Writing(
        texts, list(texts), _summary_template(analysis), model, usage or TokenUsage(), notes
    )


def _template(candidate: Candidate) -> Text:
    if candidate.type == "prediction":
        title, description, actions = templates.forecast_text(candidate)
    else:
        title, description, actions = templates.deal_text(candidate)
    return Text(title, description, actions, _priority(candidate), True)


def _summary_template(analysis: Analysis) -> Text:
    text = templates.summary_text(analysis.summary)
    priority = _priority(analysis.summary)
    return Text(text.title, text.description, text.suggested_actions, priority, True)


def _priority(candidate: Candidate) -> Priority:
    """The engine's level, which uses the priorities' names."""
    return cast(Priority, candidate.level.value)


def _inputs(candidate: Candidate) -> tuple[object, ...]:
    return candidate.evidence, candidate.subject


def _texts(item: InsightText) -> list[str]:
    return [item.title, item.description, *item.suggested_actions]


def _describe(exc: BaseException) -> str:
    message = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
    name = type(exc).__name__ if not isinstance(exc, TimeoutError) else "timed out"
    return f"{name}: {message[:200]}" if message else name
