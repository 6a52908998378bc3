import numpy as np
import pytest

from ai_core.analytics import logistic


def test_the_fit_sets_the_penalised_gradient_to_zero():
    rng = np.random.default_rng(3)
    x = rng.normal(size=(400, 3))
    won = rng.random(400) < logistic.sigmoid(0.5 + x @ np.array([1.5, -1.0, 0.0]))
    intercept, weights = logistic.fit(x, won, l2=2.0)
    p = logistic.sigmoid(intercept + x @ weights)
    assert np.sum(p - won) == pytest.approx(0, abs=1e-6)
    assert x.T @ (p - won) + 2.0 * weights == pytest.approx(np.zeros(3), abs=1e-6)


def test_a_stronger_penalty_shrinks_the_weights():
    rng = np.random.default_rng(4)
    x = rng.normal(size=(300, 2))
    won = rng.random(300) < logistic.sigmoid(x @ np.array([2.0, -2.0]))
    _, loose = logistic.fit(x, won, l2=0.1)
    _, firm = logistic.fit(x, won, l2=1000.0)
    assert np.linalg.norm(firm) < np.linalg.norm(loose) / 5


def test_separable_data_stays_finite_under_the_penalty():
    x = np.array([[-2.0], [-1.0], [1.0], [2.0]])
    won = np.array([False, False, True, True])
    intercept, weights = logistic.fit(x, won, l2=0.01)
    assert np.isfinite(intercept) and np.all(np.isfinite(weights))
    assert weights[0] > 0
