"""Without an API key the common questions are answered from the same tools, and say so."""

from decimal import Decimal

import pytest

from ai_core.agents.agent import converse
from ai_core.agents.events import ChatEvent, Done, Token, ToolFinished, ToolStarted
from ai_core.agents.fallback import NO_KEY, answer_without_ai
from ai_core.agents.views import money
from tests.ai_core.agents.conftest import MakeContext
from tests.ai_core.agents.factories import B_TITLE, Seeded


async def ask(make_context: MakeContext, seeded: Seeded, content: str) -> list[ChatEvent]:
    context = make_context(seeded.owner.id, seeded.a.workspace_id)
    messages = [{"role": "user", "content": content}]
    return [e async for e in answer_without_ai(context, messages, reason=NO_KEY)]


def text_of(events: list[ChatEvent]) -> str:
    return "".join(e.text for e in events if isinstance(e, Token))


def tools_run(events: list[ChatEvent]) -> list[tuple[str, bool]]:
    return [(e.name, e.ok) for e in events if isinstance(e, ToolFinished)]


async def test_at_risk_question_lists_the_risky_deal_with_its_signals(
    seeded: Seeded, make_context: MakeContext
) -> None:
    events = await ask(make_context, seeded, "Which deals are at risk?")

    answer = text_of(events)
    assert answer.startswith(
        "_No AI model is configured, so this answer was put together without AI"
    )
    assert f"[Initech expansion](/deals/{seeded.initech['id']})" in answer
    assert "48,000.00 USD" in answer
    assert "stalled, no activity for 60.0 days (stage limit 21)" in answer
    assert "12 days past its close date" in answer
    assert "Globex renewal" not in answer
    assert tools_run(events) == [("at_risk_deals", True)]
    assert isinstance(events[-1], Done) and events[-1].used_ai is False


async def test_forecast_question_gives_the_backend_forecast(
    seeded: Seeded, make_context: MakeContext, client
) -> None:
    events = await ask(make_context, seeded, "What's the forecast for this quarter?")

    report = await client.get(
        f"/api/v1/workspaces/{seeded.a.workspace_id}/analytics/forecast",
        params={"group_by": "quarter"},
        headers=seeded.owner.headers,
    )
    current = report.json()["periods"][0]
    answer = text_of(events)
    assert f"**Forecast, {current['start']} to {current['end']}**" in answer
    assert f"Forecast (won + weighted): **{money(Decimal(current['forecast_amount']))}**" in answer
    assert f"Best case (won + all open): {money(Decimal(current['best_case_amount']))}" in answer
    assert tools_run(events) == [("forecast", True)]


async def test_a_named_deal_is_found_and_described(
    seeded: Seeded, make_context: MakeContext
) -> None:
    events = await ask(make_context, seeded, "Tell me about the Globex deal")

    answer = text_of(events)
    assert f"**[Globex renewal](/deals/{seeded.globex['id']})**: 12,000.00 USD, Proposal" in answer
    assert "Renewal check-in" in answer
    assert tools_run(events) == [("search_deals", True), ("get_deal", True)]
    started = [e for e in events if isinstance(e, ToolStarted)]
    assert started[1].args == {"deal_id": seeded.globex["id"]}


async def test_another_workspaces_deal_is_not_found_by_name(
    seeded: Seeded, make_context: MakeContext
) -> None:
    events = await ask(make_context, seeded, f"Tell me about {B_TITLE}")

    answer = text_of(events)
    assert B_TITLE not in answer
    assert "987,654.32" not in answer
    assert "I can answer these without AI" in answer
    assert [e.summary for e in events if isinstance(e, ToolFinished)] == ["0 matching deals"] * 3


async def test_pipeline_question_sums_come_from_the_backend(
    seeded: Seeded, make_context: MakeContext
) -> None:
    events = await ask(make_context, seeded, "show me the pipeline")

    answer = text_of(events)
    assert "**Open pipeline**: 3 deals, 63,000.00" in answer
    assert "- Negotiation: 1 deals, 48,000.00" in answer


async def test_an_unrecognised_question_lists_what_works_without_ai(
    seeded: Seeded, make_context: MakeContext
) -> None:
    events = await ask(make_context, seeded, "zzqx")

    assert "I can answer these without AI" in text_of(events)


@pytest.mark.parametrize(
    ("question", "tool"),
    [
        ("Any open insights?", "list_insights"),
        ("How busy was the team?", "activity_stats_by_owner"),
        ("What does our funnel conversion look like?", "funnel"),
    ],
)
async def test_other_common_questions_use_their_tool(
    seeded: Seeded, make_context: MakeContext, question: str, tool: str
) -> None:
    events = await ask(make_context, seeded, question)

    assert tools_run(events) == [(tool, True)]


async def test_converse_without_a_key_uses_the_fallback(
    seeded: Seeded, make_context: MakeContext, monkeypatch: pytest.MonkeyPatch
) -> None:
    from ai_core import config

    monkeypatch.setattr(config.settings, "anthropic_api_key", None)
    context = make_context(seeded.owner.id, seeded.a.workspace_id)

    events = [e async for e in converse(context, [{"role": "user", "content": "forecast"}])]

    assert isinstance(events[-1], Done) and events[-1].used_ai is False
