"""The win model on a real CRM sample: fit on deals closed before a date, score the rest.

Baseline: the sample has one open stage before the close (Engaging) and no stage
probabilities, so the stage-probability baseline is Engaging's empirical win rate: the
share of the training deals (all of which went through Engaging) that were won. Every
snapshot carries it as its stage probability.
"""

from datetime import date

import numpy as np
import pytest

from ai_core.analytics import DealFrame, train
from ai_core.analytics.metrics import brier
from tests.ai_core.analytics.crm_sample import Snapshots, closed_opportunities

# Quarter starts: the sample's win rate swings with the month of the quarter, so a cut
# mid-quarter would compare unlike periods.
CUTOFFS = [date(2017, 7, 1), date(2017, 10, 1)]


@pytest.fixture(scope="module")
def sample():
    return closed_opportunities(), Snapshots()


@pytest.fixture(scope="module", params=CUTOFFS, ids=str)
def trial(request, sample):
    opportunities, snapshots = sample
    cutoff = request.param
    before = [o for o in opportunities if o.closed_on < cutoff]
    after = [o for o in opportunities if o.closed_on >= cutoff]
    engaging_win_rate = sum(o.won for o in before) / len(before)
    model = train([snapshots.closed(o, stage_probability=engaging_win_rate) for o in before])
    later = DealFrame.of(
        [snapshots.at_engage(o, stage_probability=engaging_win_rate) for o in after]
    )
    won = np.array([o.won for o in after])
    return model, later, won, engaging_win_rate


def test_the_sample_has_enough_history_to_try_a_model(trial):
    model, *_ = trial
    assert model.won >= 40 and model.lost >= 40
    assert model.validation is not None and model.fitted is not None


def test_the_model_is_used_exactly_when_it_beats_the_baseline_out_of_sample(trial):
    model, *_ = trial
    v = model.validation
    beats = (
        v.model_brier < v.baseline_brier
        and all(f.model_brier < f.baseline_brier for f in v.folds)
        and v.model_auc >= v.baseline_auc
    )
    assert model.use_model == beats


def test_later_deals_score_no_worse_than_the_baseline(trial):
    model, later, won, engaging_win_rate = trial
    baseline = np.full(len(later), engaging_win_rate)
    used = model.probabilities(later)
    if model.use_model:
        assert brier(used, won) < brier(baseline, won)
    else:
        assert used.tolist() == baseline.tolist()
