from decimal import Decimal

import pytest

from ai_core.analytics import Level, RiskSignal, SignalKind, detect, rank
from tests.ai_core.analytics.factories import deal


def signal(deal_id: str, severity: float, kind: SignalKind = SignalKind.stalled) -> RiskSignal:
    return RiskSignal(deal_id, kind, severity, Level.low, {})


def test_risk_combines_signals_as_independent_warnings():
    deals = [deal("a")]
    [ranked] = rank(deals, [signal("a", 0.5), signal("a", 0.4, SignalKind.stuck)])
    assert ranked.risk == pytest.approx(1 - 0.5 * 0.6)
    assert ranked.value_at_risk == Decimal("7000.00")
    assert [s.severity for s in ranked.signals] == [0.5, 0.4]


def test_deals_rank_by_value_at_risk_not_by_signal_count():
    deals = [
        deal("big", amount=Decimal("100000")),
        deal("small", amount=Decimal("10000")),
        deal("calm", amount=Decimal("500000")),
    ]
    signals = [signal("small", 0.9), signal("small", 0.9), signal("big", 0.5)]
    ranked = rank(deals, signals)
    assert [r.deal_id for r in ranked] == ["big", "small"]
    assert [r.value_at_risk for r in ranked] == [Decimal("50000.00"), Decimal("9900.00")]
    assert ranked[1].level == Level.critical


def test_equal_value_at_risk_puts_the_riskier_deal_first():
    deals = [deal("a", amount=Decimal("1000")), deal("b", amount=Decimal("2000"))]
    ranked = rank(deals, [signal("a", 0.8), signal("b", 0.4)])
    assert [r.deal_id for r in ranked] == ["a", "b"]


def test_limit_keeps_the_top_deals():
    deals = [deal(f"d{k}", amount=Decimal(1000 * k)) for k in range(1, 6)]
    ranked = rank(deals, [signal(f"d{k}", 0.5) for k in range(1, 6)], limit=2)
    assert [r.deal_id for r in ranked] == ["d5", "d4"]


def test_ranking_the_detected_signals_of_a_pipeline():
    deals = [deal("healthy"), deal("dying", days_since_last_activity=60.0, close_date_pushes=4)]
    ranked = rank(deals, detect(deals))
    assert [r.deal_id for r in ranked] == ["dying"]
    assert {s.kind for s in ranked[0].signals} == {SignalKind.stalled, SignalKind.slipping}
