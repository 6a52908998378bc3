"""POST /v1/insights/forecast and /v1/insights/score: the engine's numbers for the pages."""

from collections.abc import AsyncIterator, Sequence
from decimal import Decimal

import pytest
from httpx import ASGITransport, AsyncClient

from ai_core.analytics import WinModel
from ai_core.app import create_app
from ai_core.config import settings
from ai_core.insights import model_cache
from tests.ai_core.insights.factories import healthy, snapshot

TOKEN = {"Authorization": f"Bearer {settings.service_token}"}
MONTHS = [
    {"start": "2026-10-01", "end": "2026-10-31", "label": "2026-10"},
    {"start": "2026-11-01", "end": "2026-11-30", "label": "2026-11"},
    {"start": "2026-12-01", "end": "2026-12-31", "label": "2026-12"},
]


@pytest.fixture
async def ai_core() -> AsyncIterator[AsyncClient]:
    async with AsyncClient(
        transport=ASGITransport(app=create_app()), base_url="http://ai-core"
    ) as http:
        yield http


async def test_forecast_gives_each_month_and_the_quarter_with_the_weighted_pipeline(
    ai_core: AsyncClient,
) -> None:
    deals = [
        healthy("a", "Acme", days_to_close=10, amount="10000.00"),  # due 2026-12-05
        healthy("b", "Globex", days_to_close=-20, amount="4000.00", stage=3),  # past due
        healthy("c", "Initech", days_to_close=200, amount="9000.00"),  # after the quarter
    ]
    body = snapshot(deals, spans=MONTHS, target="50000")

    response = await ai_core.post("/v1/insights/forecast", json=body, headers=TOKEN)

    data = response.json()
    assert response.status_code == 200, data
    assert [s["label"] for s in data["spans"]] == ["2026-10", "2026-11", "2026-12"]
    october, november, december = data["spans"]
    # Won 12,000 on 2026-10-20 (the snapshot's won_in_period).
    assert Decimal(october["won"]) == Decimal("12000.00")
    assert Decimal(october["p10"]) == Decimal(october["p90"]) == Decimal("12000.00")
    # The past-due deal counts in today's month, the dated one in its own: amount x stage p.
    assert Decimal(november["weighted"]) == Decimal("4000.00") * Decimal("0.75")
    assert Decimal(december["weighted"]) == Decimal("10000.00") * Decimal("0.5")
    assert Decimal(december["pipeline"]) == Decimal("10000.00")
    period = data["period"]
    assert period["label"] == "2026-Q4"
    assert Decimal(period["weighted"]) == Decimal("12000.00") + Decimal("3000.00") + Decimal(
        "5000.00"
    )
    assert Decimal(period["p10"]) <= Decimal(period["p50"]) <= Decimal(period["p90"])
    assert Decimal(period["p90"]) <= Decimal("12000.00") + Decimal("23000.00")
    assert data["target"] == "50000"
    assert 0 <= data["chance_to_hit_target"] <= 1
    assert data["open_deals"] == 3
    assert data["win_model"]["source"] in ("model", "stage")


async def test_spans_that_leave_a_gap_are_refused(ai_core: AsyncClient) -> None:
    body = snapshot(5, spans=[MONTHS[0], MONTHS[2]])

    response = await ai_core.post("/v1/insights/forecast", json=body, headers=TOKEN)

    assert response.status_code == 422


async def test_with_too_little_history_a_score_is_the_stage_probability_and_says_why(
    ai_core: AsyncClient,
) -> None:
    body = snapshot([healthy("a", "Acme", stage=3)], closed=20)

    response = await ai_core.post("/v1/insights/score", json=body, headers=TOKEN)

    data = response.json()
    assert response.status_code == 200, data
    [score] = data["scores"]
    assert (score["deal_id"], score["probability"], score["source"]) == ("a", 0.75, "stage")
    assert score["factors"] == [
        {"text": "Negotiation is set to win 75% of the time", "contribution": 0.0}
    ]
    assert data["win_model"]["source"] == "stage"
    assert "the model needs 40/40" in data["win_model"]["reason"]
    assert data["win_model"]["backtest"] is None


async def test_with_enough_history_the_model_is_backtested_and_reports_its_scores(
    ai_core: AsyncClient,
) -> None:
    body = snapshot([healthy("a", "Acme")], closed=600)

    response = await ai_core.post("/v1/insights/score", json=body, headers=TOKEN)

    data = response.json()
    assert response.status_code == 200, data
    status = data["win_model"]
    backtest = status["backtest"]
    assert backtest["holdout_deals"] > 0
    # Used only when it beats the stage probabilities out of sample.
    assert (status["source"] == "model") == (backtest["model_brier"] < backtest["baseline_brier"])
    [score] = data["scores"]
    assert score["source"] == status["source"]
    assert 1 <= len(score["factors"]) <= 3


async def test_scoring_needs_the_service_token(ai_core: AsyncClient) -> None:
    response = await ai_core.post("/v1/insights/score", json=snapshot(1))

    assert response.status_code == 401


async def test_the_same_history_is_trained_on_once_and_a_changed_one_again(
    ai_core: AsyncClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    model_cache.clear()
    trainings: list[int] = []

    def counting_train(closed: Sequence[object]) -> WinModel:
        trainings.append(len(closed))
        return train(closed)  # type: ignore[arg-type]

    train = model_cache.train
    monkeypatch.setattr(model_cache, "train", counting_train)
    first = snapshot([healthy("a", "Acme")], closed=120, seed=1)
    other_deal = snapshot([healthy("b", "Globex")], closed=120, seed=1)
    more_history = snapshot([healthy("a", "Acme")], closed=121, seed=1)

    for body in (first, other_deal, first, more_history):
        response = await ai_core.post("/v1/insights/score", json=body, headers=TOKEN)
        assert response.status_code == 200, response.text

    assert trainings == [120, 121]
