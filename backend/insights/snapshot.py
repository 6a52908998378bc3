"""The workspace snapshot the AI core analyses: compact columns built from the SQL rows.

Stages and owners are sent once and referenced by index; deals are columns of numbers.
Titles are cut to `MAX_TITLE` characters: they only label the few deals Claude sees.
`contacts` is 1 when the deal has a contact email, else 0: a deal records one contact.
"""

import uuid
from collections import Counter, OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy.engine import Row
from sqlalchemy.ext.asyncio import AsyncSession
from starlette.concurrency import run_in_threadpool

from backend.insights.snapshot_repository import ACTIVITY_COLUMNS, SnapshotRepository
from backend.models import PipelineStage

MAX_TITLE = 120
DAY_DECIMALS = 4  # ~9 seconds
TRAINING_DAYS = 730
MAX_TRAINING_DEALS = 20_000
SLIP_HISTORY_DAYS = 365
# Closed-deal rows kept for the forecast and deal pages (up to 20,000 rows each): reading
# them is most of a page's time in a large workspace, and they rarely change.
KEPT_TRAINING_SETS = 4

_training_rows: OrderedDict[tuple[Any, ...], list[Row[Any]]] = OrderedDict()


@dataclass(frozen=True)
class Period:
    start: date
    end: date
    label: str


@dataclass(frozen=True)
class Snapshot:
    payload: dict[str, Any]
    # The open deals sent: only these may come back as the subject of an insight.
    deal_ids: frozenset[uuid.UUID]


def quarter_of(day: date) -> Period:
    """The calendar quarter holding `day`: the forecast's period."""
    quarter = (day.month - 1) // 3
    start = date(day.year, 3 * quarter + 1, 1)
    following = date(day.year + 1, 1, 1) if quarter == 3 else date(day.year, 3 * quarter + 4, 1)
    return Period(start, following - timedelta(days=1), f"{day.year}-Q{quarter + 1}")


async def build(
    session: AsyncSession,
    workspace_id: uuid.UUID,
    *,
    run_id: uuid.UUID | None,
    as_of: datetime,
    period: Period | None = None,
    deal_id: uuid.UUID | None = None,
    with_funnel: bool = True,
    reuse_training: bool = False,
) -> Snapshot:
    """Everything the engine needs about the workspace on `as_of`, in a few set-based queries.

    `period` is the forecast's (default: the quarter of `as_of`); with `deal_id`, that deal
    is the only open deal sent (to score it), the closed deals still all train the model.
    Without `with_funnel`, stage visits and owner activity (the funnel's and the risk
    signals' inputs, a third of a million rows at 100,000 deals) are left out: the win model
    and the forecast do not use them. With `reuse_training`, the closed deals read for the
    same workspace, day, stages and closed-deal version (count, last change) are reused.
    """
    snapshots = SnapshotRepository(session)
    stages = await snapshots.stages(workspace_id)
    stage_index = {s.id: k for k, s in enumerate(stages)}
    training_since = as_of - timedelta(days=TRAINING_DAYS)
    open_rows = await snapshots.open_deals(workspace_id, as_of, deal_id=deal_id)
    closed_rows = await _closed_rows(snapshots, workspace_id, as_of, stages, reuse=reuse_training)
    visits = (
        await snapshots.stage_visits(workspace_id, as_of, since=training_since)
        if with_funnel
        else []
    )
    owner_rows = await snapshots.owner_activity(workspace_id, as_of) if with_funnel else []
    period = period or quarter_of(as_of.date())
    won = await snapshots.won_between(workspace_id, period.start, period.end)
    slips = await snapshots.slip_days(
        workspace_id, as_of, since=as_of - timedelta(days=SLIP_HISTORY_DAYS)
    )
    owner_ids = sorted(
        {r.owner_id for r in [*open_rows, *closed_rows] if r.owner_id is not None}
        | {r.owner_id for r in owner_rows},
        key=str,
    )
    names = await snapshots.member_names(workspace_id, set(owner_ids))
    owner_index = {owner_id: k for k, owner_id in enumerate(owner_ids)}
    currencies = Counter(r.currency for r in open_rows)
    stage_rows = [_stage(s) for s in stages]  # ORM objects: read here, on the loop

    def assemble() -> dict[str, Any]:
        return {
            "workspace_id": str(workspace_id),
            "run_id": str(run_id) if run_id else None,
            "as_of": as_of.isoformat(),
            "currency": currencies.most_common(1)[0][0] if currencies else None,
            "period_start": period.start.isoformat(),
            "period_end": period.end.isoformat(),
            "period_label": period.label,
            "stages": stage_rows,
            "owners": [{"id": str(o), "name": names.get(o)} for o in owner_ids],
            "open_deals": _deal_columns(open_rows, stage_index, owner_index),
            "closed_deals": {
                **_deal_columns(closed_rows, stage_index, owner_index, training=True),
                "won": [r.won for r in closed_rows],
                "closed_on": [r.closed_on.isoformat() for r in closed_rows],
            },
            "visits": {
                "deal": [v.deal for v in visits],
                "stage": [stage_index[v.stage_id] for v in visits],
                "entered": [_days(v.entered) for v in visits],
                "left": [_days(v.left) for v in visits],
                "outcome": [v.outcome.value for v in visits],
            },
            "owner_activity": [
                {
                    "owner_id": str(r.owner_id),
                    "last_14_days": r.last_14_days,
                    "previous_28_days": r.previous_28_days,
                }
                for r in owner_rows
            ],
            "won_in_period": [
                {"amount": str(r.amount), "closed_on": r.closed_on.isoformat()} for r in won
            ],
            "slip_days": slips,
        }

    # Columns of up to 100,000 deals are built in pure Python: off the event loop.
    payload = await run_in_threadpool(assemble)
    return Snapshot(payload, frozenset(r.id for r in open_rows))


