from decimal import Decimal

import numpy as np

from backend.analytics.outcomes import Outcomes, combine, median
from tests.backend.analytics.reference import percentile


def test_median_interpolates_as_percentile_cont() -> None:
    for values in ([3.0], [3.0, 1.0, 2.0], [4.0, 1.5, 3.0, 2.0], [0.1, 0.7, 0.2, 0.9, 0.4, 0.3]):
        assert median(np.array(values)) == percentile(values, 0.5)
    assert median(np.empty(0)) is None


def test_combined_cells_add_counts_and_pool_cycle_lengths() -> None:
    a = Outcomes(2, 1, Decimal("10.50"), np.array([5.0, 1.0]))
    b = Outcomes(1, 3, Decimal("4.25"), np.array([3.0]))
    both = combine([a, b])
    assert (both.won_count, both.lost_count, both.won_amount) == (3, 4, Decimal("14.75"))
    assert both.median_cycle_days == 3.0
    assert combine([]).median_cycle_days is None
