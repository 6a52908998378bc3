"""The analytics recomputed in plain Python from the generated records, one deal at a time."""

import math
import statistics
import uuid
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal

from backend.models import StageKind
from tests.backend.analytics.factories import DealRecord, Workspace

CENT = Decimal("0.01")
ZERO = Decimal("0.00")


def cents(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def days(start: datetime, end: datetime) -> float:
    return (end - start).total_seconds() / 86400


def percentile(values: list[float], fraction: float) -> float | None:
    """Linear interpolation between closest ranks, as Postgres' percentile_cont."""
    if not values:
        return None
    ordered = sorted(values)
    rank = (len(ordered) - 1) * fraction
    low, high = math.floor(rank), math.ceil(rank)
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)


def label(day: date, group_by: str) -> str:
    if group_by == "month":
        return f"{day.year}-{day.month:02d}"
    return f"{day.year}-Q{(day.month - 1) // 3 + 1}"


def first_of_month(day: date, months: int = 0) -> date:
    """The first day of the month `months` after `day`'s month."""
    index = day.year * 12 + day.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def quarter_start(day: date) -> date:
    return date(day.year, (day.month - 1) // 3 * 3 + 1, 1)


def selected(workspace: Workspace, owner_id: uuid.UUID | None) -> list[DealRecord]:
    return [d for d in workspace.live_deals() if owner_id is None or d.owner_id == owner_id]


def weighted(deal: DealRecord) -> Decimal:
    probability = deal.probability_override
    if probability is None:
        probability = deal.stage.probability
    return deal.amount * probability / 100


@dataclass
class Sums:
    deal_count: int = 0
    amount: Decimal = ZERO
    weighted_amount: Decimal = ZERO

    def add(self, deal: DealRecord) -> None:
        self.deal_count += 1
        self.amount += deal.amount
        self.weighted_amount += weighted(deal)

    def as_json(self) -> dict[str, object]:
        return {
            "deal_count": self.deal_count,
            "amount": cents(self.amount),
            "weighted_amount": cents(self.weighted_amount),
        }


def pipeline(
    workspace: Workspace, *, include_closed: bool = False, owner_id: uuid.UUID | None = None
) -> tuple[dict[str, dict[str, object]], dict[str, object]]:
    """Per stage name, and the totals."""
    shown = [s for s in workspace.stages if include_closed or s.kind == StageKind.open]
    per_stage = {s.name: Sums() for s in shown}
    total = Sums()
    for deal in selected(workspace, owner_id):
        if deal.stage.name in per_stage:
            per_stage[deal.stage.name].add(deal)
            total.add(deal)
    return {name: sums.as_json() for name, sums in per_stage.items()}, total.as_json()


def conversion(
    workspace: Workspace,
    *,
    start: date | None = None,
    end: date | None = None,
    owner_id: uuid.UUID | None = None,
) -> dict[str, dict[str, object]]:
    entered: dict[str, set[uuid.UUID]] = defaultdict(set)
    advanced: dict[str, set[uuid.UUID]] = defaultdict(set)
    stays: dict[str, list[float]] = defaultdict(list)
    for deal in selected(workspace, owner_id):
        first_visits = set()
        for i, (stage, entered_at) in enumerate(deal.path):
            first_visit = stage.name not in first_visits
            first_visits.add(stage.name)
            day = entered_at.date()
            if (start and day < start) or (end and day > end):
                continue
            if first_visit:
                entered[stage.name].add(deal.id)
            if stage.kind != StageKind.open:
                continue
            later = [s for s, _ in deal.path[i + 1 :]]
            if first_visit and any(
                s.kind == StageKind.won
                or (s.kind == StageKind.open and s.position > stage.position)
                for s in later
            ):
                advanced[stage.name].add(deal.id)
            if i + 1 < len(deal.path):
                stays[stage.name].append(days(entered_at, deal.path[i + 1][1]))
    result: dict[str, dict[str, object]] = {}
    for stage in workspace.stages:
        n, terminal = len(entered[stage.name]), stage.kind != StageKind.open
        result[stage.name] = {
            "entered": n,
            "advanced": None if terminal else len(advanced[stage.name]),
            "conversion_rate": (
                None if terminal or not n else round(len(advanced[stage.name]) / n, 4)
            ),
            "median_days": percentile(stays[stage.name], 0.5),
            "p75_days": percentile(stays[stage.name], 0.75),
            "measured_stays": len(stays[stage.name]),
        }
    return result


def _performance_metrics(deals: list[DealRecord]) -> dict[str, object]:
    won = [d for d in deals if d.stage.kind == StageKind.won]
    lost = len(deals) - len(won)
    won_amount = sum((d.amount for d in won), ZERO)
    assert all(d.closed_at for d in won)
    return {
        "won_count": len(won),
        "lost_count": lost,
        "win_rate": round(len(won) / len(deals), 4) if deals else None,
        "won_amount": cents(won_amount),
        "average_won_amount": cents(won_amount / len(won)) if won else None,
        "median_cycle_days": (
            statistics.median(days(d.created_at, d.closed_at) for d in won)  # type: ignore[arg-type]
            if won
            else None
        ),
    }


EMPTY_PERFORMANCE = _performance_metrics([])


@dataclass
class Performance:
    periods: dict[str, dict[str, object]]
    cells: dict[tuple[str, uuid.UUID | None], dict[str, object]]
    owners: dict[uuid.UUID | None, dict[str, object]]
    totals: dict[str, object]


def performance(
    workspace: Workspace,
    *,
    group_by: str,
    start: date,
    end: date,
    owner_id: uuid.UUID | None = None,
) -> Performance:
    closed = [
        d
        for d in selected(workspace, owner_id)
        if d.closed_at is not None
        and d.stage.kind in (StageKind.won, StageKind.lost)
        and start <= d.closed_at.date() <= end
    ]
    by_period: dict[str, list[DealRecord]] = defaultdict(list)
    by_cell: dict[tuple[str, uuid.UUID | None], list[DealRecord]] = defaultdict(list)
    by_owner: dict[uuid.UUID | None, list[DealRecord]] = defaultdict(list)
    for deal in closed:
        assert deal.closed_at is not None
        period = label(deal.closed_at.date(), group_by)
        by_period[period].append(deal)
        by_cell[(period, deal.owner_id)].append(deal)
        by_owner[deal.owner_id].append(deal)
    return Performance(
        periods={k: _performance_metrics(v) for k, v in by_period.items()},
        cells={k: _performance_metrics(v) for k, v in by_cell.items()},
        owners={k: _performance_metrics(v) for k, v in by_owner.items()},
        totals=_performance_metrics(closed),
    )


@dataclass
class Forecast:
    periods: dict[str, dict[str, object]]
    totals: dict[str, object]
    overdue: dict[str, object]
    unscheduled: dict[str, object]


@dataclass
class _ForecastCell:
    won_count: int = 0
    won_amount: Decimal = ZERO
    open: Sums | None = None

    def as_json(self) -> dict[str, object]:
        due = self.open or Sums()
        return {
            "won_count": self.won_count,
            "won_amount": cents(self.won_amount),
            "open_count": due.deal_count,
            "open_amount": cents(due.amount),
            "weighted_amount": cents(due.weighted_amount),
            "forecast_amount": cents(self.won_amount + due.weighted_amount),
            "best_case_amount": cents(self.won_amount + due.amount),
        }


EMPTY_FORECAST = _ForecastCell().as_json()


def forecast(
    workspace: Workspace,
    *,
    group_by: str,
    start: date,
    end: date,
    today: date,
    owner_id: uuid.UUID | None = None,
) -> Forecast:
    cells: dict[str, _ForecastCell] = defaultdict(_ForecastCell)
    total = _ForecastCell(open=Sums())
    overdue, unscheduled = Sums(), Sums()
    for deal in selected(workspace, owner_id):
        if deal.stage.kind == StageKind.won:
            assert deal.closed_at is not None
            if start <= deal.closed_at.date() <= end:
                cell = cells[label(deal.closed_at.date(), group_by)]
                for target in (cell, total):
                    target.won_count += 1
                    target.won_amount += deal.amount
        elif deal.stage.kind == StageKind.open:
            due = deal.expected_close_date
            if due is None:
                unscheduled.add(deal)
            elif due < today:
                overdue.add(deal)
            elif start <= due <= end:
                cell = cells[label(due, group_by)]
                cell.open = cell.open or Sums()
                cell.open.add(deal)
                assert total.open is not None
                total.open.add(deal)
    return Forecast(
        periods={k: v.as_json() for k, v in cells.items()},
        totals=total.as_json(),
        overdue=overdue.as_json(),
        unscheduled=unscheduled.as_json(),
    )


def assert_matches(actual: dict[str, object], expected: dict[str, object]) -> None:
    """Money exactly (as Decimal), counts and rates exactly, day figures to the API's 0.01."""
    for key, want in expected.items():
        got = actual[key]
        if isinstance(want, Decimal):
            assert Decimal(str(got)) == want, (key, got, want)
        elif isinstance(want, float) and key.endswith("days"):
            assert got is not None and abs(float(got) - want) <= 0.0051, (key, got, want)  # type: ignore[arg-type]
        else:
            assert got == want, (key, got, want)
