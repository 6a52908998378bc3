"""L2-regularised logistic regression fitted by Newton's method (IRLS)."""

import numpy as np

from ai_core.analytics.frame import Bools, Floats


def sigmoid(z: Floats) -> Floats:
    return 1 / (1 + np.exp(-np.clip(z, -35, 35)))


def _objective(design: Floats, y: Floats, beta: Floats, penalty: Floats) -> float:
    z = design @ beta
    # log(1 + e^z) - y z, written to stay finite for large |z|.
    loss = np.logaddexp(0, z) - y * z
    return float(loss.sum() + 0.5 * (penalty * beta**2).sum())


def fit(
    x: Floats,
    won: Bools,
    *,
    l2: float,
    start: tuple[float, Floats] | None = None,
    max_iterations: int = 50,
    tolerance: float = 1e-7,
) -> tuple[float, Floats]:
    """(intercept, weights) minimising log loss + l2/2 * |weights|^2; the intercept is free.

    `start` (a previous fit on the same columns) makes a path over l2 values converge in
    a few steps.
    """
    n, d = x.shape
    y = won.astype(np.float64)
    design = np.hstack([np.ones((n, 1)), x])
    penalty = np.full(d + 1, l2)
    penalty[0] = 0.0
    rate = np.clip(y.mean(), 1e-6, 1 - 1e-6)
    beta = np.zeros(d + 1)
    beta[0] = np.log(rate / (1 - rate))
    if start is not None:
        beta[0], beta[1:] = start
    current = _objective(design, y, beta, penalty)
    for _ in range(max_iterations):
        p = sigmoid(design @ beta)
        gradient = design.T @ (p - y) + penalty * beta
        hessian = (design * (p * (1 - p))[:, None]).T @ design + np.diag(penalty)
        # A tiny ridge keeps the solve defined when a column is constant and l2 is 0.
        step = np.linalg.solve(hessian + 1e-9 * np.eye(d + 1), gradient)
        # Halve the step until the objective does not rise: Newton can overshoot far out.
        for _ in range(30):
            candidate = beta - step
            value = _objective(design, y, candidate, penalty)
            if value <= current + 1e-12:
                break
            step = step / 2
        beta, current = candidate, value
        if np.max(np.abs(step)) < tolerance:
            break
    return float(beta[0]), beta[1:]
