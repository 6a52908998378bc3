"""Deal snapshots as columns, so signals, scores and the forecast run as array operations."""

from collections.abc import Sequence
from dataclasses import dataclass, field
from operator import attrgetter

import numpy as np
import numpy.typing as npt

from ai_core.analytics.bulk import gc_paused
from ai_core.analytics.features import ACTIVITY_TYPES, WINDOWS, DealFeatures, StageKind

Floats = npt.NDArray[np.float64]
Ints = npt.NDArray[np.int64]
Bools = npt.NDArray[np.bool_]
Objects = npt.NDArray[np.object_]

_ACTIVITY_FIELDS = tuple(f"{kind}s_{w}d" for w in WINDOWS for kind in ACTIVITY_TYPES)


@dataclass(frozen=True, eq=False)
class DealFrame:
    """One entry per deal in every column; NaN where the snapshot says None."""

    deals: Sequence[DealFeatures]
    deal_id: Objects
    stage_id: Objects
    stage_name: Objects
    is_open: Bools
    stage_probability: Floats
    rotting_days: Floats
    typical_won_days_in_stage: Floats
    days_in_stage: Floats
    days_since_last_activity: Floats
    # activity[:, w, t]: done activities of type ACTIVITY_TYPES[t] in the last WINDOWS[w] days.
    activity: Ints
    scheduled_activities: Ints
    close_date_pushes: Ints
    days_to_close: Floats
    amount: Floats
    # The exact Decimal amounts, for money in results.
    amount_exact: Objects
    title: Objects
    source: Objects
    owner_id: Objects
    contact_count: Ints
    age_days: Floats
    attributes: dict[str, Objects] = field(default_factory=dict)
    measures: dict[str, Floats] = field(default_factory=dict)

    def __len__(self) -> int:
        return len(self.deal_id)

    def activity_total(self, window: int) -> Ints:
        return self.activity[:, WINDOWS.index(window), :].sum(axis=1)

    def take(self, mask: Bools) -> "DealFrame":
        """The deals where `mask` holds, in order."""
        return build([self.deals[i] for i in np.flatnonzero(mask).tolist()])

    @classmethod
    def of(cls, deals: "Sequence[DealFeatures] | DealFrame") -> "DealFrame":
        if isinstance(deals, DealFrame):
            return deals
        with gc_paused():
            return build(deals)


def _floats(values: Sequence[float | int | None]) -> Floats:
    return np.array([np.nan if v is None else v for v in values], dtype=np.float64)


_SCALARS = (
    "deal_id",
    "title",
    "stage_id",
    "stage_name",
    "stage_kind",
    "stage_probability",
    "rotting_days",
    "typical_won_days_in_stage",
    "days_in_stage",
    "days_since_last_activity",
    "scheduled_activities",
    "close_date_pushes",
    "days_to_close",
    "amount",
    "source",
    "owner_id",
    "contact_count",
    "age_days",
)


def build(deals: Sequence[DealFeatures]) -> DealFrame:
    """Columns from snapshots: one pass over the list per group of fields."""
    n = len(deals)
    values = zip(*map(attrgetter(*_SCALARS), deals), strict=True) if n else [()] * len(_SCALARS)
    c = dict(zip(_SCALARS, (list(v) for v in values), strict=True))
    activity = np.array(list(map(attrgetter(*_ACTIVITY_FIELDS), deals)), dtype=np.int64)
    attribute_keys = sorted({k for d in deals for k in d.attributes})
    measure_keys = sorted({k for d in deals for k in d.measures})
    return DealFrame(
        deals=deals,
        deal_id=_objects(c["deal_id"]),
        stage_id=_objects(c["stage_id"]),
        stage_name=_objects(c["stage_name"]),
        is_open=np.array([k == StageKind.open for k in c["stage_kind"]], dtype=np.bool_),
        stage_probability=_floats(c["stage_probability"]),
        rotting_days=_floats(c["rotting_days"]),
        typical_won_days_in_stage=_floats(c["typical_won_days_in_stage"]),
        days_in_stage=_floats(c["days_in_stage"]),
        days_since_last_activity=_floats(c["days_since_last_activity"]),
        activity=activity.reshape(n, len(WINDOWS), len(ACTIVITY_TYPES)),
        scheduled_activities=np.array(c["scheduled_activities"], dtype=np.int64),
        close_date_pushes=np.array(c["close_date_pushes"], dtype=np.int64),
        days_to_close=_floats(c["days_to_close"]),
        amount=np.array([float(a) for a in c["amount"]], dtype=np.float64),
        amount_exact=_objects(c["amount"]),
        title=_objects(c["title"]),
        source=_objects(c["source"]),
        owner_id=_objects(c["owner_id"]),
        contact_count=np.array(c["contact_count"], dtype=np.int64),
        age_days=_floats(c["age_days"]),
        attributes={
            key: _objects([d.attributes.get(key) for d in deals]) for key in attribute_keys
        },
        measures={key: _floats([d.measures.get(key) for d in deals]) for key in measure_keys},
    )


def _objects(values: Sequence[object]) -> Objects:
    array = np.empty(len(values), dtype=object)
    array[:] = values
    return array
