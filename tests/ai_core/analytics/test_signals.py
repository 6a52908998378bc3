from decimal import Decimal

import numpy as np
import pytest

from ai_core.analytics import (
    Level,
    OwnerActivity,
    SignalKind,
    StageKind,
    detect,
    owner_activity_drops,
)
from tests.ai_core.analytics.factories import deal


def kinds(signals):
    return {s.kind for s in signals}


def only(signals, kind):
    found = [s for s in signals if s.kind == kind]
    assert len(found) == 1, found
    return found[0]


def test_a_healthy_deal_raises_no_signal():
    assert detect([deal()]) == []


def test_closed_deals_raise_no_signal_whatever_their_numbers():
    lost = deal(stage_kind=StageKind.lost, days_since_last_activity=300.0, contact_count=1)
    assert detect([lost]) == []


def test_stalled_fires_past_the_stages_rotting_days_with_its_numbers():
    signal = only(detect([deal(days_since_last_activity=34.0)]), SignalKind.stalled)
    assert signal.evidence == {
        "days_idle": 34.0,
        "days_since_last_activity": 34.0,
        "rotting_days": 21,
        "days_over": 13.0,
        "stage": "Proposal",
    }
    # 0.25 at the threshold, 1 at three times it: 34/21 is 31% of the way.
    assert signal.severity == pytest.approx(0.25 + 0.75 * (34 / 21 - 1) / 2, abs=1e-3)
    assert signal.level == Level.medium


def test_stalled_counts_a_never_active_deal_as_idle_since_it_was_created():
    signal = only(detect([deal(days_since_last_activity=None, age_days=30.0)]), SignalKind.stalled)
    assert signal.evidence["days_idle"] == 30.0
    assert signal.evidence["days_since_last_activity"] is None


def test_stalled_stays_quiet_within_the_threshold_or_when_the_stage_never_rots():
    assert detect([deal(days_since_last_activity=21.0)]) == []
    assert detect([deal(days_since_last_activity=90.0, rotting_days=None)]) == []


def test_stuck_fires_above_the_typical_won_time_in_stage():
    signal = only(detect([deal(days_in_stage=50.0)]), SignalKind.stuck)
    assert signal.evidence == {
        "days_in_stage": 50.0,
        "typical_won_days_in_stage": 20.0,
        "stage": "Proposal",
    }
    assert signal.severity == pytest.approx(0.25 + 0.75 * 0.75, abs=1e-3)
    assert signal.level == Level.critical


def test_stuck_needs_a_typical_won_time_to_compare_with():
    assert detect([deal(days_in_stage=500.0, typical_won_days_in_stage=None)]) == []


def test_slipping_fires_on_two_or_more_close_date_pushes():
    signal = only(detect([deal(close_date_pushes=3)]), SignalKind.slipping)
    assert signal.evidence == {"close_date_pushes": 3, "days_past_close": 0, "days_to_close": 45.0}
    assert signal.severity == pytest.approx(0.55)


def test_slipping_fires_when_past_due_while_open():
    signal = only(detect([deal(days_to_close=-12)]), SignalKind.slipping)
    assert signal.evidence["days_past_close"] == 12
    assert signal.severity == pytest.approx(0.4 + 0.6 * 12 / 60)


def test_one_push_on_a_deal_not_yet_due_is_not_slipping():
    assert detect([deal(close_date_pushes=1)]) == []


def test_high_value_at_low_probability_fires_in_the_top_quartile_under_25_percent():
    deals = [deal(f"d{k}", amount=Decimal(1000 * k)) for k in range(1, 9)]
    p = np.full(8, 0.5)
    p[7] = 0.10  # the 8,000 deal
    p[1] = 0.05  # the 2,000 deal: low odds but not a large deal
    signal = only(detect(deals, win_probabilities=p), SignalKind.high_value_low_probability)
    assert signal.deal_id == "d8"
    assert signal.evidence == {
        "amount": Decimal("8000"),
        "top_quartile_amount": Decimal("6250.00"),
        "win_probability": 0.1,
        "probability_threshold": 0.25,
    }
    assert signal.severity == pytest.approx(0.4 + 0.6 * 0.15 / 0.25)


def test_high_value_at_low_probability_uses_stage_probability_without_scores():
    deals = [deal("small"), deal("big", amount=Decimal("90000"), stage_probability=0.1)]
    assert kinds(detect(deals)) == {SignalKind.high_value_low_probability}


def test_closing_soon_with_nothing_scheduled_fires_inside_14_days():
    quiet = deal(days_to_close=5, scheduled_activities=0, calls_14d=0, emails_14d=0)
    signal = only(detect([quiet]), SignalKind.closing_soon_unscheduled)
    assert signal.evidence == {
        "days_to_close": 5,
        "scheduled_activities": 0,
        "activities_last_14_days": 0,
    }
    assert signal.severity == pytest.approx(0.3 + 0.4 * 9 / 14 + 0.3, abs=1e-3)


def test_closing_soon_is_quiet_with_a_next_step_scheduled_or_a_later_close():
    assert detect([deal(days_to_close=5, scheduled_activities=1)]) == []
    assert detect([deal(days_to_close=20, scheduled_activities=0)]) == []


def test_single_threaded_fires_on_one_contact():
    signal = only(detect([deal(contact_count=1)]), SignalKind.single_threaded)
    assert signal.evidence == {"contact_count": 1, "stage_probability": 0.4}
    assert signal.severity == pytest.approx(0.2 + 0.4 * 0.4)


def test_owner_activity_drop_marks_each_open_deal_of_the_owner():
    owners = [
        OwnerActivity(owner_id="owner-1", last_14_days=3, previous_28_days=40),
        OwnerActivity(owner_id="owner-2", last_14_days=18, previous_28_days=40),
    ]
    deals = [deal("a"), deal("b"), deal("c", owner_id="owner-2")]
    signals = detect(deals, owner_activity=owners)
    assert {s.deal_id for s in signals} == {"a", "b"}
    signal = signals[0]
    assert signal.kind == SignalKind.owner_activity_drop
    assert signal.evidence == {
        "owner_id": "owner-1",
        "owner_activities_last_14_days": 3,
        "owner_average_per_14_days": 20.0,
        "activity_ratio": 0.15,
    }
    assert signal.severity == pytest.approx(0.3 + 0.5 * 0.35 / 0.5)


def test_owner_activity_drop_ignores_owners_with_too_little_usual_activity():
    quiet_owner = OwnerActivity(owner_id="owner-1", last_14_days=0, previous_28_days=6)
    assert owner_activity_drops([quiet_owner]) == []


def test_win_probabilities_must_match_the_deals():
    with pytest.raises(ValueError):
        detect([deal()], win_probabilities=np.array([0.5, 0.5]))
