"""Claude's input is bounded: the top K deals, whatever the size of the workspace.

Generated workspaces (devtools.generator: 18 months of deals, stage and close-date history,
activities) of ~1,000 and ~20,000 deals, each run sent to the AI core under uvicorn over TCP
(the 20,000-deal snapshot is ~6 MB of JSON, ~1.5 MB gzipped: over the AI core's 1 MB default
body limit); the input tokens are what the SDK reports from the fake Anthropic API. A
100,000-deal snapshot through real HTTP: test_large_snapshot.py; the 100,000-deal workspace
measurement: bench/insight_tokens.py.
"""

import uuid

from httpx import AsyncClient

from backend import db
from devtools.generator import Spec, add_sellers, analyze, populate
from tests.backend.deals.factories import Pipeline, make_pipeline
from tests.backend.insights.generation_fixtures import (
    AICore,
    ai_core,
    crm_data,
    faithful_claude,
    over_http,
    run_generation,
    served_ai_core,
    top_k,
)
from tests.fakes.anthropic_server import FakeAnthropic, anthropic_server, fake_anthropic

# fixtures
__all__ = ["ai_core", "anthropic_server", "fake_anthropic", "over_http", "served_ai_core", "top_k"]


async def generated_workspace(client: AsyncClient, deals: int, seed: int) -> Pipeline:
    pipeline = await make_pipeline(client)
    workspace_id = uuid.UUID(pipeline.workspace_id)
    async with db.session_factory()() as session:
        sellers = await add_sellers(
            session, workspace_id=workspace_id, count=6, domain=f"s{seed}.test", seed=seed
        )
        await populate(
            session,
            workspace_id=workspace_id,
            seller_ids=[pipeline.owner.id, *sellers],
            spec=Spec(deals=deals, activities=deals * 4, seed=seed),
        )
        await session.commit()
    # As the seed does after a bulk load: planner statistics, as production has them.
    await analyze(db.engine)
    return pipeline


async def test_input_tokens_stay_flat_from_1000_to_20000_deals(
    client: AsyncClient, over_http: str, fake_anthropic: FakeAnthropic
) -> None:
    fake_anthropic.responder = faithful_claude
    runs = {}
    for deals in (1_000, 20_000):
        pipeline = await generated_workspace(client, deals, seed=deals)
        runs[deals] = await run_generation(client, pipeline.workspace_id, pipeline.owner.headers)

    small, large = fake_anthropic.requests
    assert runs[1_000]["input_tokens"] == small.input_tokens
    assert runs[20_000]["input_tokens"] == large.input_tokens
    assert abs(large.input_tokens - small.input_tokens) / small.input_tokens < 0.1
    assert all(r["used_ai"] and r["status"] == "succeeded" for r in runs.values())
    outputs = [runs[n]["output_tokens"] for n in (1_000, 20_000)]
    assert abs(outputs[1] - outputs[0]) / outputs[0] < 0.2


async def test_claude_sees_only_the_top_k_deals(
    client: AsyncClient, ai_core: AICore, fake_anthropic: FakeAnthropic, top_k: int
) -> None:
    ai_core.use_claude(fake_anthropic)
    fake_anthropic.responder = faithful_claude
    pipeline = await generated_workspace(client, 1_000, seed=3)

    run = await run_generation(client, pipeline.workspace_id, pipeline.owner.headers)

    [request] = fake_anthropic.bodies
    signals = crm_data(request)["signals"]
    deals = [s for s in signals if s["type"] == "risk"]
    assert len(deals) == top_k
    assert [s["type"] for s in signals if s["type"] != "risk"] == ["prediction"]
    at_risk = crm_data(request)["summary"]["evidence"]["deals_at_risk"]
    assert at_risk > top_k
    # The engine's order: the most value at risk first.
    values = [float(s["evidence"]["value_at_risk"]) for s in deals]
    assert values == sorted(values, reverse=True)
    assert run["status"] == "succeeded"