async def _closed_rows(
    snapshots: SnapshotRepository,
    workspace_id: uuid.UUID,
    as_of: datetime,
    stages: list[PipelineStage],
    *,
    reuse: bool,
) -> list[Row[Any]]:
    since = as_of - timedelta(days=TRAINING_DAYS)
    if not reuse:
        return await snapshots.closed_deals(
            workspace_id, as_of, since=since, limit=MAX_TRAINING_DEALS
        )
    version = await snapshots.closed_version(workspace_id)
    key = (workspace_id, as_of.date(), tuple(s.id for s in stages), *version)
    if key in _training_rows:
        _training_rows.move_to_end(key)
        return _training_rows[key]
    rows = await snapshots.closed_deals(workspace_id, as_of, since=since, limit=MAX_TRAINING_DEALS)
    _training_rows[key] = rows
    while len(_training_rows) > KEPT_TRAINING_SETS:
        _training_rows.popitem(last=False)
    return rows


def _stage(stage: PipelineStage) -> dict[str, Any]:
    return {
        "id": str(stage.id),
        "name": stage.name,
        "kind": stage.kind.value,
        "position": stage.position,
        "probability": float(stage.probability) / 100,
        "rotting_days": stage.rotting_days,
    }


def _deal_columns(
    rows: Sequence[Row[Any]],
    stage_index: dict[uuid.UUID, int],
    owner_index: dict[uuid.UUID, int],
    *,
    training: bool = False,
) -> dict[str, list[Any]]:
    return {
        "deal_id": [str(r.id) for r in rows],
        "title": [r.title[:MAX_TITLE] for r in rows],
        "stage": [stage_index[r.stage_id] for r in rows],
        "owner": [owner_index.get(r.owner_id) if r.owner_id else None for r in rows],
        "probability": [
            float(r.probability_override) / 100 if r.probability_override is not None else None
            for r in rows
        ],
        "days_in_stage": [_days(r.days_in_stage) for r in rows],
        "days_since_last_activity": [_days(r.days_since_last_activity) for r in rows],
        "activity": [[getattr(r, name) for name in ACTIVITY_COLUMNS] for r in rows],
        # What was planned when a deal closed is unknowable afterwards: 0 for training.
        "scheduled": [0 if training else r.scheduled for r in rows],
        "pushes": [r.pushes for r in rows],
        "days_to_close": [None if training else r.days_to_close for r in rows],
        "amount": [str(r.amount) for r in rows],
        "currency": [r.currency for r in rows],
        "source": [r.source.value for r in rows],
        "contacts": [1 if r.has_contact else 0 for r in rows],
        "age_days": [None if training else _days(r.age_days) for r in rows],
    }


def _days(value: float | None) -> float | None:
    return None if value is None else round(value, DAY_DECIMALS)
