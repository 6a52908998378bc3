import numpy as np
import pytest

from ai_core.analytics.metrics import auc, brier, calibration


def test_brier_is_the_mean_squared_gap_to_the_outcome():
    p = np.array([0.9, 0.2, 0.6])
    won = np.array([True, False, False])
    assert brier(p, won) == pytest.approx((0.01 + 0.04 + 0.36) / 3)


def test_auc_counts_ordered_pairs_and_half_of_the_ties():
    p = np.array([0.9, 0.5, 0.5, 0.1])
    won = np.array([True, True, False, False])
    # Pairs (won, lost): (0.9,0.5) (0.9,0.1) (0.5,0.1) ordered, (0.5,0.5) tied.
    assert auc(p, won) == pytest.approx(3.5 / 4)


def test_auc_of_a_constant_is_a_coin_flip_and_undefined_for_one_class():
    assert auc(np.full(4, 0.3), np.array([True, False, True, False])) == 0.5
    assert auc(np.full(2, 0.3), np.array([True, True])) is None


def test_calibration_compares_predicted_and_actual_win_rates_per_bin():
    p = np.array([0.05, 0.15, 0.95, 0.85])
    won = np.array([False, True, True, True])
    table = calibration(p, won, bins=2)
    assert [(b.deals, b.mean_predicted, b.win_rate) for b in table] == [
        (2, 0.1, 0.5),
        (2, 0.9, 1.0),
    ]
