"""A 100,000-open-deal snapshot reaches the AI core under uvicorn, over TCP, and is analysed.

The body is gzipped by the backend's client and inflated by the AI core, whose snapshot
routes have their own body limit (the app's default is 1 MB).
"""

from ai_core.config import Settings as AICoreSettings
from ai_core.insights.config import insight_settings
from backend.insights import ai_core_client
from tests.ai_core.insights.factories import snapshot
from tests.backend.insights.generation_fixtures import (
    faithful_claude,
    over_http,
    served_ai_core,
)
from tests.fakes.anthropic_server import FakeAnthropic, anthropic_server, fake_anthropic

__all__ = ["anthropic_server", "fake_anthropic", "over_http", "served_ai_core"]  # fixtures


async def test_a_100000_deal_snapshot_is_analysed_through_real_http(
    over_http: str, fake_anthropic: FakeAnthropic
) -> None:
    fake_anthropic.responder = faithful_claude
    payload = snapshot(100_000, closed=3_000)

    generated, sent = await ai_core_client.generate_insights(payload)

    default_limit = AICoreSettings(_env_file=None).max_body_bytes  # type: ignore[call-arg]
    assert sent.gzip_bytes > default_limit
    assert sent.raw_bytes > 10 * default_limit
    assert generated.stats["open_deals"] == 100_000
    assert generated.used_ai is True
    deals = [i for i in generated.insights if i.type == "risk"]
    assert len(deals) == insight_settings.top_k
    [request] = fake_anthropic.requests
    assert request.input_tokens == generated.usage.input_tokens
