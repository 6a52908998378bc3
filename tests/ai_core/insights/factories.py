"""Workspace snapshots as the backend sends them (columnar JSON), seeded and deterministic."""

import random
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

AS_OF = datetime(2026, 11, 25, 9, 0, tzinfo=UTC)
STAGES: list[dict[str, Any]] = [
    {"id": "lead", "name": "Lead", "kind": "open", "position": 0, "probability": 0.1,
     "rotting_days": 14},
    {"id": "qualified", "name": "Qualified", "kind": "open", "position": 1, "probability": 0.25,
     "rotting_days": 14},
    {"id": "proposal", "name": "Proposal", "kind": "open", "position": 2, "probability": 0.5,
     "rotting_days": 21},
    {"id": "negotiation", "name": "Negotiation", "kind": "open", "position": 3,
     "probability": 0.75, "rotting_days": 21},
    {"id": "won", "name": "Won", "kind": "won", "position": 4, "probability": 1.0,
     "rotting_days": None},
    {"id": "lost", "name": "Lost", "kind": "lost", "position": 5, "probability": 0.0,
     "rotting_days": None},
]  # fmt: skip
OWNERS = [{"id": f"owner-{k}", "name": f"Seller {k}"} for k in range(8)]
COLUMNS = (
    "deal_id title stage owner probability days_in_stage days_since_last_activity activity "
    "scheduled pushes days_to_close amount currency source contacts age_days"
).split()


def healthy(deal_id: str, title: str, **changes: Any) -> dict[str, Any]:
    """One open deal (a row of the columns) with no signal at all."""
    return {
        "deal_id": deal_id,
        "title": title,
        "stage": 2,
        "owner": 0,
        "probability": None,
        "days_in_stage": 3.0,
        "days_since_last_activity": 1.0,
        "activity": [1, 1, 0, 0, 0, 2, 2, 1, 0, 0, 4, 4, 2, 1, 0],
        "scheduled": 1,
        "pushes": 0,
        "days_to_close": 40,
        "amount": "5000.00",
        "currency": "USD",
        "source": "manual",
        "contacts": 1,
        "age_days": 20.0,
        **changes,
    }


def random_deal(rng: random.Random, i: int, prefix: str = "deal") -> dict[str, Any]:
    idle = None if rng.random() < 0.05 else round(rng.expovariate(1 / 12), 4)
    return healthy(
        f"{prefix}-{i}",
        f"{prefix.capitalize()} {i} {rng.choice(['Acme', 'Globex', 'Initech', 'Umbrella'])}",
        stage=rng.randrange(4),
        owner=rng.randrange(len(OWNERS)),
        days_in_stage=round(rng.expovariate(1 / 18), 4),
        days_since_last_activity=idle,
        activity=[rng.randrange(4) for _ in range(15)],
        scheduled=rng.randrange(3),
        pushes=min(rng.randrange(5), rng.randrange(5)),
        days_to_close=None if rng.random() < 0.1 else rng.randrange(-60, 180),
        amount=str(Decimal(round(rng.lognormvariate(9.5, 1.0), 2)).quantize(Decimal("0.01"))),
        contacts=rng.randrange(2),
        age_days=round(rng.expovariate(1 / 60), 4),
    )


def columns(rows: list[dict[str, Any]], extra: tuple[str, ...] = ()) -> dict[str, list[Any]]:
    return {name: [row[name] for row in rows] for name in (*COLUMNS, *extra)}


def snapshot(
    open_deals: list[dict[str, Any]] | int = 200,
    *,
    closed: int = 300,
    seed: int = 1,
    prefix: str = "deal",
    **fields: Any,
) -> dict[str, Any]:
    """A request body for POST /v1/insights/generate."""
    rng = random.Random(seed)
    rows = (
        [random_deal(rng, i, prefix) for i in range(open_deals)]
        if isinstance(open_deals, int)
        else open_deals
    )
    closed_rows = []
    for i in range(closed):
        row = random_deal(rng, i, f"{prefix}-closed")
        row["won"] = rng.random() < 0.25 + 0.15 * row["stage"]
        row["closed_on"] = f"2026-{1 + i * 10 // max(closed, 1):02d}-15"
        closed_rows.append(row)
    visits: dict[str, list[Any]] = {k: [] for k in ("deal", "stage", "entered", "left", "outcome")}
    for n, row in enumerate(closed_rows):
        for stage in range(row["stage"] + 1):
            visits["deal"].append(n)
            visits["stage"].append(stage)
            visits["entered"].append(-300.0 + stage * 10)
            visits["left"].append(-290.0 + stage * 10 + rng.random())
            visits["outcome"].append("won" if row["won"] else "lost")
    return {
        "workspace_id": "ws-1",
        "run_id": None,
        "as_of": AS_OF.isoformat(),
        "currency": "USD",
        "period_start": "2026-10-01",
        "period_end": "2026-12-31",
        "period_label": "2026-Q4",
        "stages": [dict(stage) for stage in STAGES],  # callers may mutate their copy
        "owners": OWNERS,
        "open_deals": columns(rows),
        "closed_deals": columns(closed_rows, ("won", "closed_on")),
        "visits": visits,
        "owner_activity": [],
        "won_in_period": [{"amount": "12000.00", "closed_on": "2026-10-20"}],
        "slip_days": [0, 0, 5, 12, -3, 30],
        **fields,
    }
