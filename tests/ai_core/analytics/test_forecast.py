import math
from datetime import date, timedelta
from decimal import Decimal

import numpy as np
import pytest

from ai_core.analytics import CloseTiming, WonDeal, close_timing, forecast
from ai_core.analytics.forecast import close_probabilities, months_between
from tests.ai_core.analytics.factories import deal

AS_OF = date(2026, 10, 15)
Q4 = (date(2026, 10, 1), date(2026, 12, 31))
ALWAYS_ON_TIME = CloseTiming(on_time_rate=1.0)


def pipeline(n: int = 300, seed: int = 0):
    rng = np.random.default_rng(seed)
    deals = [
        deal(
            f"d{k}",
            amount=Decimal(int(rng.integers(1_000, 50_000))),
            stage_probability=float(rng.choice([0.1, 0.3, 0.6, 0.9])),
            days_to_close=int(rng.integers(1, 70)),
        )
        for k in range(n)
    ]
    return deals


def run(deals, **options):
    return forecast(deals, as_of=AS_OF, start=Q4[0], end=Q4[1], **options)


def test_percentiles_are_ordered():
    outlook = run(pipeline(), by_month=True)
    for o in (outlook.total, *outlook.months):
        assert o.p10 <= o.p50 <= o.p90


def test_without_open_deals_every_figure_is_the_won_revenue():
    won = [
        WonDeal(Decimal("1200.50"), date(2026, 10, 3)),
        WonDeal(Decimal("800.00"), date(2026, 11, 2)),
        WonDeal(Decimal("999.00"), date(2026, 9, 30)),  # the quarter before
    ]
    total = run([], won=won).total
    assert total.won == Decimal("2000.50")
    assert {total.expected, total.mean, total.p10, total.p50, total.p90} == {Decimal("2000.50")}


def test_the_same_seed_gives_the_same_forecast_and_another_seed_does_not():
    deals = pipeline()
    assert run(deals, seed=7) == run(deals, seed=7)
    assert run(deals, seed=7).total.p50 != run(deals, seed=8).total.p50


def test_the_simulated_mean_agrees_with_the_analytical_sum():
    deals = pipeline()
    outlook = run(deals, timing=ALWAYS_ON_TIME)
    # Every deal is due inside the quarter and closes on time: pi is its win probability.
    analytical = sum(float(d.amount) * d.stage_probability for d in deals)
    spread = math.sqrt(
        sum(float(d.amount) ** 2 * d.stage_probability * (1 - d.stage_probability) for d in deals)
    )
    assert float(outlook.total.expected) == pytest.approx(analytical, abs=0.01)
    # Within 4 standard errors of the mean of 10,000 simulations.
    assert abs(float(outlook.total.mean) - analytical) < 4 * spread / math.sqrt(10_000)


def test_won_revenue_adds_to_every_figure():
    deals = pipeline()
    won = [WonDeal(Decimal("50000"), date(2026, 10, 5))]
    bare, with_won = run(deals), run(deals, won=won)
    for field in ("expected", "p10", "p50", "p90"):
        assert getattr(with_won.total, field) == getattr(bare.total, field) + Decimal("50000")


def test_months_split_the_period_and_their_expectations_add_up():
    outlook = run(pipeline(), by_month=True)
    assert [(m.start, m.end) for m in outlook.months] == [
        (date(2026, 10, 1), date(2026, 10, 31)),
        (date(2026, 11, 1), date(2026, 11, 30)),
        (date(2026, 12, 1), date(2026, 12, 31)),
    ]
    months = sum(m.expected for m in outlook.months)
    assert abs(months - outlook.total.expected) <= Decimal("0.03")


def test_the_individual_and_the_pooled_simulation_agree():
    deals = pipeline(400)
    exact = run(deals, exact_deals=400).total
    pooled = run(deals, exact_deals=20).total
    for field in ("p10", "p50", "p90"):
        assert float(getattr(pooled, field)) == pytest.approx(
            float(getattr(exact, field)), rel=0.02
        )


