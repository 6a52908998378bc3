from datetime import datetime, timedelta

from ai_core.analytics import StageVisit, funnel

T0 = datetime(2026, 1, 1)
STAGES = ["lead", "demo", "proposal"]


def visit(deal_id, stage, entered, left, outcome):
    return StageVisit(
        deal_id=deal_id,
        stage_id=stage,
        entered_at=T0 + timedelta(days=entered),
        left_at=None if left is None else T0 + timedelta(days=left),
        outcome=outcome,
    )


VISITS = [
    visit("d1", "lead", 0, 2, "won"),
    visit("d1", "demo", 2, 7, "won"),
    visit("d1", "proposal", 7, 17, "won"),
    visit("d1", "closed-won", 17, None, "won"),  # not an open stage: ignored
    visit("d2", "lead", 0, 4, "lost"),
    visit("d2", "demo", 4, 10, "lost"),
    visit("d3", "lead", 0, 1, "open"),
    visit("d3", "demo", 1, None, "open"),
    visit("d4", "lead", 0, 3, "lost"),
    visit("d5", "lead", 0, 6, "won"),
    visit("d5", "proposal", 6, 10, "won"),  # skipped demo
    visit("d6", "lead", 0, 2, "won"),
    visit("d6", "demo", 2, 5, "won"),
    visit("d6", "proposal", 5, 9, "won"),
]


def test_conversion_counts_advanced_against_dropped_deals_per_stage():
    lead, demo, proposal = funnel(VISITS, STAGES).stages
    assert (lead.entered, lead.advanced, lead.dropped, lead.still_open) == (6, 5, 1, 0)
    assert lead.conversion == round(5 / 6, 4)
    # d3 is still in demo: neither advanced nor dropped.
    assert (demo.entered, demo.advanced, demo.dropped, demo.still_open) == (4, 2, 1, 1)
    assert demo.conversion == round(2 / 3, 4)
    assert (proposal.entered, proposal.advanced, proposal.conversion) == (3, 3, 1.0)


def test_days_per_stage_are_medians_and_p75s_of_completed_stays():
    lead, demo, proposal = funnel(VISITS, STAGES).stages
    # lead stays: 2, 4, 1, 3, 6, 2
    assert (lead.median_days, lead.p75_days) == (2.5, 3.75)
    # demo stays: 5, 6, 3 (d3 is still there)
    assert (demo.median_days, demo.p75_days) == (5.0, 5.5)
    # proposal stays: 10, 4, 4
    assert (proposal.median_days, proposal.p75_days) == (4.0, 7.0)


def test_won_deal_timings_need_enough_won_deals():
    lead, demo, _ = funnel(VISITS, STAGES).stages
    assert lead.won_p75_days is None  # 3 won deals, 5 needed by default
    _, demo, _ = funnel(VISITS, STAGES, min_won_for_timing=2).stages
    # won demo stays: d1 5, d6 3
    assert (demo.won_median_days, demo.won_p75_days) == (4.0, 4.5)


def test_win_rate_and_won_cycle_length():
    result = funnel(VISITS, STAGES)
    assert result.win_rate == 0.6  # 3 won, 2 lost, 1 open
    # won cycles: d1 17 days, d5 10, d6 9
    assert result.median_won_cycle_days == 10.0


def test_an_empty_history_has_no_rates():
    result = funnel([], STAGES)
    assert result.win_rate is None
    assert all(s.entered == 0 and s.conversion is None for s in result.stages)
