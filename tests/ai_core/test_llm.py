"""The configured Claude model, driven through LangChain against the fake Anthropic API."""

from decimal import Decimal
from typing import Any

import anthropic
import pytest
from langchain_core.messages import AIMessage, HumanMessage
from pydantic import BaseModel, Field

from ai_core.config import Settings
from ai_core.llm import (
    UNKNOWN_MODEL_PRICE,
    TokenUsage,
    chat_model,
    estimate_cost_usd,
    token_usage,
    total_usage,
)
from tests.fakes.anthropic_server import FakeAnthropic, anthropic_server, fake_anthropic
from tests.fakes.anthropic_wire import rate_limited, server_error, structured, text, tool_use

__all__ = ["anthropic_server", "fake_anthropic"]  # fixtures

MODEL = "claude-sonnet-4-6"


def settings_for(fake: FakeAnthropic | None, **values: Any) -> Settings:
    """Settings from `values` only (never a developer's `.env`), pointed at `fake`."""
    if fake is not None:
        values = {"anthropic_api_key": "test", "anthropic_base_url": fake.base_url, **values}
    return Settings(_env_file=None, anthropic_model=MODEL, **values)  # type: ignore[call-arg]


class DealRisk(BaseModel):
    """How at risk a deal is."""

    title: str = Field(description="One line naming the deal and the risk.")
    priority: int = Field(ge=1, le=5)


async def search_deals(query: str) -> str:
    """Search the workspace's deals by name."""
    return query


def test_without_an_api_key_there_is_no_model(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("ANTHROPIC_API_KEY", raising=False)

    assert chat_model(settings_for(None)) is None


def test_the_model_follows_the_settings(fake_anthropic: FakeAnthropic) -> None:
    model = chat_model(settings_for(fake_anthropic), max_retries=1, timeout_seconds=7)

    assert model is not None
    assert model.model == MODEL
    assert model.anthropic_api_url == fake_anthropic.base_url
    assert model.anthropic_api_key.get_secret_value() == "test"
    assert (model.max_retries, model.default_request_timeout) == (1, 7)
    assert model.max_tokens is not None and model.max_tokens > 0


async def test_a_text_answer_reports_its_tokens(fake_anthropic: FakeAnthropic) -> None:
    fake_anthropic.script(text("Acme is at risk: no activity for 40 days."))
    model = chat_model(settings_for(fake_anthropic))
    assert model is not None

    answer = await model.ainvoke("Which deal is at risk?")

    assert answer.content == "Acme is at risk: no activity for 40 days."
    usage = token_usage(answer)
    assert usage.input_tokens == fake_anthropic.requests[0].input_tokens
    assert usage.output_tokens > 0
    assert fake_anthropic.bodies[0]["model"] == MODEL


async def test_bound_tools_come_back_as_tool_calls(fake_anthropic: FakeAnthropic) -> None:
    fake_anthropic.script(tool_use("search_deals", {"query": "Acme"}, text="Searching."))
    model = chat_model(settings_for(fake_anthropic))
    assert model is not None

    answer = await model.bind_tools([search_deals]).ainvoke("Find Acme")

    assert isinstance(answer, AIMessage)
    assert [(c["name"], c["args"]) for c in answer.tool_calls] == [
        ("search_deals", {"query": "Acme"})
    ]
    assert fake_anthropic.requests[0].tool_names == ["search_deals"]


async def test_structured_output_is_parsed_into_the_schema(fake_anthropic: FakeAnthropic) -> None:
    fake_anthropic.script(structured(DealRisk(title="Acme: gone quiet", priority=2)))
    model = chat_model(settings_for(fake_anthropic))
    assert model is not None

    risk = await model.with_structured_output(DealRisk).ainvoke("Rate Acme")

    assert risk == DealRisk(title="Acme: gone quiet", priority=2)
    assert fake_anthropic.bodies[0]["tool_choice"] == {"type": "tool", "name": "DealRisk"}


async def test_streaming_yields_the_answer_in_chunks_with_usage(
    fake_anthropic: FakeAnthropic,
) -> None:
    answer = "Three deals slipped this quarter, led by Acme and Globex."
    fake_anthropic.script(text(answer))
    model = chat_model(settings_for(fake_anthropic))
    assert model is not None

    chunks = [chunk async for chunk in model.astream("What slipped?")]

    texts = [chunk.content for chunk in chunks if chunk.content]
    assert len(texts) > 2 and "".join(str(t) for t in texts) == answer
    total = sum(chunks[1:], chunks[0])
    assert total.usage_metadata is not None
    assert total.usage_metadata["input_tokens"] == fake_anthropic.requests[0].input_tokens


async def test_a_rate_limit_is_retried_within_the_budget(fake_anthropic: FakeAnthropic) -> None:
    fake_anthropic.script(rate_limited(), rate_limited(), text("Recovered."))
    model = chat_model(settings_for(fake_anthropic), max_retries=2)
    assert model is not None

    answer = await model.ainvoke("Hi")

    assert answer.content == "Recovered."
    assert [r.status for r in fake_anthropic.requests] == [429, 429, 200]


async def test_a_server_error_beyond_the_budget_reaches_the_caller(
    fake_anthropic: FakeAnthropic,
) -> None:
    fake_anthropic.script(server_error())
    model = chat_model(settings_for(fake_anthropic), max_retries=0)
    assert model is not None

    with pytest.raises(anthropic.InternalServerError):
        await model.ainvoke("Hi")


def test_token_usage_sums_over_the_replies_of_a_run() -> None:
    usage = {"input_tokens": 100, "output_tokens": 20, "total_tokens": 120}
    messages = [
        HumanMessage("Which deals are at risk?"),
        AIMessage("", usage_metadata=usage),
        AIMessage("Acme.", usage_metadata=usage),
        AIMessage("No usage reported."),
    ]

    assert total_usage(messages) == TokenUsage(input_tokens=200, output_tokens=40)
    assert token_usage(messages[0]) == TokenUsage()


def test_cost_uses_the_price_per_million_tokens() -> None:
    assert estimate_cost_usd("claude-sonnet-4-6", 1_000_000, 0) == Decimal("3")
    assert estimate_cost_usd("claude-haiku-4-5", 2_000, 1_000) == Decimal("0.007")


def test_a_dated_model_id_is_priced_like_its_alias() -> None:
    dated = estimate_cost_usd("claude-haiku-4-5-20251001", 1234, 567)

    assert dated == estimate_cost_usd("claude-haiku-4-5", 1234, 567)


def test_an_unknown_model_is_priced_at_the_conservative_default() -> None:
    cost = estimate_cost_usd("claude-next-9", 1_000_000, 1_000_000)

    assert cost == UNKNOWN_MODEL_PRICE.input + UNKNOWN_MODEL_PRICE.output
    assert cost >= estimate_cost_usd("claude-opus-4-1", 1_000_000, 1_000_000)
