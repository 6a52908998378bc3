from datetime import date, timedelta

import numpy as np
import pytest

from ai_core.analytics import ClosedDeal, StageKind, train
from tests.ai_core.analytics.factories import deal

START = date(2025, 1, 1)


def history(n: int, *, seed: int, idle_effect: float = 0.12) -> list[ClosedDeal]:
    """Closed deals whose odds fall with idle days; both stages claim a flat probability."""
    rng = np.random.default_rng(seed)
    closed = []
    for i in range(n):
        idle = float(rng.exponential(15))
        late = i % 2 == 0
        logit = 1.5 - idle_effect * idle + (0.5 if late else -0.5)
        closed.append(
            ClosedDeal(
                features=deal(
                    f"c{i}",
                    stage_id="negotiate" if late else "propose",
                    stage_name="Negotiation" if late else "Proposal",
                    stage_probability=0.5,
                    days_since_last_activity=idle,
                    owner_id=f"owner-{i % 4}",
                ),
                won=bool(rng.random() < 1 / (1 + np.exp(-logit))),
                closed_on=START + timedelta(days=i),
            )
        )
    return closed


@pytest.fixture(scope="module")
def learned():
    return train(history(800, seed=11))


def test_the_model_is_used_when_it_beats_stage_probabilities_out_of_sample(learned):
    v = learned.validation
    assert learned.use_model
    assert v.model_brier < v.baseline_brier
    assert all(f.model_brier < f.baseline_brier for f in v.folds)
    assert v.model_auc > 0.7
    assert "the model wins" in learned.reason


def test_validation_is_time_ordered(learned):
    v = learned.validation
    assert v.fit_deals + v.holdout_deals == 800
    # 30% held out in 3 consecutive periods, each scored by a fit on what closed before.
    assert v.cutoff == START + timedelta(days=560)
    assert [f.start for f in v.folds] == [START + timedelta(days=d) for d in (560, 640, 720)]
    assert sum(f.deals for f in v.folds) == v.holdout_deals


def test_scores_explain_their_top_factors_in_plain_words(learned):
    [idle, fresh] = learned.score(
        [deal("idle", days_since_last_activity=40.0), deal("fresh", days_since_last_activity=1.0)]
    )
    assert idle.source == "model"
    assert idle.probability < fresh.probability
    top = idle.factors[0]
    assert top.key == "idle"
    assert top.text == "No activity for 40 days lowers the odds"
    assert top.contribution < 0
    assert fresh.factors[0].text == "Last activity 1 day ago raises the odds"
    assert fresh.factors[0].contribution > 0


def test_score_and_probabilities_agree(learned):
    deals = [deal(f"d{k}", days_since_last_activity=float(k)) for k in range(5)]
    scores = [s.probability for s in learned.score(deals)]
    assert scores == pytest.approx(learned.probabilities(deals).tolist(), abs=1e-4)


def test_too_few_closed_deals_leave_the_stage_probabilities():
    model = train(history(60, seed=5))
    assert not model.use_model
    assert "the model needs 40/40" in model.reason
    [score] = model.score([deal()])
    assert (score.source, score.probability) == ("stage", 0.4)
    assert score.factors[0].text == "Proposal is set to win 40% of the time"


def test_a_model_that_loses_out_of_sample_is_not_used():
    # Stage probabilities that are the truth itself: nothing is left for a model to add.
    # (One fixed seed; over seeds 0-19 the rule keeps the stages in 19 of 20.)
    rng = np.random.default_rng(8)
    closed = []
    for i in range(600):
        p = float(rng.choice([0.1, 0.9]))
        closed.append(
            ClosedDeal(
                features=deal(f"c{i}", stage_id=str(p), stage_probability=p),
                won=bool(rng.random() < p),
                closed_on=START + timedelta(days=i),
            )
        )
    model = train(closed)
    assert not model.use_model
    assert model.validation is not None
    assert model.probabilities([c.features for c in closed[:3]]).tolist() == [
        c.features.stage_probability for c in closed[:3]
    ]


def test_training_rows_must_be_snapshots_of_open_stages():
    [closed] = history(1, seed=1)
    leaked = ClosedDeal(
        features=closed.features.model_copy(update={"stage_kind": StageKind.won}),
        won=True,
        closed_on=closed.closed_on,
    )
    with pytest.raises(ValueError, match="last open stage"):
        train([leaked])


def test_training_is_deterministic():
    deals = [deal(f"d{k}", days_since_last_activity=float(k)) for k in range(5)]
    first = train(history(300, seed=2)).probabilities(deals)
    again = train(history(300, seed=2)).probabilities(deals)
    assert first.tolist() == again.tolist()


def test_workspace_fields_become_factors_in_plain_words():
    rng = np.random.default_rng(21)
    closed = []
    for i in range(600):
        pro = i % 3 == 0
        closed.append(
            ClosedDeal(
                features=deal(
                    f"c{i}",
                    stage_probability=0.5,
                    attributes={"product": "Pro" if pro else "Basic"},
                    measures={"account_revenue": float(rng.lognormal(6, 1))},
                ),
                won=bool(rng.random() < (0.85 if pro else 0.3)),
                closed_on=START + timedelta(days=i),
            )
        )
    model = train(closed)
    assert model.use_model
    [pro, unseen] = model.score(
        [
            deal("pro", attributes={"product": "Pro"}),
            deal("new", attributes={"product": "Brand new"}, measures={"account_revenue": 1e4}),
        ]
    )
    assert pro.factors[0].text == "Product Pro raises the odds"
    # A value never seen in training counts as the average deal: it moves nothing.
    assert [f for f in unseen.factors if f.key == "attribute:product"] == []
