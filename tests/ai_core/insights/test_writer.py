"""Claude writes the insights through the real SDK and LangChain (fake API on 127.0.0.1);
templates stand in for whatever cannot be trusted, and the run says so."""

from typing import Any

import pytest

from ai_core.config import Settings
from ai_core.insights.analysis import Analysis, analyze
from ai_core.insights.schemas import GenerateRequest
from ai_core.insights.writer import NO_KEY_NOTE, write
from ai_core.llm import chat_model
from tests.ai_core.insights.factories import healthy, snapshot
from tests.fakes.anthropic_server import FakeAnthropic, anthropic_server, fake_anthropic
from tests.fakes.anthropic_wire import JSON, delayed, error, structured

__all__ = ["anthropic_server", "fake_anthropic"]  # fixtures

MODEL = "claude-sonnet-4-6"


def analysis() -> Analysis:
    deals = [
        healthy("quiet", "Globex renewal", days_since_last_activity=40.26, amount="48250.75"),
        healthy("late", "Initech expansion", pushes=3, days_to_close=-9, amount="12000.00"),
        *(healthy(f"ok-{i}", f"Fine {i}") for i in range(4)),
    ]
    return analyze(GenerateRequest.model_validate(snapshot(deals)), top_k=12)


def model(fake: FakeAnthropic, max_retries: int = 0) -> Any:
    settings = Settings(
        _env_file=None,  # type: ignore[call-arg]
        anthropic_api_key="test",
        anthropic_base_url=fake.base_url,
        anthropic_model=MODEL,
    )
    return chat_model(settings, max_retries=max_retries, timeout_seconds=5)


def batch(analysis: Analysis, **overrides: dict[str, str]) -> JSON:
    """A valid answer citing one evidence number per insight; `overrides` by signal_key."""
    insights = []
    for c in analysis.candidates:
        number = c.evidence.get("amount") or c.evidence.get("p50")
        insight = {
            "signal_key": c.signal_key,
            "title": f"Look at {c.signal_key}",
            "description": f"Worth {number}.",
            "suggested_actions": ["Call the buyer"],
            "priority": "high",
        }
        insights.append({**insight, **overrides.get(c.signal_key, {})})
    summary = {
        "title": "Pipeline health",
        "description": f"{analysis.summary.evidence['open_deals']} open deals.",
        "suggested_actions": ["Review the list"],
    }
    return {"insights": insights, "summary": summary}


async def test_without_a_model_every_text_is_a_template_labelled_without_ai() -> None:
    written = await write(analysis(), model=None, budget_seconds=5)

    assert not written.used_ai
    assert written.notes == [NO_KEY_NOTE]
    assert all(t.generated_without_ai for t in written.texts.values())
    assert written.texts["deal_risk:quiet"].title == "Globex renewal: no activity for 40 days"


async def test_a_valid_answer_is_used_in_claudes_order(fake_anthropic: FakeAnthropic) -> None:
    a = analysis()
    answer = batch(a)
    answer["insights"].reverse()
    fake_anthropic.script(structured(answer))

    written = await write(a, model=model(fake_anthropic), budget_seconds=5)

    assert written.used_ai and written.notes == []
    assert written.order == [c.signal_key for c in reversed(a.candidates)]
    assert written.texts["deal_risk:quiet"].description == "Worth 48250.75."
    assert written.usage.input_tokens == fake_anthropic.requests[0].input_tokens


async def test_an_answer_off_the_schema_is_asked_for_once_more(
    fake_anthropic: FakeAnthropic,
) -> None:
    a = analysis()
    fake_anthropic.script(structured({"insights": "none"}), structured(batch(a)))

    written = await write(a, model=model(fake_anthropic), budget_seconds=5)

    first, second = fake_anthropic.requests
    assert written.used_ai
    assert "previous answer was rejected" in second.raw
    assert written.usage.input_tokens == first.input_tokens + second.input_tokens


async def test_two_answers_off_the_schema_fall_back_to_templates(
    fake_anthropic: FakeAnthropic,
) -> None:
    fake_anthropic.script(structured({"insights": "none"}), structured({"summary": 3}))

    written = await write(analysis(), model=model(fake_anthropic), budget_seconds=5)

    assert not written.used_ai
    assert "did not fit the schema" in written.notes[0]
    assert written.usage.input_tokens > 0  # the failed answers were paid for


async def test_an_invented_number_sends_that_insight_back_to_its_template(
    fake_anthropic: FakeAnthropic,
) -> None:
    a = analysis()
    invented = {"deal_risk:quiet": {"description": "Idle for 99 days, worth 48250.75."}}
    fake_anthropic.script(structured(batch(a, **invented)))

    written = await write(a, model=model(fake_anthropic), budget_seconds=5)

    quiet, late = written.texts["deal_risk:quiet"], written.texts["deal_risk:late"]
    assert quiet.generated_without_ai and "no activity for 40 days" in quiet.title
    assert not late.generated_without_ai
    assert written.used_ai
    assert written.notes == [
        "deal_risk:quiet: Claude wrote numbers not in the evidence (99); "
        "the template text was used."
    ]


async def test_signals_claude_left_out_get_templates_and_strangers_are_ignored(
    fake_anthropic: FakeAnthropic,
) -> None:
    a = analysis()
    answer = batch(a)
    answer["insights"] = [i for i in answer["insights"] if i["signal_key"] != "deal_risk:late"]
    answer["insights"].append({**answer["insights"][0], "signal_key": "deal_risk:other-ws"})
    fake_anthropic.script(structured(answer))

    written = await write(a, model=model(fake_anthropic), budget_seconds=5)

    assert set(written.texts) == {c.signal_key for c in a.candidates}
    assert written.texts["deal_risk:late"].generated_without_ai
    assert "left out 1 signal" in written.notes[0]


async def test_a_reply_slower_than_the_budget_falls_back_to_templates(
    fake_anthropic: FakeAnthropic,
) -> None:
    a = analysis()
    fake_anthropic.script(delayed(structured(batch(a)), 3))

    written = await write(a, model=model(fake_anthropic), budget_seconds=0.5)

    assert not written.used_ai
    assert "timed out" in written.notes[0]


@pytest.mark.parametrize("status", [429, 500, 529])
async def test_errors_past_the_sdks_retries_fall_back_to_templates(
    fake_anthropic: FakeAnthropic, status: int
) -> None:
    fake_anthropic.responder = lambda body: error(status, "api_error", "failing")

    written = await write(analysis(), model=model(fake_anthropic, max_retries=1), budget_seconds=10)

    assert [r.status for r in fake_anthropic.requests] == [status, status]
    assert not written.used_ai
    assert f"Error code: {status}" in written.notes[0]
