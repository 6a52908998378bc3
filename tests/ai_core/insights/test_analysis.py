"""The engine over a snapshot: what Claude will be shown, and the numbers behind it."""

from typing import Any

from ai_core.insights.analysis import analyze
from ai_core.insights.schemas import GenerateRequest
from tests.ai_core.insights.factories import healthy, snapshot


def analysed(body: dict[str, Any], top_k: int = 12) -> Any:
    return analyze(GenerateRequest.model_validate(body), top_k=top_k)


def test_only_the_top_k_deals_by_value_at_risk_are_kept() -> None:
    analysis = analysed(snapshot(500), top_k=7)

    values = [float(c.evidence["value_at_risk"]) for c in analysis.deals]
    assert len(analysis.deals) == 7
    assert values == sorted(values, reverse=True)
    assert analysis.stats.deals_at_risk > 7
    assert [c.type for c in analysis.candidates] == ["risk"] * 7 + ["prediction"]


def test_a_stalled_deal_carries_the_numbers_of_its_snapshot() -> None:
    deals = [
        healthy("quiet", "Globex renewal", days_since_last_activity=40.26, amount="48250.75"),
        *(healthy(f"ok-{i}", f"Fine {i}") for i in range(5)),
    ]

    [candidate] = analysed(snapshot(deals)).deals

    assert candidate.signal_key == "deal_risk:quiet"
    assert candidate.subject["deal"] == "Globex renewal"
    assert candidate.evidence["amount"] == "48250.75"
    assert candidate.evidence["days_since_last_activity"] == 40.3
    [stalled] = candidate.evidence["signals"]
    assert (stalled["kind"], stalled["days_idle"], stalled["rotting_days"]) == ("stalled", 40.3, 21)


def test_one_contact_field_makes_only_no_contact_a_signal() -> None:
    deals = [healthy("alone", "One contact"), healthy("nobody", "No contact", contacts=0)]

    analysis = analysed(snapshot(deals))

    assert [c.deal_id for c in analysis.deals] == ["nobody"]
    assert analysis.deals[0].kinds == ("single_threaded",)


def test_time_in_stage_is_judged_against_won_deals_from_the_visits() -> None:
    body = snapshot([healthy("slow", "Slow deal", days_in_stage=60.0)], closed=0)
    # Twelve won deals each spent 10 days in Proposal (stage 2).
    body["visits"] = {
        "deal": list(range(12)),
        "stage": [2] * 12,
        "entered": [-100.0] * 12,
        "left": [-90.0] * 12,
        "outcome": ["won"] * 12,
    }

    [candidate] = analysed(body).deals

    [stuck] = candidate.evidence["signals"]
    assert (stuck["kind"], stuck["days_in_stage"], stuck["typical_won_days_in_stage"]) == (
        "stuck",
        60.0,
        10.0,
    )


def test_the_forecast_and_summary_rest_on_the_whole_workspace() -> None:
    analysis = analysed(snapshot(300))

    forecast = analysis.forecast.evidence
    summary = analysis.summary.evidence
    assert analysis.forecast.signal_key == "forecast:2026-Q4"
    assert float(forecast["p10"]) <= float(forecast["p50"]) <= float(forecast["p90"])
    assert forecast["won_so_far"] == "12000.00"
    assert summary["open_deals"] == 300
    assert summary["deals_at_risk"] == analysis.stats.deals_at_risk
    assert sum(summary["signals_by_kind"].values()) == analysis.stats.signals
