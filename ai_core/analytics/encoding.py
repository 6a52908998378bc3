"""Deal snapshots as a numeric matrix for the win model.

Numbers go through a signed log (counts, days and amounts are skewed) and are
standardised with the training mean and spread; a missing number becomes the training
mean, and for the few where "missing" itself means something (never active, no close
date, unknown age) an indicator column says so. Categories (stage, owner, source and
each attribute) become one column per value seen at least `min_count` times in training;
a rarer, unseen or missing value gets the training shares in those columns, i.e. it counts
as the average deal and moves nothing. Every column belongs to a
`group`: the factor it helps explain.
"""

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from ai_core.analytics.features import ACTIVITY_TYPES, WINDOWS
from ai_core.analytics.frame import DealFrame, Floats, Objects

Extract = Callable[[DealFrame], Floats]


def signed_log(values: Floats) -> Floats:
    return np.sign(values) * np.log1p(np.abs(values))


def _activity(window: int, kind: int | None) -> Extract:
    w = WINDOWS.index(window)
    if kind is None:
        return lambda f: f.activity[:, w, :].sum(axis=1).astype(np.float64)
    return lambda f: f.activity[:, w, kind].astype(np.float64)


def _missing(column: Callable[[DealFrame], Floats]) -> Extract:
    return lambda f: np.isnan(column(f)).astype(np.float64)


# (column name, factor group, extractor); NaN means missing.
BUILT_IN: tuple[tuple[str, str, Extract], ...] = (
    ("amount", "amount", lambda f: f.amount),
    ("days_in_stage", "days_in_stage", lambda f: f.days_in_stage),
    ("days_since_last_activity", "idle", lambda f: f.days_since_last_activity),
    ("never_active", "idle", _missing(lambda f: f.days_since_last_activity)),
    *((f"activities_{w}d", "activity", _activity(w, None)) for w in WINDOWS),
    *((f"{kind}s_90d", "activity", _activity(90, t)) for t, kind in enumerate(ACTIVITY_TYPES)),
    ("scheduled_activities", "scheduled", lambda f: f.scheduled_activities.astype(np.float64)),
    ("close_date_pushes", "pushes", lambda f: f.close_date_pushes.astype(np.float64)),
    ("days_to_close", "close_date", lambda f: f.days_to_close),
    ("no_close_date", "close_date", _missing(lambda f: f.days_to_close)),
    ("contact_count", "contacts", lambda f: f.contact_count.astype(np.float64)),
    ("age_days", "age", lambda f: f.age_days),
    ("age_unknown", "age", _missing(lambda f: f.age_days)),
)

CATEGORIES: tuple[tuple[str, Callable[[DealFrame], Objects]], ...] = (
    ("stage", lambda f: f.stage_id),
    ("owner", lambda f: f.owner_id),
    ("source", lambda f: f.source),
)


@dataclass(frozen=True)
class Numeric:
    name: str
    group: str
    extract: Extract
    mean: float
    scale: float


@dataclass(frozen=True)
class Category:
    group: str
    extract: Callable[[DealFrame], Objects]
    levels: tuple[str, ...]
    # Share of the training deals holding each level: what an unknown value is given.
    shares: tuple[float, ...]


@dataclass(frozen=True)
class Encoder:
    numerics: tuple[Numeric, ...]
    categories: tuple[Category, ...]

    @property
    def groups(self) -> list[str]:
        """The factor group of each matrix column, in column order."""
        return [n.group for n in self.numerics] + [
            c.group for c in self.categories for _ in c.levels
        ]

    def matrix(self, frame: DealFrame) -> Floats:
        n = len(frame)
        width = len(self.numerics) + sum(len(c.levels) for c in self.categories)
        x = np.zeros((n, width))
        for j, numeric in enumerate(self.numerics):
            z = (signed_log(numeric.extract(frame)) - numeric.mean) / numeric.scale
            x[:, j] = np.nan_to_num(z, nan=0.0)
        j = len(self.numerics)
        rows = np.arange(n)
        for category in self.categories:
            slot = {level: k for k, level in enumerate(category.levels)}
            codes = np.fromiter(
                (slot.get(v, -1) for v in category.extract(frame).tolist()), np.int64, n
            )
            known = codes >= 0
            x[rows[known], j + codes[known]] = 1.0
            x[~known, j : j + len(category.levels)] = category.shares
            j += len(category.levels)
        return x


def _measure(key: str) -> Extract:
    return lambda f: f.measures.get(key, np.full(len(f), np.nan))


def _attribute(key: str) -> Callable[[DealFrame], Objects]:
    return lambda f: f.attributes.get(key, np.full(len(f), None, dtype=object))


def fit_encoder(frame: DealFrame, *, min_count: int = 5) -> Encoder:
    """Learn means, spreads and category values from the training deals."""
    candidates: list[tuple[str, str, Extract]] = [
        *BUILT_IN,
        *((f"measure:{key}", f"measure:{key}", _measure(key)) for key in frame.measures),
    ]
    numerics = []
    for name, group, extract in candidates:
        values = signed_log(extract(frame))
        present = values[~np.isnan(values)]
        if present.size < 2 or np.std(present) == 0:
            continue  # says nothing in training, so it can say nothing when scoring
        numerics.append(Numeric(name, group, extract, float(present.mean()), float(present.std())))
    sources: Sequence[tuple[str, Callable[[DealFrame], Objects]]] = [
        *CATEGORIES,
        *((f"attribute:{key}", _attribute(key)) for key in frame.attributes),
    ]
    categories = []
    for group, values_of in sources:
        values, counts = np.unique(
            np.array([str(v) if v is not None else "" for v in values_of(frame).tolist()]),
            return_counts=True,
        )
        kept = [
            (v, c)
            for v, c in zip(values.tolist(), counts.tolist(), strict=True)
            if v and c >= min_count
        ]
        # One value held by every deal is a constant, not a factor.
        if kept and not (len(kept) == 1 and kept[0][1] == len(frame)):
            known = sum(c for _, c in kept)
            # Deals with a rare or missing value train as the average deal too.
            shares = tuple(c / known for _, c in kept)
            categories.append(Category(group, values_of, tuple(v for v, _ in kept), shares))
    return Encoder(tuple(numerics), tuple(categories))
