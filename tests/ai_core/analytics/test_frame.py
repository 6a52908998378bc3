from decimal import Decimal

import numpy as np

from ai_core.analytics import DealFrame, StageKind
from tests.ai_core.analytics.factories import deal


def test_columns_hold_one_entry_per_deal_with_nan_for_missing_numbers():
    frame = DealFrame.of(
        [
            deal("a", days_to_close=None, attributes={"product": "Pro"}),
            deal("b", stage_kind=StageKind.won, measures={"revenue": 12.5}),
        ]
    )
    assert frame.deal_id.tolist() == ["a", "b"]
    assert frame.is_open.tolist() == [True, False]
    assert np.isnan(frame.days_to_close[0]) and frame.days_to_close[1] == 45
    assert frame.amount_exact.tolist() == [Decimal("10000.00")] * 2
    assert frame.attributes["product"].tolist() == ["Pro", None]
    assert np.isnan(frame.measures["revenue"][0]) and frame.measures["revenue"][1] == 12.5


def test_activity_totals_add_the_types_of_a_window():
    frame = DealFrame.of([deal(calls_14d=2, emails_14d=3, meetings_14d=1)])
    assert frame.activity_total(14).tolist() == [6]
    assert frame.activity_total(90).tolist() == [15]


def test_take_keeps_the_chosen_deals_in_order():
    frame = DealFrame.of([deal("a"), deal("b"), deal("c")])
    assert frame.take(np.array([True, False, True])).deal_id.tolist() == ["a", "c"]


def test_an_empty_list_makes_an_empty_frame():
    frame = DealFrame.of([])
    assert len(frame) == 0
    assert frame.activity.shape == (0, 3, 5)
