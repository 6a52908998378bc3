"""Timeline rows for simulated deals: the sellers' work and the system's record of it."""

import functools
import itertools
import json
import math
import random
import uuid
from collections.abc import Iterator
from datetime import datetime, timedelta
from typing import Any

from devtools.generator import catalog
from devtools.generator.simulate import DealPlan, Id, id_of, seeded_id

# Column (name, Postgres type for binary COPY) of every activity row, in row order.
COLUMNS = (
    ("id", "uuid"),
    ("workspace_id", "uuid"),
    ("deal_id", "uuid"),
    ("type", "text"),
    ("system_event", "text"),
    ("subject", "text"),
    ("body", "text"),
    ("scheduled_at", "timestamptz"),
    ("completed_at", "timestamptz"),
    ("occurred_at", "timestamptz"),
    ("owner_id", "uuid"),
    ("source", "text"),
    ("details", "jsonb"),
    ("created_at", "timestamptz"),
    ("updated_at", "timestamptz"),
)
_TYPES = [t for t, _ in catalog.ACTIVITY_MIX]
_TYPE_WEIGHTS = list(itertools.accumulate(w for _, w in catalog.ACTIVITY_MIX))
# jsonb's binary input is a version byte (1) and the JSON text: rows carry it ready-made.
_EMPTY = b"\x01{}"
Row = tuple[Any, ...]


def allocate(deals: list[DealPlan], total: int, seed: int, now: datetime) -> None:
    """Split `total` seller activities across deals and time them.

    Longer and healthier deals get worked more, so activity predicts the outcome. Sets each
    deal's completed activity times, its upcoming count and `last_activity_at`.
    """
    rng = random.Random(f"{seed}:allocate")
    weights = []
    for deal in deals:
        until = deal.engaged_until or deal.created_at
        days = max((until - deal.created_at).total_seconds() / 86_400, 0.5)
        intensity = math.exp(0.5 * deal.health) * deal.owner.pace * rng.lognormvariate(0, 0.4)
        weights.append(days * intensity)
    scale = total / sum(weights) if weights and total else 0.0
    exact = [w * scale for w in weights]
    counts = [int(x) for x in exact]
    # Largest remainders take the leftover so the total is exact.
    leftover = total - sum(counts)
    by_remainder = sorted(range(len(deals)), key=lambda i: exact[i] - counts[i], reverse=True)
    for i in by_remainder[:leftover]:
        counts[i] += 1
    for deal, count in zip(deals, counts, strict=True):
        _time(deal, count, seed, now)


def _time(deal: DealPlan, count: int, seed: int, now: datetime) -> None:
    rng = random.Random(f"{seed}:times:{deal.index}")
    start, end = deal.created_at, deal.engaged_until or deal.created_at
    if deal.outcome == "open" and end >= now - timedelta(days=1) and count:
        deal.upcoming = min(count, rng.choice((0, 1, 1, 2)))
    span = max((end - start).total_seconds(), 60.0)
    deal.activity_times = sorted(
        min(start + timedelta(seconds=int(rng.random() * span)), now)
        for _ in range(count - deal.upcoming)
    )
    deal.last_activity_at = deal.activity_times[-1] if deal.activity_times else None


def rows_for(deal: DealPlan, seed: int, now: datetime, workspace: uuid.UUID) -> Iterator[Row]:
    """Every activity row of one deal: its system entries, then the seller's activities."""
    rng = random.Random(f"{seed}:activities:{deal.index}")
    salt, workspace_id = workspace.int, id_of(workspace)
    yield from _system_rows(deal, rng, salt, workspace_id)
    for at in deal.activity_times:
        yield _done_row(deal, rng, salt, workspace_id, at)
    for _ in range(deal.upcoming):
        yield _scheduled_row(deal, rng, salt, workspace_id, now)