def test_coverage_is_the_period_pipeline_over_what_is_left_to_win():
    deals = [deal("a", amount=Decimal("30000"), days_to_close=20), deal("b", days_to_close=200)]
    won = [WonDeal(Decimal("10000"), date(2026, 10, 2))]
    outlook = run(deals, won=won, target=Decimal("25000"))
    assert outlook.total.pipeline == Decimal("30000")  # b is due after the quarter
    assert outlook.coverage == 2.0
    assert 0 < outlook.chance_to_hit_target < 1


def test_a_target_already_met_has_no_coverage_and_is_certain():
    won = [WonDeal(Decimal("10000"), date(2026, 10, 2))]
    outlook = run([deal()], won=won, target=Decimal("5000"))
    assert outlook.coverage is None
    assert outlook.chance_to_hit_target == 1.0


def test_close_probability_of_a_deal_due_inside_the_period():
    timing = CloseTiming(on_time_rate=0.5, mean_slip_days=30)
    [[p]] = close_probabilities(np.array([20.0]), as_of=AS_OF, spans=[Q4], timing=timing)
    # On time (0.5), or late by an exponential delay that still lands by Dec 31.
    days_left_after_due = (Q4[1] - AS_OF).days + 1 - 20
    assert p == pytest.approx(0.5 + 0.5 * (1 - math.exp(-days_left_after_due / 30)))


def test_close_probability_of_past_due_and_undated_deals_starts_from_today():
    timing = CloseTiming(on_time_rate=0.5, mean_slip_days=30, undated_mean_days=90)
    horizon = (Q4[1] - AS_OF).days + 1
    [[late], [undated]] = close_probabilities(
        np.array([-10.0, np.nan]), as_of=AS_OF, spans=[Q4], timing=timing
    )
    assert late == pytest.approx(1 - math.exp(-horizon / 30))
    assert undated == pytest.approx(1 - math.exp(-horizon / 90))


def test_nothing_closes_in_a_period_already_over():
    september = [(date(2026, 9, 1), date(2026, 9, 30))]
    p = close_probabilities(
        np.array([-5.0, 3.0, np.nan]), as_of=AS_OF, spans=september, timing=CloseTiming()
    )
    assert p.tolist() == [[0.0], [0.0], [0.0]]


def test_close_timing_is_learned_from_slips():
    timing = close_timing([0, -3, 10, 20, 0, 30])
    assert timing.on_time_rate == 0.5
    assert timing.mean_slip_days == 20.0


def test_months_between_cuts_at_month_ends():
    assert months_between(date(2026, 1, 15), date(2026, 3, 2)) == [
        (date(2026, 1, 15), date(2026, 1, 31)),
        (date(2026, 2, 1), date(2026, 2, 28)),
        (date(2026, 3, 1), date(2026, 3, 2)),
    ]


def test_a_period_ending_before_it_starts_is_refused():
    with pytest.raises(ValueError):
        forecast([], as_of=AS_OF, start=Q4[1], end=Q4[1] - timedelta(days=1))


def test_spans_cut_the_period_their_own_way_and_add_up_in_expectation():
    halves = [(date(2026, 10, 1), date(2026, 11, 15)), (date(2026, 11, 16), date(2026, 12, 31))]
    won = [WonDeal(Decimal("500.00"), date(2026, 11, 20))]
    outlook = run(pipeline(), spans=halves, won=won)
    assert [(o.start, o.end) for o in outlook.months] == halves
    assert [o.won for o in outlook.months] == [Decimal(0), Decimal("500.00")]
    parts = sum(o.expected for o in outlook.months)
    assert abs(parts - outlook.total.expected) <= Decimal("0.02")


def test_spans_that_do_not_tile_the_period_are_refused():
    with pytest.raises(ValueError, match="tile"):
        run(pipeline(5), spans=[(date(2026, 10, 1), date(2026, 10, 31))])
