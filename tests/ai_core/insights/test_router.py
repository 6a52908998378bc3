"""POST /v1/insights/generate: the service token, gzip bodies, and the answer's shape."""

import gzip
import json
from collections.abc import AsyncIterator

import pytest
from httpx import ASGITransport, AsyncClient

from ai_core.app import create_app
from ai_core.config import settings
from ai_core.insights.router import insight_model
from tests.ai_core.insights.factories import healthy, snapshot

URL = "/v1/insights/generate"
TOKEN = {"Authorization": f"Bearer {settings.service_token}"}


@pytest.fixture
async def ai_core() -> AsyncIterator[AsyncClient]:
    app = create_app()
    app.dependency_overrides[insight_model] = lambda: None
    async with AsyncClient(transport=ASGITransport(app=app), base_url="http://ai-core") as http:
        yield http


def gzipped(body: object) -> bytes:
    return gzip.compress(json.dumps(body).encode())


async def test_without_the_service_token_nothing_is_analysed(ai_core: AsyncClient) -> None:
    response = await ai_core.post(URL, json=snapshot(10))

    assert response.status_code == 401
    assert response.json()["error"]["code"] == "invalid_service_token"


async def test_a_gzipped_snapshot_is_analysed_into_insights(ai_core: AsyncClient) -> None:
    deals = [healthy("quiet", "Globex renewal", days_since_last_activity=40.0)]
    headers = {**TOKEN, "Content-Encoding": "gzip", "Content-Type": "application/json"}

    response = await ai_core.post(URL, content=gzipped(snapshot(deals)), headers=headers)

    body = response.json()
    assert response.status_code == 200, body
    assert [i["signal_key"] for i in body["insights"]] == ["deal_risk:quiet", "forecast:2026-Q4"]
    assert body["summary"]["type"] == "summary"
    assert body["used_ai"] is False
    assert body["usage"] == {"model": None, "input_tokens": 0, "output_tokens": 0, "cost_usd": "0"}


async def test_a_snapshot_larger_than_the_default_body_limit_is_accepted(
    ai_core: AsyncClient,
) -> None:
    raw = json.dumps(snapshot(7_000)).encode()
    assert len(raw) > settings.max_body_bytes

    headers = {**TOKEN, "Content-Type": "application/json"}
    response = await ai_core.post(URL, content=raw, headers=headers)

    assert response.status_code == 200, response.text[:500]


async def test_a_corrupt_gzip_body_is_a_bad_request(ai_core: AsyncClient) -> None:
    headers = {**TOKEN, "Content-Encoding": "gzip", "Content-Type": "application/json"}

    response = await ai_core.post(URL, content=b"not gzip at all", headers=headers)

    assert response.status_code == 400


async def test_columns_of_different_lengths_are_refused(ai_core: AsyncClient) -> None:
    body = snapshot(5)
    body["open_deals"]["amount"].pop()

    response = await ai_core.post(URL, json=body, headers=TOKEN)

    assert response.status_code == 422
    assert "amount" in json.dumps(response.json()["error"]["details"])


async def test_a_stage_index_out_of_range_is_refused(ai_core: AsyncClient) -> None:
    body = snapshot(5)
    body["open_deals"]["stage"][0] = 99

    response = await ai_core.post(URL, json=body, headers=TOKEN)

    assert response.status_code == 422