def _system_rows(deal: DealPlan, rng: random.Random, salt: int, workspace_id: Id) -> Iterator[Row]:
    """What the deals service writes: one entry on creation, one per later change."""
    created = deal.moves[0]
    source = creation_source(deal)
    yield _system(
        (seeded_id(rng, salt), workspace_id, deal.id),
        "deal_created",
        f"Deal created in {created.to_stage.name}",
        {"stage_id": _text(created.to_stage.id), "stage": created.to_stage.name},
        created.at,
        actor_of(deal, source),
        source,
    )
    for before, move in zip(deal.moves, deal.moves[1:], strict=False):
        assert move.from_stage is not None
        days = round((move.at - before.at).total_seconds() / 86_400, 2)
        yield _system(
            (seeded_id(rng, salt), workspace_id, deal.id),
            "stage_changed",
            f"Moved from {move.from_stage.name} to {move.to_stage.name}",
            {
                "from_stage_id": _text(move.from_stage.id),
                "from_stage": move.from_stage.name,
                "to_stage_id": _text(move.to_stage.id),
                "to_stage": move.to_stage.name,
                "days_in_previous_stage": days,
            },
            move.at,
            deal.owner.id,
            "user",
        )
    for change in deal.date_moves[1:]:
        old, new = change.from_date, change.to_date
        yield _system(
            (seeded_id(rng, salt), workspace_id, deal.id),
            "close_date_moved",
            f"Close date moved from {old} to {new}",
            {"from": str(old), "to": str(new), "pushed": change.is_push},
            change.at,
            deal.owner.id,
            "user",
        )


@functools.cache
def _text(stage_id: Id) -> str:
    return str(uuid.UUID(bytes=stage_id))


def creation_source(deal: DealPlan) -> str:
    """The history source of a deal's first entries: a person, a sync, or an import."""
    return "user" if deal.source == "manual" else deal.source


def actor_of(deal: DealPlan, change_source: str) -> Id | None:
    return deal.owner.id if change_source == "user" else None


def _system(
    keys: tuple[Id, Id, Id],
    event: str,
    subject: str,
    details: dict[str, Any],
    at: datetime,
    actor: Id | None,
    change_source: str,
) -> Row:
    timeline_source = "manual" if change_source == "user" else change_source
    details = {**details, "change_source": change_source}
    encoded = b"\x01" + json.dumps(details, separators=(",", ":")).encode()
    return (
        *keys,
        "system",
        event,
        subject,
        None,
        None,
        at,
        at,
        actor,
        timeline_source,
        encoded,
        at,
        at,
    )


def _done_row(deal: DealPlan, rng: random.Random, salt: int, workspace_id: Id, at: datetime) -> Row:
    kind = rng.choices(_TYPES, cum_weights=_TYPE_WEIGHTS)[0]
    scheduled = None
    if kind == "meeting" or (kind == "call" and rng.random() < 0.3):
        scheduled = at  # booked ahead, held as planned
        created = max(at - timedelta(days=rng.uniform(0, 5)), deal.created_at)
    elif kind == "task":
        scheduled = at + timedelta(days=rng.uniform(-2, 2))  # the due date; done early or late
        created = min(scheduled, at) - timedelta(hours=rng.uniform(1, 48))
        created = max(created, deal.created_at)
    else:
        created = at
    body = rng.choice(catalog.NOTE_BODIES) if kind == "note" else None
    return (
        seeded_id(rng, salt),
        workspace_id,
        deal.id,
        kind,
        None,
        rng.choice(catalog.SUBJECTS[kind]),
        body,
        scheduled,
        at,
        at,
        deal.owner.id,
        "manual",
        _EMPTY,
        created,
        at,
    )


def _scheduled_row(
    deal: DealPlan, rng: random.Random, salt: int, workspace_id: Id, now: datetime
) -> Row:
    kind = rng.choice(("task", "meeting", "call"))
    # Mostly upcoming; some tasks are overdue, as in every real pipeline.
    when = now + timedelta(days=rng.uniform(-7 if kind == "task" else 1, 21))
    when = when.replace(minute=0, second=0, microsecond=0)
    created = max(now - timedelta(days=rng.uniform(0, 10)), deal.created_at)
    return (
        seeded_id(rng, salt),
        workspace_id,
        deal.id,
        kind,
        None,
        rng.choice(catalog.SUBJECTS[kind]),
        None,
        when,
        None,
        when,
        deal.owner.id,
        "manual",
        _EMPTY,
        created,
        created,
    )
