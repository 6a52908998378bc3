"""Insight generation: the engine finds and ranks, Claude (or a template) writes."""

import asyncio
from decimal import Decimal

from langchain_anthropic import ChatAnthropic

from ai_core.insights.analysis import Analysis, Candidate, analyze
from ai_core.insights.config import InsightSettings
from ai_core.insights.schemas import GeneratedInsight, GenerateRequest, GenerateResponse, Usage
from ai_core.insights.writer import Text, Writing, write
from ai_core.llm import estimate_cost_usd


async def generate(
    request: GenerateRequest, *, model: ChatAnthropic | None, settings: InsightSettings
) -> GenerateResponse:
    """Analyse the snapshot, then have the top signals written up, ranked and summarised."""
    # The engine is CPU-bound (a second or more at 100,000 deals): keep the loop serving.
    analysis = await asyncio.to_thread(analyze, request, top_k=settings.top_k)
    writing = await write(analysis, model=model, budget_seconds=settings.llm_budget_seconds)
    return _response(analysis, writing)


def _response(analysis: Analysis, writing: Writing) -> GenerateResponse:
    candidates = {c.signal_key: c for c in analysis.candidates}
    insights = [
        _insight(candidates[key], writing.texts[key], rank)
        for rank, key in enumerate(writing.order, start=1)
    ]
    usage = writing.usage
    cost = (
        estimate_cost_usd(writing.model, usage.input_tokens, usage.output_tokens)
        if writing.model
        else None
    )
    return GenerateResponse(
        insights=insights,
        summary=_insight(analysis.summary, writing.summary, 0),
        usage=Usage(
            model=writing.model,
            input_tokens=usage.input_tokens,
            output_tokens=usage.output_tokens,
            cost_usd=cost if cost is not None else Decimal(0),
        ),
        used_ai=writing.used_ai,
        notes=writing.notes,
        stats=analysis.stats,
    )


def _insight(candidate: Candidate, text: Text, rank: int) -> GeneratedInsight:
    return GeneratedInsight(
        signal_key=candidate.signal_key,
        deal_id=candidate.deal_id,
        type=candidate.type,
        title=text.title,
        description=text.description,
        priority=text.priority,
        confidence=candidate.confidence,
        evidence=candidate.evidence,
        suggested_actions=text.suggested_actions,
        generated_without_ai=text.generated_without_ai,
        rank=rank,
    )
