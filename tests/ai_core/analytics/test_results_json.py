"""The engine's results cross the API as JSON: money stays exact, enums become strings."""

import json
from datetime import date
from decimal import Decimal

from pydantic import TypeAdapter

from ai_core.analytics import DealRisk, Forecast, RiskSignal, detect, forecast, rank
from tests.ai_core.analytics.factories import deal


def test_signals_and_rankings_serialise_with_exact_money():
    deals = [deal("a", amount=Decimal("12345.67"), days_since_last_activity=50.0)]
    signals = detect(deals)
    ranked = json.loads(TypeAdapter(list[DealRisk]).dump_json(rank(deals, signals)))
    assert ranked[0]["amount"] == "12345.67"
    assert ranked[0]["signals"][0]["kind"] == "stalled"
    assert json.loads(TypeAdapter(list[RiskSignal]).dump_json(signals))[0]["level"] == "high"


def test_a_forecast_serialises_with_money_in_cents():
    outlook = forecast(
        [deal(days_to_close=10)],
        as_of=date(2026, 1, 1),
        start=date(2026, 1, 1),
        end=date(2026, 3, 31),
    )
    total = json.loads(TypeAdapter(Forecast).dump_json(outlook))["total"]
    assert total["won"] == "0.00"
    assert total["pipeline"] == "10000.00"
